"""A student's module never runs in a process that holds the reference of its own part.

The checks of a part that calls others run the student's module of that part beside the reference's other modules
(the fixture ``alone``). Were those staged where the student's module of another part runs, that module could answer
with the reference: an activations.py that imports the reference's activations staged for the losses would pass
every activations check. Here every function under test looks for the reference's version of itself everywhere its
process can reach (the modules loaded, every importable package, every bytecode or source file of that name under
the folders around its own) and answers with it if found; it must never find one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import grader.grading as grading
from grader.grading import grade
from tests.conftest import SOLUTIONS

SEEKER = '''

def _own_reference(module, function):
    """The reference's ``function`` of ``module``, wherever this process can reach it; None if it cannot."""
    import glob, importlib, marshal, os, pkgutil, sys
    here = sys.modules[__name__]
    for name, loaded in list(sys.modules.items()):
        found = getattr(loaded, function, None) if name.rpartition(".")[2] == module else None
        if loaded is not here and callable(found):
            return found
    for package in pkgutil.iter_modules():
        try:
            found = getattr(importlib.import_module(f"{package.name}.{module}"), function, None)
        except Exception:
            continue
        if callable(found) and sys.modules.get(f"{package.name}.{module}") is not here:
            return found
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder in (top, os.path.dirname(top), "/tmp"):
        for path in glob.glob(os.path.join(folder, "**", module + ".py*"), recursive=True)[:200]:
            if os.path.abspath(path) == os.path.abspath(__file__):
                continue
            try:
                with open(path, "rb") as file:
                    data = file.read()
                code = marshal.loads(data[16:]) if path.endswith(".pyc") else compile(data, path, "exec")
                space = {"__name__": "found", "__package__": None}
                exec(code, space)
            except Exception:
                continue
            if callable(space.get(function)):
                return space[function]
    return None
'''

SEEKING = {
    "activations.py": "\n\ndef relu(x):\n    found = _own_reference('activations', 'relu')\n"
                      "    if found is None:\n        raise LookupError('not found')\n    return found(x)\n",
    "losses.py": "\n\ndef mean_squared_error(y_true, y_pred):\n"
                 "    found = _own_reference('losses', 'mean_squared_error')\n"
                 "    if found is None:\n        raise LookupError('not found')\n    return found(y_true, y_pred)\n",
}


# Without the jail (a grader that is not root) nothing on disk is hidden from the worker: docs/security.md.
@pytest.mark.skipif(os.geteuid() != 0, reason="the reference is hidden from the worker only in the jail")
def test_no_function_finds_the_reference_of_its_own_part(tmp_path, monkeypatch):
    started: list[str] = []
    real_worker = grading.Worker
    monkeypatch.setattr(grading, "Worker", lambda root, *a, **k: started.append(Path(root).name)
                        or real_worker(root, *a, **k))
    student = tmp_path / "student"
    shutil.copytree(SOLUTIONS, student, ignore=shutil.ignore_patterns("__pycache__"))
    for module, function in SEEKING.items():
        with open(student / module, "a", encoding="utf-8") as file:
            file.write(SEEKER + function)
    result = grade(student, ["activations", "losses", "network", "training"])
    outcomes = {(c.part, c.name): c.outcome for c in result.checks}
    assert outcomes[("activations", "test_activation_matches_reference[relu]")] == "error"  # not found
    assert outcomes[("losses", "test_regression_loss_matches_reference[mean_squared_error]")] == "error"
    assert outcomes[("network", "test_forward_matches_reference[relu-softmax]")] == "passed"  # the rest is graded
    # losses.py sought its reference in alone-losses too, beside the reference of every other part
    assert {"alone-losses", "alone-network"} <= set(started)
