"""The machine's CPU per submission of a class, by kind of submission: what a student costs the grading process, its
workers and the kernel together, which is what bounds a class's seconds per submission per core.

Builds ``autograde_speed.py``'s class (by default 100: 60 copies of the reference, 20 with one bug each, 10
untouched stubs, 5 zips of the reference, 5 empty folders) and grades each submission in this process one after the
other, as a grading slot does (``grade_student``, after one unmeasured grade), reading the whole machine's busy time
from ``/proc/stat`` around each: run it on a quiet machine, since another job's CPU counts too. Prints, per kind, the
median CPU, of it the grading process's own (the rest is the workers' and the kernel's), and the wall time, and the
mean CPU over the mix. Nothing is asserted: the figures depend on the machine.

    python benchmarks/class_cpu.py [--students 100]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from autograde_speed import built_class
from sitting import PROC_STAT, busy_seconds, load_line, machine_line

from grader.classroom.roster import find_students
from grader.classroom.student import ClassSettings, grade_student


def kind_of(name: str) -> str:
    """``s007-bug`` or ``s095-zip.zip`` -> the kind ``build_class`` gave it."""
    return name.split("-", 1)[1].split(".")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    args = parser.parse_args()
    if not PROC_STAT.is_file():
        raise SystemExit("this benchmark reads the machine's CPU time from /proc/stat (Linux)")
    print(machine_line(f"machine CPU per submission, class of {args.students}, graded one by one in one process"))
    with tempfile.TemporaryDirectory(prefix="nn-grader-bench-") as tmp:
        students = find_students(built_class(Path(tmp), args.students))
        settings = ClassSettings(parts=())
        grade_student(students[0], settings, Path(tempfile.mkdtemp(dir=tmp)))  # imports, zygote, collection
        costs: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        for student in students:
            scratch = Path(tempfile.mkdtemp(dir=tmp))
            busy, own, started = busy_seconds(), time.process_time(), time.perf_counter()
            grade_student(student, settings, scratch)
            shutil.rmtree(scratch)  # as a grading slot does after each student (an unpacked zip, say)
            costs[kind_of(student.source.name)].append(
                (busy_seconds() - busy, time.process_time() - own, time.perf_counter() - started))
    for kind, measured in costs.items():
        cpu, grading, wall = zip(*measured, strict=True)
        print(f"{kind:>10}: {len(measured):3} submissions, CPU {1000 * statistics.median(cpu):4.0f} ms (grading "
              f"process {1000 * statistics.median(grading):4.0f} ms), wall {1000 * statistics.median(wall):4.0f} ms "
              f"(medians)")
    every = [cpu for measured in costs.values() for cpu, _, _ in measured]
    print(f"{'the mix':>10}: {len(every):3} submissions, CPU {1000 * statistics.mean(every):4.0f} ms (mean)")
    print(load_line())


if __name__ == "__main__":
    main()
