"""Which rows run, and in which order: floors first, whatever --only says."""

import pytest

from bench.suite import ORDER, REGISTRY, plan


def test_it_runs_the_floor_before_a_row_read_against_it():
    assert plan(["slots"]) == ["floor", "slots"]
    assert plan(["signal"]) == ["raw-relay", "signal"]
    assert plan(["claim", "floor"]) == ["floor", "raw-claim", "claim"]


def test_it_runs_every_row_of_the_issue_by_default():
    rows = plan(None)
    assert rows == list(ORDER)
    for row in ("floor", "slots", "slots-scale", "book", "race", "claim", "submit", "signal", "sockets", "check"):
        assert row in REGISTRY


def test_it_refuses_an_unknown_row_by_name():
    with pytest.raises(SystemExit, match="unknown benchmark"):
        plan(["slotz"])
