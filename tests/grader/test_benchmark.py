"""The speed benchmark's in-process floor must grade what a real grade grades: every check, passed by the reference.

A stand-in that skipped or failed checks would make the floor, and every ratio to it, look better than it is.
"""

import importlib.util

from grader import parts as course
from grader.runner import list_checks
from tests.conftest import ROOT


def test_the_in_process_floor_passes_every_check_on_the_reference():
    spec = importlib.util.spec_from_file_location("check_speed", ROOT / "benchmarks" / "check_speed.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    selected = course.select(None)
    run = benchmark.in_process_suites(selected)
    assert run.diagnostics == {}
    assert {c.part for c in run.checks} == {p.name for p in selected}
    assert [(c.part, c.name) for c in run.checks] == [(c.part, c.name) for c in list_checks(selected)]
    assert [f"{c.part}::{c.name}: {c.message}" for c in run.checks if c.outcome != "passed"] == []
