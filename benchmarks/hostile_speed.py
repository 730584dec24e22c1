"""Whether a hostile student slows the next one down: a correct grade timed right after a hostile one.

For each hostile case of the security corpus that targets the machine rather than the grade (a fork bomb, a memory
bomb, a thread bomb, threads left spinning), prints the median wall time of grading a copy of the reference right
after grading the hostile submission, beside the same grade right after another copy of the reference, in one
grading process (one zygote, as a slot of `nn-grader autograde` has). The project's tests require the correct
student's full marks after each case (tests/security/test_zygote.py); time is measured here, where nothing is
asserted: the figures depend on the machine.

    python benchmarks/hostile_speed.py [--runs 5] [--parts activations losses]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from autograde_speed import with_bugs
from sitting import load_line, machine_line

from grader.audit import reference_copy
from grader.grading import grade

ROOT = Path(__file__).resolve().parents[1]
CASES = ("fork_bomb", "memory_bomb", "thread_bomb", "spinning_threads")


def corpus():
    """The security tests' hostile corpus and its helpers (imported by name: mypy checks benchmarks/, not tests/)."""
    sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.security.test_corpus"), importlib.import_module("tests.security.test_zygote")


def hostile_folder(case: str, folder: Path) -> Path:
    """A submission of the corpus case ``case`` (threads left spinning: the reference with such threads appended)."""
    test_corpus, test_zygote = corpus()
    if case == "spinning_threads":
        return with_bugs(reference_copy(folder), [test_zygote.SPINNING_THREADS])
    folder.mkdir()
    return test_corpus.hostile_submission(next(c for c in test_corpus.CASES if c.name == case), folder, 0)


def seconds_after(before: Path, honest: Path, parts: list[str], runs: int, limits) -> float:
    """Median wall time of grading ``honest`` right after grading ``before``."""
    times = []
    for _ in range(runs):
        grade(before, parts, limits=limits)
        started = time.perf_counter()
        result = grade(honest, parts, limits=limits)
        times.append(time.perf_counter() - started)
        if result.points != result.max_points:
            print(f"  note: the honest submission got {result.points}/{result.max_points} after {before.name}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parts", nargs="+", default=["activations", "losses"])
    args = parser.parse_args()
    test_corpus, _ = corpus()
    limits = replace(test_corpus.LIMITS, call_seconds=5.0)
    print(machine_line(f"medians of {args.runs} runs; parts {' '.join(args.parts)}"))
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        Path(tmp, "honest").mkdir()
        Path(tmp, "another_honest").mkdir()
        honest = test_corpus.reference_copy(Path(tmp, "honest"))
        other = test_corpus.reference_copy(Path(tmp, "another_honest"))
        grade(honest, args.parts, limits=limits)  # warm imports and the zygote once
        baseline = seconds_after(other, honest, args.parts, args.runs, limits)
        print(f"{'after a correct student:':<32}{baseline:.3f} s")
        for case in CASES:
            seconds = seconds_after(hostile_folder(case, Path(tmp, case)), honest, args.parts, args.runs, limits)
            print(f"{f'after {case}:':<32}{seconds:.3f} s (x{seconds / baseline:.2f})")
    print(load_line())


if __name__ == "__main__":
    main()
