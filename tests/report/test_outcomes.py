"""One outcome type: every report reads what an outcome means from ``grader.results.Outcome``, the platforms' reports
speak the grade's language, and a check is explained the same way in every format."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import click
import pytest

from grader import audit, i18n
from grader.figures import plan
from grader.report import RENDERERS
from grader.report.html import render_html
from grader.report.json_report import SCHEMA_PATH
from grader.results import CheckResult, GradeResult, Outcome, PartResult

DIAGNOSTIC = {"en": "losses.py could not be imported: SyntaxError at line 3",
              "ko": "losses.py를 import할 수 없습니다: 3번째 줄 SyntaxError"}
MESSAGE = {"en": "sigmoid(0) gave 0, expected 0.5", "ko": "sigmoid(0)의 값이 0입니다. 0.5여야 합니다"}
HINT = {"en": "use np.exp", "ko": "np.exp를 쓰세요"}
# English words a Korean student must not meet in the platforms' reports (outcome words, labels, the points line)
ENGLISH = re.compile(r"\b(passed|failed|hint|points?|graded|printed|started|timed|crashed|error)\b", re.IGNORECASE)


def one_of_each(lang: str) -> GradeResult:
    """A grade with a check of every outcome; the "ungradable" one in a part whose module does not import."""
    ran = [CheckResult("activations", f"test_{o}", f"검사 {i}" if lang == "ko" else f"check {i}", 1.0, o,
                       "" if o in (Outcome.PASSED, Outcome.UNGRADABLE) else MESSAGE[lang],
                       HINT[lang] if o is Outcome.FAILED else "",
                       output="" if o is Outcome.PASSED else "손실 0.5")
           for i, o in enumerate(o for o in Outcome if o is not Outcome.UNGRADABLE)]
    broken = [CheckResult("losses", "test_mse", "mse", 2.0, "ungradable", "not run: losses.py could not be imported")]
    parts = [PartResult("activations", "활성화 함수" if lang == "ko" else "Activations", ran),
             PartResult("losses", "손실 함수" if lang == "ko" else "Losses", broken, diagnostic=DIAGNOSTIC[lang])]
    return GradeResult("exercises", parts, 7, {"nn-grader": "0.1", "python": "3.11", "numpy": "2.0"},
                       "0123456789abcdef", language=lang)


# -- the one table -------------------------------------------------------------------------------------------------


def test_a_check_result_holds_an_outcome_member_and_refuses_an_unknown_one():
    check = CheckResult("p", "test_x", "x", 1.0, "timeout")
    assert check.outcome is Outcome.TIMEOUT and check.outcome == "timeout"
    with pytest.raises(ValueError, match="paseed"):
        CheckResult("p", "test_x", "x", 1.0, "paseed")


def test_the_published_schema_lists_exactly_the_outcomes():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$defs"]["check"]["properties"]["outcome"]["enum"] == [o.value for o in Outcome]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_outcome_has_its_words_in_each_language(lang):
    messages = i18n.catalogue(lang)
    for outcome in Outcome:
        assert messages.get(f"text.mark.{outcome}") and messages.get(f"report.outcome.{outcome}")


def test_what_each_outcome_means_to_each_report():
    meaning = {o: (o.colour, o.junit_tag, o in plan.DRAWN_FOR, o in audit.CATCHING_OUTCOMES) for o in Outcome}
    assert meaning == {
        Outcome.PASSED: ("green", "", False, False),
        Outcome.FAILED: ("red", "failure", True, True),
        Outcome.ERROR: ("red", "error", True, False),  # an error is the check's own fault: it catches nothing
        Outcome.TIMEOUT: ("red", "error", True, True),
        Outcome.CRASHED: ("red", "error", True, True),
        Outcome.NOT_IMPLEMENTED: ("yellow", "failure", False, True),  # a stub has no curve to draw
        Outcome.UNGRADABLE: ("yellow", "failure", False, False),
    }
    assert all(o.colour in click.termui._ansi_colors for o in Outcome)


def test_the_html_tally_counts_every_outcome_in_the_enums_order():
    page = render_html(one_of_each("en"))
    tally = re.search(r'<p class="tally">(.*?)</p>', page)[1]
    assert tally == " · ".join(f"1 {w}" for w in ("passed", "failed", "error", "timed out", "crashed", "not started",
                                                  "not graded"))


def test_junit_counts_failures_and_errors_by_the_outcomes_tag():
    root = ET.fromstring(RENDERERS["junit"](one_of_each("en")))
    assert (root.get("failures"), root.get("errors")) == ("3", "3")
    tags = {case.get("name"): [child.tag for child in case if child.tag != "system-out"]
            for case in root.iter("testcase")}
    assert tags == {"test_passed": [], "test_failed": ["failure"], "test_error": ["error"], "test_timeout": ["error"],
                    "test_crashed": ["error"], "test_not_implemented": ["failure"], "test_mse": ["failure"]}


# -- the same explanation everywhere -------------------------------------------------------------------------------


def explanations(result: GradeResult) -> dict[str, dict[str, str]]:
    """Format -> check name -> what the format says went wrong in that check (its message and hint)."""
    gradescope = json.loads(RENDERERS["gradescope"](result, hidden_visibility="visible"))["tests"]
    github = json.loads(RENDERERS["github"](result))["tests"]
    prairielearn = json.loads(RENDERERS["prairielearn"](result, hidden_visibility="visible"))["tests"]
    junit = ET.fromstring(RENDERERS["junit"](result))
    names = [c.name for c in result.checks]
    return {
        "gradescope": dict(zip(names, (t["output"] for t in gradescope), strict=True)),
        "github": dict(zip(names, (t["message"] or "" for t in github), strict=True)),
        "prairielearn": dict(zip(names, (t["message"] for t in prairielearn), strict=True)),
        "junit": {case.get("name"): "".join(child.text or "" for child in case if child.tag in ("failure", "error"))
                  for case in junit.iter("testcase")},
    }


def test_a_check_that_did_not_run_is_explained_by_its_parts_diagnostic_in_every_format():
    for fmt, said in explanations(one_of_each("en")).items():
        assert DIAGNOSTIC["en"] in said["test_mse"], fmt
        assert "see the part's diagnostic" not in said["test_mse"], fmt  # a pointer to something the format lacks


def test_a_failed_check_gives_its_message_and_hint_in_every_format():
    for fmt, said in explanations(one_of_each("en")).items():
        assert MESSAGE["en"] in said["test_failed"] and f"hint: {HINT['en']}" in said["test_failed"], fmt


# -- the grade's language ------------------------------------------------------------------------------------------


def student_texts(result: GradeResult) -> dict[str, str]:
    """What a student reads in each platform's report (the fields the platform only reads are left out)."""
    gradescope = json.loads(RENDERERS["gradescope"](result, hidden_visibility="visible"))
    github = json.loads(RENDERERS["github"](result))
    prairielearn = json.loads(RENDERERS["prairielearn"](result, hidden_visibility="visible"))
    summary = RENDERERS["github-summary"](result).splitlines()
    return {
        "gradescope": "\n".join([gradescope["output"]]
                                + [t[k] for t in gradescope["tests"] for k in ("name", "output")]),
        "github": "\n".join(t[k] or "" for t in github["tests"] for k in ("name", "message")),
        # the first line, "Points X/Y", is the line GitHub Classroom's reporter itself posts: it stays as it writes it
        "github-summary": "\n".join(summary[1:]),
        "prairielearn": "\n".join([prairielearn["message"], prairielearn["output"]] + [
            t[k] for t in prairielearn["tests"] for k in ("name", "description", "message", "output")]),
    }


