"""`nn-grader quiz take` driven through a real pseudo-terminal, as a student would use it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from grader.quiz import Quiz, dump_yaml, seal_quiz
from grader.quiz.variants import show_question, student_seed

from quiz_files import FAST_COST

pexpect = pytest.importorskip("pexpect")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def spawn(args: list[str], cwd: Path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "NN_GRADER_LANG", "NN_GRADER_STUDENT")}
    env["TERM"] = "xterm-256color"
    command = [sys.executable, "-m", "grader", "quiz", "take", *args]
    return pexpect.spawn(command[0], command[1:], cwd=str(cwd), env=env, encoding="utf-8", timeout=20,
                         dimensions=(50, 200))


def test_plain_session_gives_feedback_and_a_summary(tmp_path: Path, shipped: dict[str, Quiz], answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["first-network"]
    key = answerer(quiz)
    seed = student_seed(quiz.id, "pty-student")
    child = spawn(["first-network", "--student", "pty-student", "--plain", "--lang", "en",
                   "--save", "answers.yaml"], tmp_path)
    transcript = []
    for i, question in enumerate(quiz.questions, 1):
        child.expect(rf"Question {i} of 4")
        child.expect(r"Your answer \(a letter\): ")
        if i == 1:
            child.sendline("Z")  # not an option: asked again, not graded
            child.expect("no letter 'Z' in this question")
            child.expect(r"Your answer \(a letter\): ")
        child.sendline(key.correct(show_question(question, seed)))
        child.expect("Score so far")
        transcript.append(child.before)
    child.expect("Total: 4 of 4 \\(100%\\)")
    child.expect("Passed")
    child.expect(pexpect.EOF)
    output = "".join(transcript)
    assert output.count("Correct: 1 of 1 point") == 4
    assert "Explanation: Each neuron of a dense layer has one weight per input feature" in output
    assert not ANSI.search(output) and "✓" not in output  # plain mode: words only
    saved = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert saved["answers"]["keras-compile"] == "compile"


def test_korean_colour_session_with_a_wrong_answer_and_quit(tmp_path: Path, shipped, answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["first-network"]
    key = answerer(quiz)
    shown = show_question(quiz.questions[0], student_seed(quiz.id, "학생-1"))
    child = spawn(["first-network", "--student", "학생-1", "--lang", "ko"], tmp_path)
    child.expect("1번 문항")
    child.expect(r"답 \(보기 글자 하나\): ")
    child.sendline(key.wrong(shown))
    child.expect("현재 점수")
    feedback = child.before
    assert "오답" in feedback and "✗" in feedback and ANSI.search(feedback)  # colour, but never colour alone
    assert "편향" in feedback  # the seed's own reason, in Korean
    child.expect("2번 문항")
    child.expect(r"답 \(보기 글자 하나\): ")
    child.sendline("quit")
    child.expect("4문항 중 1문항까지 풀고 멈췄습니다")
    child.expect("총점")
    child.expect(pexpect.EOF)


def test_sealed_copy_session_does_not_name_the_answer(tmp_path: Path, shipped, answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["activations"]
    copy = tmp_path / "activations.sealed.yaml"
    copy.write_text(dump_yaml(seal_quiz(quiz, "sealed", cost=FAST_COST)), encoding="utf-8")
    key = answerer(quiz)
    shown = show_question(quiz.questions[0], student_seed(quiz.id, "s7"))
    child = spawn([str(copy), "--student", "s7", "--plain"], tmp_path)
    child.expect("Self-check copy")
    child.expect(r"Your answer \(a letter\): ")
    child.sendline(key.wrong(shown))
    child.expect("Score so far: 0 of 1")
    assert "Incorrect" in child.before and "Hidden layers alone do not help" in child.before
    child.sendeof()
    child.expect("Stopped after 1 of 15 questions")
    child.expect(pexpect.EOF)


def test_save_into_a_file_in_the_way_stops_before_the_first_question(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("not a folder\n")
    child = spawn(["first-network", "--student", "s1", "--plain", "--save", "blocker/answers.yaml"], tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    output = child.before
    assert child.exitstatus == 2
    assert "Question 1" not in output and "Traceback" not in output  # no answer was given for nothing
    assert "Error: cannot create the folder blocker: blocker is a file, where a folder is needed" in output


def test_save_into_new_folders_creates_them(tmp_path: Path, shipped, answerer) -> None:  # type: ignore[no-untyped-def]
    quiz = shipped["first-network"]
    shown = show_question(quiz.questions[0], student_seed(quiz.id, "s2"))
    child = spawn(["first-network", "--student", "s2", "--plain", "--save", "week1/quizzes/answers.yaml"], tmp_path)
    child.expect(r"Your answer \(a letter\): ")
    child.sendline(answerer(quiz).correct(shown))
    child.expect(r"Your answer \(a letter\): ")
    child.sendline("quit")
    child.expect("Your answers were written to week1/quizzes/answers.yaml")
    child.expect(pexpect.EOF)
    saved = yaml.safe_load((tmp_path / "week1" / "quizzes" / "answers.yaml").read_text(encoding="utf-8"))
    assert saved["answers"] == {quiz.questions[0].id: answerer(quiz).correct(shown, by="id")}


def test_answers_that_cannot_be_saved_at_the_end_are_kept(tmp_path: Path, shipped, answerer,  # type: ignore[no-untyped-def]
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    quiz = shipped["first-network"]
    shown = show_question(quiz.questions[0], student_seed(quiz.id, "s3"))
    spare_folder = tmp_path / "spare"
    spare_folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(spare_folder))  # where the spare copy goes
    child = spawn(["first-network", "--student", "s3", "--plain", "--save", "out/answers.yaml"], tmp_path)
    child.expect(r"Your answer \(a letter\): ")
    (tmp_path / "out").rmdir()  # checked and made before the first question; now a file stands in its way
    (tmp_path / "out").write_text("in the way\n")
    child.sendline(answerer(quiz).correct(shown))
    child.expect(r"Your answer \(a letter\): ")
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    output = child.before
    assert child.exitstatus == 2 and "Traceback" not in output
    assert "Your answers were not saved (cannot create the folder out: out is a file" in output
    (spare,) = spare_folder.glob("first-network-*.answers.yaml")
    assert f"They were written to {spare} instead." in output
    saved = yaml.safe_load(spare.read_text(encoding="utf-8"))
    assert saved["student"] == "s3"
    assert saved["answers"] == {quiz.questions[0].id: answerer(quiz).correct(shown, by="id")}
    assert spare.read_text(encoding="utf-8").replace("\n", "\r\n") in output  # printed too, to copy by hand
