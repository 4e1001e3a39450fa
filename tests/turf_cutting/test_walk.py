"""Tests for the walking order (turf_cutting.walk)."""

from __future__ import annotations

import numpy as np

from turf_cutting.walk import order_xy, path_length


def test_visits_every_point_once() -> None:
    xy = np.random.default_rng(0).random((50, 2)) * 500
    order = order_xy(xy)
    assert sorted(order.tolist()) == list(range(50))
    assert path_length(xy, order) > 0