# What each platform's student-facing text shows, per language: the outcome in words, the hint, the points.
SHOWN = {
    "ko": {
        "gradescope": ["**실패** (0/1)", "힌트: np.exp를 쓰세요", "코드가 출력한 내용:", "1/8점. 시드 7"],
        "github": ["힌트: np.exp를 쓰세요"],
        "github-summary": ["| 파트 | 점수 | 통과한 검사 |", "통과하지 못한 검사", "- **실패** activations: 검사 1"],
        "prairielearn": ["1/8점", "실패", "미구현", "힌트: np.exp를 쓰세요"],
    },
    "en": {
        "gradescope": ["**failed** (0/1)", "hint: use np.exp", "your code printed:", "1/8 points. Graded with seed 7"],
        "github": ["hint: use np.exp"],
        "github-summary": ["| Part | Points | Checks passed |", "What failed", "- **failed** activations: check 1"],
        "prairielearn": ["1/8 points", "failed", "not started", "hint: use np.exp"],
    },
}


def assert_every_platform_shows(texts: dict[str, str], language: str) -> None:
    missing = [(fmt, s) for fmt, shown in SHOWN[language].items() for s in shown if s not in texts[fmt]]
    assert not missing, missing


def test_a_korean_class_reads_no_english_words_in_the_platforms_reports():
    texts = student_texts(one_of_each("ko"))
    for fmt, text in texts.items():
        assert not ENGLISH.findall(text), (fmt, ENGLISH.findall(text), text)
    # and what the English reports say is all there, in Korean
    assert_every_platform_shows(texts, "ko")


def test_an_english_class_reads_them_in_english():
    assert_every_platform_shows(student_texts(one_of_each("en")), "en")


def test_the_fields_a_platform_reads_keep_its_own_words_in_korean():
    result = one_of_each("ko")
    gradescope = json.loads(RENDERERS["gradescope"](result, hidden_visibility="visible"))
    assert [t["status"] for t in gradescope["tests"]] == ["passed"] + ["failed"] * 6
    assert gradescope["tests"][1]["tags"] == ["activations", "failed"]
    github = json.loads(RENDERERS["github"](result))
    assert github["status"] == "error" and [t["status"] for t in github["tests"]][:3] == ["pass", "fail", "error"]
    # GitHub Classroom counts one point per check, so its total agrees with the reporter's table
    assert RENDERERS["github-summary"](result).splitlines()[0] == f"Points 1/{len(result.checks)}"
