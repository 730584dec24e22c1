"""Every hidden check passes the reference and fails the stubs with "not implemented"."""

from grader import parts


def test_reference_scores_full_marks(reference_result):
    failing = [f"{c.id}: {c.outcome}: {c.message}" for c in reference_result.checks if not c.passed]
    assert failing == []
    assert reference_result.points == reference_result.max_points == 100


def test_every_part_has_checks_and_no_diagnostic(reference_result):
    assert [p.name for p in reference_result.parts] == [p.name for p in parts.discover()]
    for part in reference_result.parts:
        assert part.checks, f"{part.name} has no checks"
        assert part.diagnostic == ""


def test_stubs_fail_every_check_as_not_implemented(stub_result, reference_result):
    assert len(stub_result.checks) == len(reference_result.checks)
    wrong = [f"{c.id}: {c.outcome}: {c.message}" for c in stub_result.checks if c.outcome != "not_implemented"]
    assert wrong == []
    assert stub_result.points == 0


def test_stub_messages_say_not_implemented_and_name_the_function(stub_result):
    for check in stub_result.checks:
        assert "not implemented" in check.message
        qualified = check.message.split(" ")[0]  # "activations.sigmoid" or "network.MLP.forward"
        assert qualified.split(".")[0] == check.part or check.part == "training"


def test_result_records_what_reproduces_it(reference_result):
    assert reference_result.seed == 20260101
    assert set(reference_result.versions) == {"nn-grader", "python", "numpy"}
    assert len(reference_result.suite_hash) == 16

