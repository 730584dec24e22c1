"""The plain JSON report, described by the published schema ``result.schema.json`` beside this file."""

import json
from pathlib import Path

from grader.results import GradeResult

SCHEMA_PATH = Path(__file__).with_name("result.schema.json")


def render_json(result: GradeResult, **_: object) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
