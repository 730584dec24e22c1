"""JUnit XML: one <testsuite> per part, one <testcase> per check, for CI systems that read test reports."""

from xml.etree import ElementTree as ET

from grader.i18n import language
from grader.report.common import explanation
from grader.results import CheckResult, GradeResult


def render_junit(result: GradeResult, **_: object) -> str:
    with language(result.language):
        return _document(result)


def _document(result: GradeResult) -> str:
    root = ET.Element("testsuites", name="nn-grader", tests=str(len(result.checks)),
                      failures=str(_count(result.checks, "failure")), errors=str(_count(result.checks, "error")),
                      time=f"{result.duration:.3f}")
    for part in result.parts:
        suite = ET.SubElement(root, "testsuite", name=part.name, tests=str(len(part.checks)),
                              failures=str(_count(part.checks, "failure")), errors=str(_count(part.checks, "error")),
                              time=f"{sum(c.duration for c in part.checks):.3f}")
        properties = ET.SubElement(suite, "properties")
        # hidden_*: the checks a student's copy does not hold (0 in the instructor's copy, which runs them all)
        for key, value in {"points": part.points, "max_points": part.max_points, "hidden_checks": part.hidden.checks,
                           "hidden_points": part.hidden.points, "seed": result.seed,
                           "suite_hash": result.suite_hash, **result.versions}.items():
            ET.SubElement(properties, "property", name=str(key), value=str(value))
        for check in part.checks:
            case = ET.SubElement(suite, "testcase", classname=f"nn_grader.{part.name}", name=check.name,
                                 time=f"{check.duration:.3f}")
            tag = check.outcome.junit_tag
            if tag:
                text = explanation(check, part)
                element = ET.SubElement(case, tag, message=_first_line(text), type=check.outcome)
                element.text = text
            if check.output:
                ET.SubElement(case, "system-out").text = check.output
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _count(checks: list[CheckResult], tag: str) -> int:
    return sum(c.outcome.junit_tag == tag for c in checks)


def _first_line(text: str) -> str:
    return text.splitlines()[0][:200] if text else ""
