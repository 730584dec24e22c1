"""The corpus folders hold hostile submissions, some with a conftest.py or pytest.ini of their own: pytest must never
collect them (which would load that conftest.py into this session). They are only ever graded, as submissions."""

collect_ignore = ["corpus"]
