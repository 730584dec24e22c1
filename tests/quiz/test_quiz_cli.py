"""The `nn-grader quiz` commands: exit codes, text and JSON output, sealing and grading copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.quiz import Quiz
from grader.quiz.variants import show_question, student_seed

from quiz_files import FAST_COST, MALFORMED, QUIZZES

SEED_QUIZ = QUIZZES / "first-network.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quiz", *args])
    return result.exit_code, result.output


def test_validate_exit_codes() -> None:
    code, out = run("validate", "--seeds", "100", str(QUIZZES))
    assert code == 0 and "all valid" in out
    code, out = run("validate", str(SEED_QUIZ), str(MALFORMED / "05-no-correct-option.yaml"),
                    str(MALFORMED / "09-tolerance-accepts-distractor.yaml"))
    assert code == 1
    assert f"{SEED_QUIZ}: valid (4 questions, tier open)" in out  # one broken quiz does not hide the others
    assert f"{MALFORMED / '05-no-correct-option.yaml'}:8: questions[0].options: no option" in out
    assert "2 problem(s) in 2 file(s)" in out
    assert run("validate")[0] == 2
    assert run("validate", "no-such-quiz.yaml")[0] == 2


def test_validate_reports_every_malformed_file_without_a_traceback() -> None:
    code, out = run("validate", "--format", "json", str(MALFORMED))
    assert code == 1 and "Traceback" not in out
    report = json.loads(out)
    assert len(report) == len(list(MALFORMED.glob("*.yaml")))
    assert all(not entry["valid"] and entry["problems"] for entry in report)
    assert {"file", "line", "field", "message"} == set(report[0]["problems"][0])


def _answers(tmp_path: Path, quiz: Quiz, answerer, student: str, right: bool = True) -> Path:  # type: ignore[no-untyped-def]
    key = answerer(quiz)
    seed = student_seed(quiz.id, student)
    pick = key.correct if right else key.wrong
    data = {"quiz": quiz.id, "student": student,
            "answers": {q.id: pick(show_question(q, seed)) for q in quiz.questions}}
    path = tmp_path / f"{student}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_grade_text_and_json_for_a_class(tmp_path: Path, shipped: dict[str, Quiz], answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["activations"]
    good = _answers(tmp_path, quiz, answerer, "s-good")
    bad = _answers(tmp_path, quiz, answerer, "s-bad", right=False)
    code, out = run("grade", "activations", "--answers", str(good), "--answers", str(bad))
    assert code == 0
    assert "s-good: 15 / 15 (100%, passed" in out and "s-bad: 0 / 15 (0%, not passed" in out
    assert "[notes-say-0-3]" in out  # a wrong numeric answer names its misconception
    code, out = run("grade", str(QUIZZES / "activations.yaml"), "--answers", str(bad), "--format", "json",
                    "--lang", "ko")
    report = json.loads(out)
    assert code == 0 and report["quiz"] == "activations" and report["problems"] == []
    result = report["results"][0]
    assert result["student"] == "s-bad" and result["points"] == 0 and result["lang"] == "ko"
    assert all(q["misconceptions"] for q in result["questions"])


def test_grade_reports_bad_answers_files_and_grades_the_rest(tmp_path: Path, shipped, answerer) -> None:  # type: ignore[no-untyped-def]
    good = _answers(tmp_path, shipped["first-network"], answerer, "s1")
    anonymous = tmp_path / "anonymous.yaml"
    anonymous.write_text("answers:\n  keras-compile: compile\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [unclosed\n", encoding="utf-8")
    code, out = run("grade", "first-network", "--answers", str(good), "--answers", str(anonymous),
                    "--answers", str(broken))
    assert code == 1
    assert "s1: 4 / 4" in out
    assert f"{anonymous}: student: no student id" in out
    assert f"{broken}:2: invalid YAML" in out


def test_seal_then_take_and_grade_the_copies(tmp_path: Path, shipped, answerer) -> None:  # type: ignore[no-untyped-def]
    sealed, ci = tmp_path / "sealed.yaml", tmp_path / "ci.yaml"
    assert run("seal", "first-network", "--tier", "sealed", "--output", str(sealed), "--cost", str(FAST_COST))[0] == 0
    assert run("seal", "first-network", "--tier", "ci", "--output", str(ci))[0] == 0
    answers = _answers(tmp_path, shipped["first-network"], answerer, "s5")
    code, out = run("grade", str(sealed), "--answers", str(answers))
    assert code == 0 and "s5: 4 / 4" in out
    code, out = run("grade", str(ci), "--answers", str(answers))
    assert code == 1 and "carries no key" in out
    code, out = run("grade", str(ci), "--answers", str(answers), "--key", str(SEED_QUIZ))
    assert code == 0 and "s5: 4 / 4" in out
    assert run("seal", str(sealed), "--tier", "ci", "--output", str(tmp_path / "x.yaml"))[0] == 1
    assert run("seal", "first-network", "--tier", "ci", "--output", str(ci), "--cost", "1000")[0] == 2


def test_unknown_quiz_name_is_a_usage_error() -> None:
    code, out = run("grade", "no-such-quiz", "--answers", str(SEED_QUIZ))
    assert code == 2 and "known quiz ids: activations, first-network, losses-metrics, training" in out


def test_take_reads_from_a_pipe_and_saves_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    save = tmp_path / "mine.yaml"
    result = CliRunner().invoke(main, ["quiz", "take", "first-network", "--student", "s1", "--plain", "--save",
                                       str(save)], input="A\nB\nC\nquit\n")
    assert result.exit_code == 0, result.output
    assert "Stopped after 3 of 4 questions." in result.output
    saved = yaml.safe_load(save.read_text(encoding="utf-8"))
    assert saved["student"] == "s1" and len(saved["answers"]) == 3
