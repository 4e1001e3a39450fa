"""Invalid parameters and doors raise the library's own errors, naming the argument."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString

from turf_cutting import CutParams, Door, DoorDataError, TurfParamsError, cut_turfs


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"min_doors": 90, "max_doors": 80}, ["min_doors", "90", "max_doors", "80"]),
        ({"target_doors": 100}, ["target_doors", "100"]),
        ({"walk_speed_mps": -1.0}, ["walk_speed_mps", "-1.0"]),
        ({"walk_speed_mps": math.nan}, ["walk_speed_mps", "nan"]),
        ({"minutes_per_door": -0.5}, ["minutes_per_door", "-0.5"]),
        ({"shift_minutes": 0}, ["shift_minutes", "0"]),
        ({"mode": "fast"}, ["mode", "fast"]),
        ({"min_doors": 0}, ["min_doors", "0"]),
        ({"max_doors": 7.5}, ["max_doors", "7.5"]),
        ({"barriers": ["road"]}, ["barriers[0]", "road"]),
        ({"start": (200.0, 10.0)}, ["start", "200.0"]),
        ({"start": "here"}, ["start", "here"]),
        ({"keep_precincts_whole": "yes"}, ["keep_precincts_whole", "yes"]),
    ],
)
def test_invalid_params_name_the_argument(kwargs: dict[str, object], words: list[str]) -> None:
    with pytest.raises(TurfParamsError) as err:
        CutParams(**kwargs)  # type: ignore[arg-type]
    assert isinstance(err.value, ValueError)
    for word in words:
        assert word in str(err.value)


def test_valid_params_normalise_barriers_and_starts() -> None:
    road = LineString([(0, 0), (1, 1)])
    params = CutParams(barriers=[road], start=[(1.0, 2.0), (3.0, 4.0)])
    assert params.barriers == (road,)
    assert params.start == ((1.0, 2.0), (3.0, 4.0))


@pytest.mark.parametrize(
    ("doors", "words"),
    [
        ([Door("a", math.nan, 1.0)], ["doors[0]", "'a'", "nan"]),
        ([Door("a", 1.0, math.inf)], ["doors[0]", "inf"]),
        ([Door("a", 1.0, 1.0), Door("a", 1.0, 1.001)], ["duplicate", "'a'"]),
        ([Door("a", 1.0, 95.0)], ["doors[0]", "95.0"]),
        ([Door("a", 1.0, 1.0, weight=-2)], ["weight", "-2"]),
        ([Door(["a"], 1.0, 1.0)], ["hashable"]),
        ([Door("a", 1.0, 1.0, precinct=["p"])], ["precinct", "hashable"]),
        ([Door("a", "east", 1.0)], ["lon"]),
    ],
)
def test_invalid_doors_raise_door_data_error(doors: list[Door], words: list[str]) -> None:
    with pytest.raises(DoorDataError) as err:
        cut_turfs(doors, CutParams())
    for word in words:
        assert word in str(err.value)


def test_params_must_be_cut_params() -> None:
    with pytest.raises(TurfParamsError, match="params"):
        cut_turfs([Door("a", 0.0, 0.0)], {"target_doors": 3})  # type: ignore[arg-type]


def test_seed_must_be_int() -> None:
    with pytest.raises(TurfParamsError, match="seed"):
        cut_turfs([Door("a", 0.0, 0.0)], CutParams(), seed="x")  # type: ignore[arg-type]
