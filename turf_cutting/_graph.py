"""Door adjacency graph: Delaunay edges minus barrier-crossing edges; private."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError
from shapely.geometry.base import BaseGeometry

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def delaunay_edges(xy: FloatArray) -> IntArray:
    """Undirected edges (i < j) of the Delaunay triangulation of distinct points ``xy``."""
    n = len(xy)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    try:
        if n < 3:
            raise QhullError("too few points")
        o = _spatial_order(xy)
        tri = Delaunay(xy[o])
    except QhullError:
        return _chain_edges(xy)
    s = o[tri.simplices]
    e = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    if len(tri.coplanar):
        e = np.concatenate([e, o[tri.coplanar[:, [0, 2]]]])
    e.sort(axis=1)
    key = np.sort(e[:, 0] * n + e[:, 1])
    key = key[np.r_[True, key[1:] != key[:-1]]]
    return np.column_stack([key // n, key % n])


def _spatial_order(xy: FloatArray) -> IntArray:
    """A serpentine order over a grid of about 64 points per cell (Qhull runs faster on it)."""
    lo = xy.min(axis=0)
    span = np.maximum(xy.max(axis=0) - lo, 1e-9)
    cells = max(1, int(np.sqrt(len(xy) / 64)))
    g = np.minimum(((xy - lo) / span * cells).astype(np.int64), cells - 1)
    row = np.where(g[:, 0] % 2 == 0, g[:, 1], cells - 1 - g[:, 1])
    return np.argsort(g[:, 0] * cells + row, kind="stable").astype(np.int64)


def _chain_edges(xy: FloatArray) -> IntArray:
    """Edges along the principal axis, for (near) collinear point sets."""
    centred = xy - xy.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    order = np.argsort(centred @ vt[0], kind="stable")
    e = np.column_stack([order[:-1], order[1:]]).astype(np.int64)
    e.sort(axis=1)
    return e


def crossing_mask(
    a: FloatArray, b: FloatArray, barriers: Sequence[BaseGeometry]
) -> NDArray[np.bool_]:
    """True where the segment ``a[i]``-``b[i]`` intersects any barrier (all in metres)."""
    mask = np.zeros(len(a), dtype=bool)
    if not barriers or len(a) == 0:
        return mask
    tree = shapely.STRtree(list(barriers))
    segments = shapely.linestrings(np.stack([a, b], axis=1))
    hit = tree.query(segments, predicate="intersects")
    mask[hit[0]] = True
    return mask


def components(n: int, edges: IntArray) -> tuple[int, IntArray]:
    """Connected components of the graph with ``n`` nodes and ``edges``."""
    if n == 0:
        return 0, np.zeros(0, dtype=np.int64)
    g = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    count, labels = connected_components(g, directed=False)
    return int(count), labels.astype(np.int64)
