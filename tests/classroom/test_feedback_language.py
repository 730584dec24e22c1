"""A student's feedback from a class run speaks the class's language: the framing, the statuses and the messages of
their record come from ``classroom.*`` in ``grader/locale/<lang>/classroom.yaml``; English stays as it was."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.classroom.autograde import with_maxima
from grader.classroom.feedback import render_feedback
from grader.classroom.roster import Student
from grader.classroom.student import ClassSettings, failed_record, grade_student, say
from grader.cli import main
from grader.i18n import language, tr
from tests.classroom.conftest import BUGS, HALF, HANG, LIMITS, QUIZ, RIGHT, answer, copy_reference

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_FRAMING = ("# Feedback for", "**Total:", "(code ", "quizzes ", "-- graded", "-- no code found",
                   "-- grading ran out of time", "## Code", "| part | points |", "**failed**", "not started (",
                   "hint:", "## Quiz", "**correct**", "**wrong**", "**not answered**", "you answered", "why:",
                   "Reproduce: seed", "not graded", "no exercise module", "in the submission", "budget per student")


def settings_in(lang: str) -> ClassSettings:
    return with_maxima(ClassSettings(parts=("activations",), lang=lang, limits=LIMITS, quizzes=(QUIZ,)))


def catalogue_says(lang: str, key: str, **params: object) -> str:
    with language(lang):
        return tr(key, **params)


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """A student whose sigmoid is wrong and who got one quiz question wrong, and one who handed in no code."""
    root = tmp_path_factory.mktemp("submissions")
    answer(copy_reference(root / "bug-sigmoid", BUGS["sigmoid"][0]), HALF)
    (root / "no-code").mkdir()
    return root


@pytest.fixture(scope="module", params=["ko", "en"])
def records(request, class_folder, tmp_path_factory) -> tuple[str, dict[str, dict]]:
    """(language, each kind of record made in it): graded with a failing check and a quiz, no code, timeout."""
    lang, settings = request.param, settings_in(request.param)
    made = {}
    for name in ("bug-sigmoid", "no-code"):
        made[name] = grade_student(Student(name, class_folder / name), settings, tmp_path_factory.mktemp(name))
    timeout = say(lang, "classroom.record.timeout", seconds=300)  # as the grading pool words it
    made["timeout"] = failed_record(Student("slow", class_folder / "bug-sigmoid"), settings, "timeout", timeout, 300.0)
    return lang, made


def test_every_record_carries_its_class_language(records):
    lang, made = records
    assert {r["language"] for r in made.values()} == {lang}
    assert made["bug-sigmoid"]["code"]["language"] == lang


def test_graded_feedback_frames_the_failing_check_and_the_quiz_in_the_class_language(records):
    lang, made = records
    record = made["bug-sigmoid"]
    text = render_feedback(record)
    says = functools.partial(catalogue_says, lang)
    failing = [c for p in record["code"]["parts"] for c in p["checks"] if c["outcome"] == "failed"]
    assert failing
    assert text.startswith(f"# {says('classroom.feedback.title', student='bug-sigmoid')}\n")
    total = says("classroom.feedback.total", points=f"{record['points']:g}", max=f"{record['max_points']:g}")
    assert f"**{total}** (" in text and f"-- {says('classroom.status.graded')}" in text
    assert f"## {says('classroom.feedback.code_heading')}" in text
    assert f"| {says('classroom.feedback.col_part')} | {says('classroom.feedback.col_points')} |" in text
    assert f"- **{says('classroom.outcome.failed')}**: {failing[0]['title']}" in text
    hinted = [c for c in failing if c.get("hint")]
    if hinted:
        assert says("classroom.feedback.hint", hint=hinted[0]["hint"].splitlines()[0]) in text
    assert f"## {says('classroom.feedback.quiz_heading', quiz='class-quiz', points='1', max='2')}" in text
    assert f"**{says('classroom.verdict.wrong')}**" in text and f"**{says('classroom.verdict.correct')}**" in text
    wrong = next(q for q in record["quizzes"]["class-quiz"]["result"]["questions"] if not q["correct"])
    assert says("classroom.feedback.you_answered", given=wrong["given"]) in text
    assert says("classroom.feedback.why", explanation="(100 + 1) x 10 = 1,010.") in text
    assert says("classroom.feedback.reproduce", seed=record["seed"], suites=record["code"]["suite_hash"],
                python=record["versions"]["python"], numpy=record["versions"]["numpy"],
                version=record["versions"]["nn-grader"]) in text
    if lang == "ko":
        assert HANGUL.search(text.splitlines()[0]) and "정답" in text and "오답" in text
        assert [w for w in ENGLISH_FRAMING if w in text] == []
    else:
        assert not HANGUL.search(text)


def test_unfinished_records_explain_themselves_in_the_class_language(records):
    lang, made = records
    no_code, timeout = render_feedback(made["no-code"]), render_feedback(made["timeout"])
    modules = made["no-code"]["message"]
    assert f"-- {catalogue_says(lang, 'classroom.status.no_code')}" in no_code
    assert catalogue_says(lang, "classroom.record.no_answers", quiz="class-quiz") in no_code
    assert f"-- {catalogue_says(lang, 'classroom.status.timeout')}" in timeout
    assert catalogue_says(lang, "classroom.record.timeout", seconds=300) in timeout
    assert catalogue_says(lang, "classroom.record.quiz_not_graded") in timeout
    if lang == "ko":
        assert "과제 모듈(" in modules and "activations.py" in modules
        for text in (no_code, timeout):
            assert [w for w in ENGLISH_FRAMING if w in text] == []
    else:
        assert modules.startswith("no exercise module (") and modules.endswith(") was found")
        assert "\n**Total: 0 / " in no_code and "-- no code found" in no_code
        assert "grading took longer than the 300 s budget per student" in timeout
        assert "## Quiz class-quiz: 0 / 2\n\nnot graded\n" in timeout
        assert not HANGUL.search(no_code + timeout)


def test_a_record_from_before_records_carried_their_language_is_shown_in_english(records):
    _, made = records
    record = {k: v for k, v in made["timeout"].items() if k != "language"}
    text = render_feedback(record)
    assert text.startswith("# Feedback for slow\n") and "-- grading ran out of time" in text


def test_autograde_in_korean_writes_korean_feedback_and_keeps_the_gradebook_english(tmp_path):
    submissions = tmp_path / "submissions"
    answer(copy_reference(submissions / "hangs", HANG), RIGHT)  # its code outlasts the budget; its quiz still counts
    (submissions / "quiz-only").mkdir()
    answer(submissions / "quiz-only", HALF)
    output = tmp_path / "graded"
    result = CliRunner().invoke(main, ["autograde", str(submissions), "--output", str(output), "--lang", "ko",
                                       "--quiz", str(QUIZ), "--budget", "2", "--call-seconds", "30", "--workers",
                                       "2", "activations"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    hangs = (output / "students" / "hangs.md").read_text(encoding="utf-8")
    assert hangs.startswith("# hangs 학생의 채점 결과\n")
    assert f"-- {catalogue_says('ko', 'classroom.status.timeout')}" in hangs
    assert catalogue_says("ko", "classroom.record.timeout", seconds=2) in hangs
    assert f"**{catalogue_says('ko', 'classroom.verdict.correct')}**" in hangs
    quiz_only = (output / "students" / "quiz-only.md").read_text(encoding="utf-8")
    assert "과제 모듈(" in quiz_only and f"**{catalogue_says('ko', 'classroom.verdict.wrong')}**" in quiz_only
    for text in (hangs, quiz_only):
        assert [w for w in ENGLISH_FRAMING if w in text] == []
    with open(output / "gradebook.csv", newline="", encoding="utf-8") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert {rows["hangs"]["status"], rows["quiz-only"]["status"]} == {"timeout", "no_code"}
    assert float(rows["hangs"]["quiz:class-quiz"]) == 2


def test_a_part_not_started_or_not_graded_is_named_in_the_class_language(records):
    lang, made = records
    record = made["bug-sigmoid"]
    part = record["code"]["parts"][0]
    untouched = {**part, "checks": [{**c, "outcome": "not_implemented"} for c in part["checks"]]}
    unimportable = {**part, "name": "losses", "diagnostic": "SyntaxError: invalid syntax (losses.py, line 3)"}
    text = render_feedback({**record, "code": {**record["code"], "parts": [untouched, unimportable]}})
    started = catalogue_says(lang, "classroom.feedback.part_not_started", part=part["name"], count=len(part["checks"]))
    assert f"### {started}\n" in text
    assert f"### {catalogue_says(lang, 'classroom.feedback.part_not_graded', part='losses')}\n" in text
    assert ("not started (" in text) == ("not graded" in text) == (lang == "en")


def test_a_zip_that_cannot_be_used_is_explained_in_the_class_language(tmp_path):
    import zipfile

    from grader.classroom.archive import ArchiveError, unpack
    from grader.classroom.student import say

    archive = tmp_path / "s.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.py", "print('outside')\n")
    with pytest.raises(ArchiveError) as caught:
        unpack(archive, tmp_path / "out")
    assert "the zip contains a path outside its folder: '../../escaped.py'" == str(caught.value)
    assert say("ko", caught.value.key, **caught.value.params) == (
        "zip 파일에 자기 폴더 밖을 가리키는 경로가 있습니다: '../../escaped.py'")
    assert not (tmp_path / "escaped.py").exists()


def test_a_quiz_on_gradescope_reads_in_the_class_language():
    from grader.classroom.gradescope_run import quiz_test

    entry = {"points": 1.0, "max_points": 2.0, "message": "", "result": {"questions": [
        {"id": "q1", "points": 1.0, "max_points": 1.0, "correct": True, "answered": True},
        {"id": "q2", "points": 0.0, "max_points": 1.0, "correct": False, "answered": False}]}}
    english, korean = quiz_test("quiz", entry, 1, "en")["output"], quiz_test("quiz", entry, 1, "ko")["output"]
    assert english.splitlines() == ["**1/2** points", "- `q1`: 1/1, correct", "- `q2`: 0/1, not answered"]
    assert korean.splitlines()[0] == "**1/2**점" and "points" not in korean and "answered" not in korean
