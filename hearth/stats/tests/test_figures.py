"""The duration buckets the median and 90th percentile are read from (pure)."""

from __future__ import annotations

import math

import pytest

from hearth.stats import figures


def test_whole_minutes_up_to_an_hour_then_buckets_5_percent_wider() -> None:
    assert [figures.bucket(m) for m in (0, 1, 59, 60)] == [0, 1, 59, 60]
    assert figures.bucket(61) == math.ceil(60 * 1.05) == 63
    assert figures.bucket(63) == 63 and figures.bucket(64) == math.ceil(60 * 1.05**2)
    bounds = set()
    previous = 0
    for minutes in range(0, 60 * 24 * 400, 7):  # over a year, every 7th minute
        upper = figures.bucket(minutes)
        bounds.add(upper)
        assert upper >= previous  # in order
        # Never under the exact time; at most 5 % or a minute over.
        assert upper - minutes <= max(1, 0.05 * minutes) + 1e-9, minutes
        assert figures.bucket(upper) == upper  # a bound is its own bucket
        previous = upper
    assert len(bounds) < 260  # coarse on purpose: about 250 buckets cover a year


def test_a_percentile_is_the_bound_of_the_bucket_holding_the_nearest_rank() -> None:
    times = [5, 30, 61, 62, 200, 201, 202, 1000, 5000, 9000]
    counts: dict[int, int] = {}
    for t in times:
        counts[figures.bucket(t)] = counts.get(figures.bucket(t), 0) + 1
    assert figures.percentile_of_buckets(counts, 50) == figures.bucket(200)  # 5th of 10
    assert figures.percentile_of_buckets(counts, 90) == figures.bucket(5000)  # 9th of 10
    assert figures.percentile_of_buckets({}, 50) is None


def test_a_negative_time_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        figures.bucket(-1)
