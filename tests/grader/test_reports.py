"""The report formats: JSON validates against the published schema, JUnit parses with a standard parser."""

import json

import jsonschema
import junitparser

from grader.report import render_json, render_junit, render_text
from grader.report.json_report import SCHEMA_PATH


def test_json_report_follows_the_published_schema(reference_result, stub_result):
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for result in (reference_result, stub_result):
        data = json.loads(render_json(result))
        jsonschema.validate(data, schema)
        assert data["points"] == result.points
        assert sum(len(p["checks"]) for p in data["parts"]) == len(result.checks)
        # the confinement in force is recorded, so a grade made without the jail can be told apart
        assert data["isolation"] == result.isolation and data["isolation"] in ("jail", "user", "process")


def test_junit_report_parses_and_counts_failures(stub_result, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render_junit(stub_result))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert [s.name for s in suites] == [p.name for p in stub_result.parts]
    cases = [case for suite in suites for case in suite]
    assert len(cases) == len(stub_result.checks)
    assert all(not case.is_passed for case in cases)
    assert all("not implemented" in case.result[0].message for case in cases)


def test_junit_report_of_the_reference_has_no_failures(reference_result, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render_junit(reference_result))
    cases = [case for suite in junitparser.JUnitXml.fromfile(str(path)) for case in suite]
    assert cases and all(case.is_passed for case in cases)


def test_text_report_collapses_unstarted_parts_and_totals(stub_result):
    text = render_text(stub_result)
    assert text.count("not started") == len(stub_result.parts)
    assert "Total: 0/100 points" in text


def test_text_report_lists_passed_checks_only_when_verbose(reference_result):
    quiet, verbose = render_text(reference_result), render_text(reference_result, verbose=True)
    assert "PASS" not in quiet
    assert verbose.count("PASS") == len(reference_result.checks)
    assert "Total: 100/100 points" in quiet
