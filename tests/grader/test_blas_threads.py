"""The grading process grades with one BLAS thread, and gives the caller back the threads it had."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from threadpoolctl import threadpool_info

import grader.grading
from grader.sandbox.limits import SINGLE_THREADED
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


PROGRAM_LOADING_NUMPY = """
import sys
import grader.cli

def command(**options):  # stands for any command of the program: it loads numpy and reports its BLAS threads
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_info
    print(sorted({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}))
    sys.exit(0)

grader.cli.main = command
grader.cli.run()
"""


def program_blas_threads(**environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | environment
    done = subprocess.run([sys.executable, "-c", PROGRAM_LOADING_NUMPY], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.strip()


def test_the_program_loads_numpy_with_one_blas_thread_unless_told_otherwise():
    # OpenBLAS's pool spins once numpy loads, on the core the zygote needs: nn-grader never starts one
    assert program_blas_threads() == "[1]"
    assert program_blas_threads(OPENBLAS_NUM_THREADS="2") == "[2]"  # the user's own setting wins


PROGRAM_ENVIRONMENT = """
import json, os, sys
import grader.cli

def command(**options):  # what every process the program starts inherits (the grading slots of a class, say)
    from grader.sandbox.limits import SINGLE_THREADED
    print(json.dumps({name: os.environ.get(name) for name in SINGLE_THREADED}))
    sys.exit(0)

grader.cli.main = command
grader.cli.run()
"""


def test_the_program_holds_every_blas_library_to_one_thread_unless_told_otherwise():
    env = {k: v for k, v in os.environ.items() if k not in SINGLE_THREADED} | {"MKL_NUM_THREADS": "4"}
    done = subprocess.run([sys.executable, "-c", PROGRAM_ENVIRONMENT], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(done.stdout) == {name: "4" if name == "MKL_NUM_THREADS" else "1" for name in SINGLE_THREADED}
