"""The speed benchmark's in-process stand-in must keep up with the interface the runner gives the checks."""

import importlib.util

from grader import parts as course
from grader.runner import run_suites
from tests.conftest import ROOT


def test_the_in_process_stand_in_runs_every_check():
    spec = importlib.util.spec_from_file_location("check_speed", ROOT / "benchmarks" / "check_speed.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    run = run_suites(benchmark.InProcessSubmission(), course.select(None), seed=20260101)
    assert run.diagnostics == {}
    assert {c.part for c in run.checks} == {p.name for p in course.select(None)}
    # Not yet: the stand-in's objects lack the handles the training checks pass back, and it shares the optimizer
    # checks' arrays instead of copying them, so 15 checks fail in-process that pass on the reference.
