"""The backtest on the Treaty Collection's real tables, at a few cut-offs, and the pool it counts from."""

from __future__ import annotations

from datetime import date

from domain.membership import MEMBER_STATES, can_join
from projections.forecast.backtest import backtest, quarterly
from projections.forecast.history import cut
from projections.forecast.parties import simulate
from projections.forecast.survival import units
from tests.unit.collection_history import collection_history

CUTOFFS = [date(2003, 1, 1), date(2005, 7, 1), date(2008, 1, 1), date(2010, 7, 1), date(2012, 1, 1)]


def test_the_pool_counts_the_states_that_existed_on_the_date() -> None:
    assert len(MEMBER_STATES) == 193
    assert "MNE" not in can_join(date(2006, 6, 2))
    assert "MNE" in can_join(date(2006, 6, 3))
    assert {"SSD", "TLS"} & can_join(date(2002, 1, 1)) == set()
    assert {"EUU", "VAT", "SRB"} <= can_join(date(2002, 1, 1))


def test_quarterly_cutoffs_run_from_2002_to_2013() -> None:
    days = quarterly()

    assert (days[0], days[1], days[-1]) == (date(2002, 1, 1), date(2002, 4, 1), date(2013, 10, 1))
    assert len(days) == 48


def test_the_band_holds_most_outcomes_and_the_median_beats_the_naive_forecast() -> None:
    result = backtest(collection_history(), CUTOFFS, horizons=(12,), simulations=400)

    [year] = result.horizons
    assert year.forecasts == 4 * len(CUTOFFS)
    assert 0.6 <= year.coverage <= 1.0
    assert year.ratio is not None
    assert year.ratio < 1.0
    assert result.tables_reach == date(2014, 3, 21)
    # Each forecast is scored against the count the tables give on its horizon's day.
    first = next(r for r in result.forecasts if r.cutoff == date(2003, 1, 1) and r.instrument == "convention")
    assert (first.actual, first.naive) == (59, 50)


def test_a_horizon_past_the_tables_is_not_scored() -> None:
    result = backtest(collection_history(), [date(2013, 7, 1)], horizons=(6, 12), simulations=200)

    assert [(h.months, h.forecasts) for h in result.horizons] == [(6, 4), (12, 0)]


def test_a_history_with_later_actions_forecasts_as_the_history_cut_at_the_date() -> None:
    history = collection_history()
    day = date(2002, 3, 4)

    whole, then = simulate(history, day, 200), simulate(cut(history, day), day, 200)

    assert "MNE" not in set(units(history, day).code)  # it acted in 2006, and did not exist before
    assert whole.pool.code == then.pool.code
    assert (whole.times == then.times).all()
