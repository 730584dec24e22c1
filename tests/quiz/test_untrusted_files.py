"""Quiz files (from colleagues) and answers files (from students) are untrusted: reading one is bounded, and every
way it can fail is one `file:line` problem for that file alone -- never an exception, a hang or a lost quiz.

Hostile inputs are generated here, small on disk (a sparse file for the size cap), not kept as fixtures.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.i18n import language
from grader.quiz import load_quiz
from grader.quiz.answers import MAX_ANSWERS_BYTES, read_answers
from grader.quiz.loader import MAX_QUIZ_BYTES
from grader.quiz.source import read_yaml

from quiz_files import QUIZZES

SEED_QUIZ = QUIZZES / "first-network.yaml"
DEEP = 3000  # levels: enough for a RecursionError in PyYAML's recursive composer

# name -> bytes of a hostile answers file, and the line its problem is on
HOSTILE_ANSWERS: dict[str, tuple[bytes, int]] = {
    "deep-sequence": (b"student: s1\nanswers:\n  q: " + b"[" * DEEP + b"]" * DEEP + b"\n", 3),
    "deep-mapping": (b"student: s1\nanswers:\n" + b"".join(b" " * i + b"k:\n" for i in range(1, 700)), 101),
    "nul": (b"student: s1\nanswers:\n  q: A\x00\n", 3),
    "bad-encoding": (b"student: s1\nanswers:\n  q: \xc3\x28\n", 3),
    "latin-1": ("student: s1\nanswers:\n  q: café\n".encode("latin-1"), 3),
    "python-tag": (b"student: s1\nanswers: !!python/object/new:os.system [ls]\n", 2),
    "apply-tag-sequence": (b"student: s1\nanswers:\n  q: !!python/object/apply:os.system\n    - ls\n", 3),
    "set-tag": (b"student: s1\nanswers: !!set {a, b}\n", 2),
    "huge-int": (b"student: s1\nanswers:\n  q: " + b"9" * 5000 + b"\n", 3),
    "huge-sexagesimal": (b"student: s1\nanswers:\n  q: " + b":".join([b"59"] * 3000) + b"\n", 3),
    "impossible-date": (b"student: s1\nanswers:\n  q: 2024-13-45\n", 3),
    "alias-bomb": (b"student: s1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [" + b", ".join([b"*a"] * 10) + b"]\n"
                   b"c: &c [" + b", ".join([b"*b"] * 10) + b"]\nd: &d [" + b", ".join([b"*c"] * 10) + b"]\n"
                   b"e: &e [" + b", ".join([b"*d"] * 10) + b"]\nanswers: {q: *e}\n", 6),
}


def _one_line_problems(problems: list) -> None:  # type: ignore[type-arg]
    assert problems
    for problem in problems:
        assert "\n" not in str(problem), str(problem)


@pytest.mark.parametrize("name", sorted(HOSTILE_ANSWERS))
def test_read_answers_turns_hostile_content_into_problems_with_lines(tmp_path: Path, name: str) -> None:
    content, line = HOSTILE_ANSWERS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    answers, problems = read_answers(path)
    _one_line_problems(problems)
    assert all(p.file == str(path) for p in problems)
    assert any(p.line == line for p in problems), [str(p) for p in problems]


def test_read_answers_problems_are_in_the_students_language(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"student: s1\nanswers:\n  q: \xff\n")
    with language("ko"):
        _, problems = read_answers(path)
    assert problems[0].line == 3 and "UTF-8 텍스트가 아닙니다" in problems[0].message


def test_read_answers_never_raises_for_mangled_bytes(tmp_path: Path) -> None:
    """Random damage to a real answers file (bytes dropped, flipped, duplicated) gives problems or answers."""
    good = b"quiz: first-network\nstudent: s1\nanswers:\n  q1: [A, C]\n  q2: 'x'\n  q3: {a: &x 1, b: *x}\n"
    rng = random.Random(20240601)
    path = tmp_path / "mangled.yaml"
    for _ in range(400):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.randrange(3)
            if action == 0:
                data[at] = rng.randrange(256)
            elif action == 1:
                del data[at]
            else:
                data[at:at] = data[at:at + rng.randint(1, 8)] * rng.randint(1, 50)
        path.write_bytes(bytes(data))
        answers, problems = read_answers(path)
        assert answers is not None or problems
        for problem in problems:
            assert "\n" not in str(problem)


def _sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on disk (reading it would still cost the time and memory)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def test_oversized_answers_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "huge.yaml", 64 * 2**20)
    start = time.monotonic()
    answers, problems = read_answers(path)
    assert time.monotonic() - start < 1
    assert answers is None and len(problems) == 1
    assert str(problems[0]) == f"{path}: the file is 64 MiB, more than the limit of 1 MiB; nothing was read"


def test_answers_file_at_the_limit_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "padded.yaml"
    head = b"student: s1\nanswers:\n  q: A\n"
    path.write_bytes(head + b"#" * (MAX_ANSWERS_BYTES - len(head) - 1) + b"\n")
    answers, problems = read_answers(path)
    assert answers is not None and answers.answers == {"q": "A"} and not problems


def test_oversized_quiz_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "huge.yaml", 32 * 2**20)
    start = time.monotonic()
    quiz, problems = load_quiz(path)
    assert time.monotonic() - start < 1
    assert quiz is None
    assert [str(p) for p in problems] == [f"{path}: the file is 32 MiB, more than the limit of 1 MiB; nothing was read"]
    assert MAX_QUIZ_BYTES >= 2**20  # far above any real quiz (the shipped ones are tens of KB)
    assert max(p.stat().st_size for p in QUIZZES.glob("*.yaml")) * 10 < MAX_QUIZ_BYTES


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("id: x\nquestions: " + "[" * DEEP + "]" * DEEP + "\n", 2, "nested more than 100 levels deep"),
    ("id: x\ntitle: a\x00b\n", 2, "the control character U+0000 is not allowed"),
    ("id: x\ntitle: a\x1bb\n", 2, "the control character U+001B is not allowed"),
    ("id: x\n" + "".join(f"k{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" if i else "k0: &a0 [x]\n"
                         for i in range(9)), 7, "more than 50000 values by this line"),
    ("id: x\ntitle: !!binary aGVsbG8=\n", 2, "the tag `!!binary` is not allowed"),
    ("id: x\ntitle: !custom text\n", 2, "the tag `!custom` is not allowed"),
    ("id: x\ntitle: &t !!python/object/new:os.system\n  - ls\nother: *t\n", 2,
     "the tag `!!python/object/new:os.system` is not allowed"),
    ("id: x\ndefaults: &d !!set {a, b}\nq:\n  <<: *d\n", 2, "the tag `!!set` is not allowed"),
    ("id: x\ntitle: 2024-02-30\n", 2, "unreadable value: day is out of range for month"),
])
def test_unreadable_quiz_text_is_one_problem_with_its_line(text: str, line: int, fragment: str) -> None:
    document, problems = read_yaml(text, "q.yaml")
    _one_line_problems(problems)
    assert any(p.line == line and fragment in p.message for p in problems), [str(p) for p in problems]


def test_alias_bomb_and_tags_are_reported_once_not_per_alias() -> None:
    text = "a: &a !!set {x}\nb: [" + ", ".join(["*a"] * 1000) + "]\n"
    _, problems = read_yaml(text, "q.yaml")
    assert [str(p) for p in problems] == ["q.yaml:1: a: the tag `!!set` is not allowed: expected plain text, "
                                          "numbers, true/false, lists and mappings without tags"]


@pytest.mark.parametrize("written", ["8:2", "0x10", "010", "1_000", "1.50", ".inf", "+5", "1.0e+3", "0b11"])
def test_option_text_that_yaml_turns_into_another_number_is_flagged(tmp_path: Path, written: str) -> None:
    quiz, problems = load_quiz(_choice_quiz(tmp_path, written))
    flagged = [p for p in problems if p.field == "questions[0].options[0].text"]
    assert len(flagged) == 1 and flagged[0].line == 10, [str(p) for p in problems]
    assert f"YAML reads `{written}` as the number" in flagged[0].message
    assert f'quote the text, e.g. "{written}"' in flagged[0].message


@pytest.mark.parametrize("written", ["10", "0.25", "-3", '"8:2"', "'0x10'", "1e3", "0o17", "v1.5"])
def test_option_text_written_plainly_or_quoted_reaches_students_as_written(tmp_path: Path, written: str) -> None:
    quiz, problems = load_quiz(_choice_quiz(tmp_path, written))
    assert not problems, [str(p) for p in problems]
    assert quiz is not None
    assert quiz.questions[0].options[0].text == {"*": str(yaml.safe_load(f"t: {written}")["t"])}


def _choice_quiz(tmp_path: Path, option_text: str) -> Path:
    path = tmp_path / "numbers.yaml"
    path.write_text(f"""id: numbers
