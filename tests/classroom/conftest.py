"""A generated class for the classroom tests: reference copies, stubs, one-bug variants, a submission that hangs,
one that is slow everywhere, two that crash, zips (good, buggy, broken, hostile), an empty folder and a quiz-only one.

``CLASS`` maps each student id to what their row of the gradebook must show; the class is graded once per test
session (on the activations part only, with small time limits, so the whole file runs in well under a minute).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from grader.classroom.autograde import autograde
from grader.classroom.student import ClassSettings
from grader.sandbox.limits import Limits
from tests.conftest import SOLUTIONS

QUIZ = Path(__file__).with_name("data") / "class-quiz.yaml"
LIMITS = Limits(call_seconds=1, import_seconds=2)
SETTINGS = ClassSettings(parts=("activations",), limits=LIMITS, quizzes=(QUIZ,))
BUDGET = 15.0

BUGS = {  # appended to the reference activations.py: a later definition replaces the right one
    "sigmoid": ("def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))\n",
                "activations::test_activation_matches_reference[sigmoid]"),
    "relu": ("def relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n",
             "activations::test_activation_matches_reference[relu]"),
    "softmax": ("def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n",
                "activations::test_softmax_of_large_scores"),
    "tanh_grad": ("def tanh_grad(x):\n    return 1 - np.asarray(x, dtype=float) ** 2\n",
                  "activations::test_derivative_matches_reference[tanh_grad]"),
}
HANG = "def sigmoid(x):\n    while True:\n        pass\n"
CRASH_IN_CALL = "def sigmoid(x):\n    import os\n    os._exit(3)\n"
CRASH_AT_IMPORT = "import os\nos._exit(1)\n"
SLOW_EVERYWHERE = """
import time as _time


def _slowed(function):
    def slow(*args, **kwargs):
        _time.sleep(0.8)  # under the per-call limit, so only the whole-grade budget can stop it
        return function(*args, **kwargs)
    return slow


for _name, _value in list(globals().items()):
    if callable(_value) and getattr(_value, "__module__", "") == __name__ and not _name.startswith("_"):
        globals()[_name] = _slowed(_value)
"""
RIGHT = "answers:\n  dense-params: p1010\n  sigmoid-peak: quarter\n"
HALF = "answers:\n  dense-params: p1000\n  sigmoid-peak: quarter\n"


def copy_reference(folder: Path, append: str = "") -> Path:
    folder.mkdir(parents=True)
    for module in SOLUTIONS.glob("*.py"):
        if module.name != "__init__.py":
            shutil.copyfile(module, folder / module.name)
    if append:
        with open(folder / "activations.py", "a", encoding="utf-8") as out:
            out.write("\n\n" + append)
    return folder


def answer(folder: Path, text: str) -> None:
    (folder / "class-quiz.answers.yaml").write_text(text, encoding="utf-8")


def zip_folder(folder: Path, archive: Path, top: str) -> None:
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            bundle.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    shutil.rmtree(folder)


def build_class(root: Path) -> dict[str, dict]:
    """Write the class into ``root``; return each student's expected row facts."""
    from grader.stubgen import write_exercises

    expect: dict[str, dict] = {}
    for i in range(1, 11):  # three layouts a student may hand in: bare modules, exercises/, a repository
        where = ["", "exercises", "nn-course/exercises"][i % 3]
        student = root / f"ref-{i:02}"
        copy_reference(student / where if where else student)
        answer(student, RIGHT)
        expect[student.name] = {"status": "graded", "code": "full", "quiz": 2}
    for i in range(1, 4):
        student = root / f"stub-{i:02}"
        write_exercises(SOLUTIONS, student)
        expect[student.name] = {"status": "graded", "code": "zero", "quiz": 0}
    for bug, (code, check) in BUGS.items():
        for i in (1, 2):
            student = copy_reference(root / f"bug-{bug.replace('_', '')}-{i}", code)
            answer(student, HALF)
            expect[student.name] = {"status": "graded", "code": "partial", "quiz": 1, "fails": check}
    copy_reference(root / "hang", HANG)
    expect["hang"] = {"status": "graded", "code": "partial", "quiz": 0, "outcome": "timeout"}
    answer(copy_reference(root / "slow", SLOW_EVERYWHERE), RIGHT)  # its quiz still counts: graded on its own
    expect["slow"] = {"status": "timeout", "code": "zero", "quiz": 2}
    copy_reference(root / "crash-call", CRASH_IN_CALL)
    expect["crash-call"] = {"status": "graded", "code": "partial", "quiz": 0, "outcome": "crashed"}
    copy_reference(root / "crash-import", CRASH_AT_IMPORT)
    expect["crash-import"] = {"status": "graded", "code": "zero", "quiz": 0}
    answer(copy_reference(root / "zip-ref-src"), RIGHT)
    zip_folder(root / "zip-ref-src", root / "zip-ref.zip", "my-work")
    expect["zip-ref"] = {"status": "graded", "code": "full", "quiz": 2}
    copy_reference(root / "zip-bug-src", BUGS["relu"][0])
    zip_folder(root / "zip-bug-src", root / "zip-bug.zip", "exercises")
    expect["zip-bug"] = {"status": "graded", "code": "partial", "quiz": 0, "fails": BUGS["relu"][1]}
    (root / "zip-broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    expect["zip-broken"] = {"status": "invalid", "code": "zero", "quiz": 0}
    with zipfile.ZipFile(root / "zip-escape.zip", "w") as bundle:
        bundle.writestr("../../escaped.py", "print('outside')\n")
    expect["zip-escape"] = {"status": "invalid", "code": "zero", "quiz": 0}
    (root / "empty").mkdir()
    expect["empty"] = {"status": "no_code", "code": "zero", "quiz": 0}
    (root / "quiz-only").mkdir()
    answer(root / "quiz-only", RIGHT)
    expect["quiz-only"] = {"status": "no_code", "code": "zero", "quiz": 2}
    return expect


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory):
    """(submissions folder, output folder, expected rows, the run) of one autograde of the generated class."""
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    submissions.mkdir()
    expect = build_class(submissions)
    output = root / "graded"
    run = autograde(submissions, output, SETTINGS, workers=2, budget=BUDGET)
    return submissions, output, expect, run
