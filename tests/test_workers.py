"""Work shared by worker processes gives what one process gives, in the same order."""

from __future__ import annotations

import os

import pytest

from generator import workers


def _tagged(shared: str, item: int) -> tuple[str, int, int]:
    return shared, item * item, os.getpid()


def test_workers_give_each_result_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    items = list(range(23))
    results = list(workers.mapped(_tagged, "x", items, at_least=1, chunk=3))
    assert [(shared, square) for shared, square, _ in results] == [("x", i * i) for i in items]
    assert os.getpid() not in {pid for _, _, pid in results}  # none made here


def test_a_small_batch_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    results = list(workers.mapped(_tagged, "x", [1, 2], at_least=3))
    assert {pid for _, _, pid in results} == {os.getpid()}


def test_an_error_in_a_worker_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    with pytest.raises(ZeroDivisionError):
        list(workers.mapped(lambda shared, item: shared / item, 1, [1, 0, 2], at_least=1))


def test_a_job_beside_runs_in_another_process_while_this_one_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    with workers.beside(os.getpid, worth_it=True) as result:
        here = os.getpid()
        assert result() != here


def test_a_job_not_worth_a_process_runs_here_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    with workers.beside(os.getpid, worth_it=False) as result:
        assert result() == os.getpid()


def test_an_error_in_a_job_beside_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 2)
    with pytest.raises(ZeroDivisionError), workers.beside(lambda: 1 / 0, worth_it=True) as result:
        result()