title: Numbers as option texts
questions:
  - id: q1
    type: single
    prompt: Which one?
    explanation: The first.
    options:
      - id: first
        text: {option_text}
        correct: true
      - id: second
        text: something else
        feedback: Not this one.
""", encoding="utf-8")
    return path


def test_prompt_that_yaml_turns_into_a_number_says_so(tmp_path: Path) -> None:
    path = _choice_quiz(tmp_path, "A")
    path.write_text(path.read_text(encoding="utf-8").replace("prompt: Which one?", "prompt: 12:30"), encoding="utf-8")
    _, problems = load_quiz(path, seeds=5)
    assert [str(p) for p in problems] == [f'{path}:6: questions[0].prompt: YAML reads `12:30` as the number 750, so '
                                          f'students would see 750: quote the text, e.g. "12:30"']


# -- the commands: one hostile file never stops another quiz, and nothing prints a traceback ----------------------

HOSTILE_QUIZZES = {
    "deep.yaml": ("id: deep\ntitle: x\nquestions: " + "[" * DEEP + "]" * DEEP + "\n").encode(),
    "nul.yaml": b"id: nul\ntitle: x\x00\n",
    "latin1.yaml": "id: latin\ntitle: café\n".encode("latin-1"),
    "tagged.yaml": b"id: tagged\ntitle: !!python/object/apply:os.system [ls]\n",
    "not-a-mapping.yaml": b"- just\n- a list\n",
    "bad-date.yaml": b"id: 2024-13-45\ntitle: x\n",
}


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "quizzes-from-colleagues"
    folder.mkdir()
    for name, content in HOSTILE_QUIZZES.items():
        (folder / name).write_bytes(content)
    _sparse(folder / "huge.yaml", 8 * 2**20)
    (folder / "good.yaml").write_text(SEED_QUIZ.read_text(encoding="utf-8").replace("id: first-network",
                                                                                    "id: colleague-quiz", 1),
                                      encoding="utf-8")
    return folder


def _invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["quiz", *args], env=env, input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_validate_folder_reports_each_hostile_file_in_one_line(hostile_folder: Path) -> None:
    result = _invoke("validate", "--seeds", "20", str(hostile_folder))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{hostile_folder / 'good.yaml'}: valid (4 questions, tier open)" in lines
    for name in list(HOSTILE_QUIZZES) + ["huge.yaml"]:
        mine = [line for line in lines if line.startswith(f"{hostile_folder / name}")]
        assert mine, name
    assert f"{hostile_folder / 'deep.yaml'}:3: the data is nested more than 100 levels deep" in lines
    assert f"{hostile_folder / 'nul.yaml'}:2: the control character U+0000 is not allowed in YAML; remove it" in lines
    assert any(line.startswith(f"{hostile_folder / 'latin1.yaml'}:2: the file is not UTF-8 text") for line in lines)
    assert f"{hostile_folder / 'huge.yaml'}: the file is 8 MiB, more than the limit of 1 MiB; nothing was read" in lines
    assert len(lines) < 30  # one line per problem, no traceback's thousands


def test_list_and_take_work_beside_hostile_files(hostile_folder: Path) -> None:
    env = {"NN_GRADER_QUIZZES": str(hostile_folder)}
    listed = _invoke("list", env=env)
    assert listed.exit_code == 0
    assert any(line.startswith("colleague-quiz") for line in listed.stdout.splitlines())
    taken = _invoke("take", "colleague-quiz", "--student", "s1", "--plain", env=env, input="quit\n")
    assert taken.exit_code == 0
    assert "Question 1 of 4" in taken.stdout


def test_grade_reports_hostile_answers_files_and_grades_the_rest(tmp_path: Path) -> None:
    args = []
    for name, (content, _line) in HOSTILE_ANSWERS.items():
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(content)
        args += ["--answers", str(path)]
    args += ["--answers", str(_sparse(tmp_path / "huge.yaml", 40 * 2**20))]
    good = tmp_path / "good.yaml"
    good.write_text("student: s2024-017\nanswers: {}\n", encoding="utf-8")
    result = _invoke("grade", str(SEED_QUIZ), *args, "--answers", str(good))
    assert result.exit_code == 1
    assert result.stdout.startswith("s2024-017: 0 / 4")
    errors = result.stderr.splitlines()
    for name, (_, line) in HOSTILE_ANSWERS.items():
        assert any(e.startswith(f"{tmp_path / name}.yaml:{line}: ") for e in errors), (name, errors)
    assert f"{tmp_path / 'huge.yaml'}: the file is 40 MiB, more than the limit of 1 MiB; nothing was read" in errors


def test_fifo_is_not_read(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    got: dict[str, object] = {}
    reader = threading.Thread(target=lambda: got.update(result=read_answers(fifo)), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # opening a FIFO for reading blocks until a writer comes: be that writer, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail("reading a FIFO blocked")
    answers, problems = got["result"]  # type: ignore[misc]
    assert answers is None and [p.message for p in problems] == ["not a regular file"]
