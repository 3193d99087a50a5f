"""The ratification models on made-up histories whose answer is known, and the forecast's shape."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from domain.membership import can_join
from domain.treaty import ADOPTIONS
from domain.values import Instrument
from projections.forecast.history import History, Record
from projections.forecast.parties import forecast_parties, simulate
from projections.forecast.survival import (
    MONTH,
    TooLittleHistory,
    lognormal_times,
    recent_rate_times,
    units,
)


def history_from(months_to_party: np.ndarray, as_of: date) -> History:
    """Every State of the pool becomes a party after its adoption at the given months, in code order."""
    codes = sorted(can_join(as_of))
    history: History = {}
    for inst in Instrument:
        adopted = ADOPTIONS[inst].day
        records = {}
        for code, months in zip(codes, months_to_party, strict=False):
            day = adopted + timedelta(days=float(months) * MONTH)
            if day <= as_of:
                records[code] = Record(party=day)
        history[inst] = records
    return history


def quantiles(n: int) -> np.ndarray:
    """n evenly spread probabilities, so a made-up sample has exactly its distribution's shape."""
    return (np.arange(n) + 0.5) / n


def new_parties_within(times: np.ndarray, months: float) -> np.ndarray:
    return np.asarray((times <= months).sum(axis=1))


def test_a_constant_hazard_gives_its_expected_count() -> None:
    as_of, rate = date(2010, 1, 1), 0.01  # one in a hundred of those left joins each month
    n = len(can_join(as_of))
    history = history_from(stats.expon.ppf(quantiles(n), scale=1 / rate), as_of)
    pool = units(history, as_of)
    rng = np.random.default_rng(7)
    times = recent_rate_times(pool, rng.random((4000, int(pool.at_risk.sum()))), rng)

    expected = pool.at_risk.sum() * (1 - np.exp(-rate * 12))
    assert new_parties_within(times, 12).mean() == pytest.approx(expected, rel=0.05)


def test_a_log_normal_history_gives_its_conditional_count() -> None:
    median, sigma = 60.0, 0.8
    as_of = ADOPTIONS[Instrument.CONVENTION].day + timedelta(days=60 * MONTH)
    n = len(can_join(as_of))
    history = history_from(stats.lognorm.ppf(quantiles(n), sigma, scale=median), as_of)
    pool = units(history, as_of)
    rng = np.random.default_rng(11)
    times = lognormal_times(pool, rng.random((4000, int(pool.at_risk.sum()))), rng)

    waited = pool.months[pool.at_risk]
    truth = stats.lognorm(sigma, scale=median)
    expected = np.sum((truth.cdf(waited + 24) - truth.cdf(waited)) / truth.sf(waited))
    assert new_parties_within(times, 24).mean() == pytest.approx(expected, rel=0.1)


def test_no_party_yet_is_too_little_to_fit() -> None:
    history: History = {inst: {} for inst in Instrument}

    with pytest.raises(TooLittleHistory):
        simulate(history, date(2001, 3, 1))


def test_the_bands_are_ordered_and_the_path_never_falls() -> None:
    as_of = date(2006, 1, 1)
    history = history_from(stats.expon.ppf(quantiles(len(can_join(as_of))), scale=80), as_of)

    result = forecast_parties(history, as_of, 6)

    for forecast in result.values():
        assert forecast.parties_now <= forecast.parties.p10 <= forecast.parties.p50 <= forecast.parties.p90
        assert [p.month for p in forecast.path][-1] == date(2006, 7, 1)
        medians = [p.p50 for p in forecast.path]
        assert medians == sorted(medians)
        assert (forecast.parties.p10, forecast.parties.p90) == (forecast.path[-1].p10, forecast.path[-1].p90)
