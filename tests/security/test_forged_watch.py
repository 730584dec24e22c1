"""A forged report of a watched call (which arrays it modified, which it returned) is refused as that call's bad
reply: the grade goes on, and the check that asked for the report fails without crediting the forgery."""

from __future__ import annotations

import pytest

from grader.grading import grade
from grader.sandbox import protocol
from tests.grader.submissions import make_submission

FORGED_LINEAR = '''
def linear(x):
    import sys
    x = _float_array(x)
    frame = sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("header"), dict):
        frame = frame.f_back
    header = frame.f_locals["header"]
    if header.get("watch"):
        protocol = sys.modules["protocol"]
        blobs = []
        forged = {"ok": True, "seq": header["seq"], "value": protocol.encode(np.array(x, copy=True), blobs),
                  "warnings": [], "watch": {"modified": [], "shared": "nothing, trust me"}}
        with open(int(sys.argv[2]), "wb", buffering=0, closefd=False) as channel:
            protocol.write_message(channel, forged, blobs)
    return x
'''


@pytest.mark.parametrize("report", [
    None,
    "clean",
    {"modified": []},
    {"modified": [], "shared": [], "passed": True},
    {"modified": ["args[0]"] * (protocol.MAX_WATCHED + 1), "shared": []},
    {"modified": ["__import__('os')"], "shared": []},
    {"modified": ["args[0]" + "[0]" * 4], "shared": []},
    {"modified": [], "shared": [["value", "args[0]", "extra"]]},
    {"modified": [], "shared": [[1, 2]]},
    {"modified": ["x" * 10_000], "shared": []},
])
def test_a_malformed_report_is_a_protocol_error(report):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_watch(report)


def test_a_well_formed_report_is_read():
    report = {"modified": ["args[0]['W']", "kwargs['velocity']"], "shared": [["value[1]", "args[2]"]]}
    assert protocol.decode_watch(report) == protocol.Watch(("args[0]['W']", "kwargs['velocity']"),
                                                           (("value[1]", "args[2]"),))


def test_a_forged_report_fails_its_check_and_the_grade_goes_on(tmp_path):
    folder = make_submission(tmp_path, "activations", "def linear(", "def _reference_linear(")
    path = folder / "activations.py"
    path.write_text(path.read_text(encoding="utf-8") + FORGED_LINEAR, encoding="utf-8")
    result = grade(folder, ["activations"])
    failed = {c.name: c for c in result.checks if not c.passed}
    assert set(failed) == {"test_linear_returns_a_new_array"}
    check = failed["test_linear_returns_a_new_array"]
    assert check.outcome in {"failed", "error"}
    assert "report of the watched arrays" in check.message
