"""The grading process grades with one BLAS thread, and gives the caller back the threads it had."""

from __future__ import annotations

from threadpoolctl import threadpool_info

import grader.grading
from tests.conftest import SOLUTIONS


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_the_checks_run_with_one_blas_thread(monkeypatch):
    seen: list[set[int]] = []
    real = grader.grading.run_suites

    def recording(*args, **kwargs):
        seen.append(blas_threads())
        return real(*args, **kwargs)

    before = blas_threads()
    monkeypatch.setattr(grader.grading, "run_suites", recording)
    grader.grading.grade(SOLUTIONS, ["metrics"])
    assert seen == [{1}]
    assert blas_threads() == before  # a notebook's kernel keeps its own setting
