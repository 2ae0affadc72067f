"""Restarts of embedded workers back off when they keep dying young."""

from __future__ import annotations

from xxgk.runners.jobs.pool import STABLE_SECONDS, Backoff


def test_pool_quick_deaths_double_the_delay_up_to_the_cap() -> None:
    backoff = Backoff(base=1.0, cap=10.0)
    assert [backoff.delay(0.5) for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_pool_a_worker_that_ran_a_while_is_restarted_at_once() -> None:
    backoff = Backoff(base=1.0, cap=10.0)
    backoff.delay(0.5)
    backoff.delay(0.5)
    assert backoff.delay(STABLE_SECONDS + 1) == 0.0
    assert backoff.delay(0.5) == 1.0  # counting starts again
