"""Sort-based unique helpers (numpy's hash-based unique is slow on millions of rows); private."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


def unique_inverse(values: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Sorted unique values of a 1-d array and the index of each element in them."""
    if len(values) == 0:
        return values[:0], np.zeros(0, dtype=np.int64)
    o = np.argsort(values, kind="stable")
    s = values[o]
    new = np.r_[True, s[1:] != s[:-1]]
    inv = np.empty(len(values), dtype=np.int64)
    inv[o] = np.cumsum(new) - 1
    return s[new], inv


def unique_rows(rows: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Unique rows of a 2-d array (lexicographic order) and the row index of each element."""
    if len(rows) == 0:
        return rows[:0], np.zeros(0, dtype=np.int64)
    o = np.lexsort(rows.T[::-1])
    s = rows[o]
    new = np.r_[True, (s[1:] != s[:-1]).any(axis=1)]
    inv = np.empty(len(rows), dtype=np.int64)
    inv[o] = np.cumsum(new) - 1
    return s[new], inv
