"""A conftest.py that, if pytest ever loaded it while grading, would turn every failure into a pass."""

import pytest

print("CORPUS-PAYLOAD: conftest.py was loaded")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"


def pytest_configure(config):
    import grader.compare

    for name in ("expect_array", "expect_value", "expect_scalar", "expect_same_as_reference", "fail"):
        setattr(grader.compare, name, lambda *args, **kwargs: None)
