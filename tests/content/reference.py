"""Read the reference values computed with PyTorch by tests/fixtures/reference/make_reference.py."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "reference"


@cache
def _document(module: str) -> dict:
    return json.loads((FIXTURES / f"{module}.json").read_text(encoding="utf-8"))


def cases(module: str) -> list[dict]:
    """The cases of one fixture file, for pytest.mark.parametrize (ids via case_ids)."""
    return _document(module)["cases"]


def case_ids(module: str) -> list[str]:
    return [case["id"] for case in cases(module)]


def array(value: Any) -> Any:
    """JSON lists become float64 arrays; numbers and strings stay as they are."""
    return np.array(value, dtype=np.float64) if isinstance(value, list) else value


def inputs(case: dict) -> dict[str, Any]:
    """The case's inputs as arrays; integer class labels of the sparse loss become integer arrays."""
    result = {name: array(value) for name, value in case["inputs"].items()}
    if case["function"].startswith("sparse_categorical_crossentropy"):
        result["y_true"] = result["y_true"].astype(np.int64)
    return result


def prefixed(values: dict[str, Any], prefix: str) -> dict[str, np.ndarray]:
    """Entries named "<prefix>:<key>" as {key: array}, e.g. the "param:W1" inputs of a network case."""
    return {name.split(":", 1)[1]: array(v) for name, v in values.items() if name.startswith(prefix + ":")}
