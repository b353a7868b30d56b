"""The oracle's own percentile is PostgreSQL's ``percentile_cont`` (linear interpolation):
checked against the standard library's inclusive quantiles and a few values worked by hand."""

import random
import statistics

import pytest

from .oracle.compute import percentile_cont


def test_it_interpolates_between_the_two_closest_ranks():
    assert percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert percentile_cont([10, 20, 30, 40, 50], 0.9) == pytest.approx(46.0)
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([5, 1], 0.0) == 1 and percentile_cont([5, 1], 1.0) == 5


def test_it_has_no_value_without_values():
    assert percentile_cont([], 0.5) is None


@pytest.mark.parametrize("seed", range(20))
def test_it_agrees_with_inclusive_quantiles(seed):
    rng = random.Random(seed)
    values = [rng.randrange(0, 200_000) for _ in range(rng.randrange(2, 60))]
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    assert percentile_cont(values, 0.9) == pytest.approx(deciles[8], abs=1e-9)
    assert percentile_cont(values, 0.5) == pytest.approx(quartiles[1], abs=1e-9)
    assert percentile_cont(values, 0.5) == pytest.approx(statistics.median(values), abs=1e-9)
