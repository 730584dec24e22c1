"""Parts are discovered from the suite files, and a suite edited during a long run is read again."""

import os

import pytest

from grader.parts import SuiteOrderError, discover


def write_suite(folder, name, title, order):
    path = folder / f"check_{name}.py"
    path.write_text(f'"""{title}\n\nMore words.\n"""\n\nORDER = {order}\n', encoding="utf-8")
    return path


def test_parts_come_in_course_order_with_their_titles(tmp_path):
    write_suite(tmp_path, "later", "The later part", 2)
    write_suite(tmp_path, "first", "The first part", 1)
    assert [(p.name, p.docstring_title, p.order) for p in discover(tmp_path)] == [
        ("first", "The first part", 1), ("later", "The later part", 2)]


def test_an_edited_suite_is_read_again(tmp_path):
    path = write_suite(tmp_path, "topic", "Old title", 1)
    assert discover(tmp_path)[0].docstring_title == "Old title"
    stat = path.stat()
    write_suite(tmp_path, "topic", "New title, longer", 3)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new stat even within one clock tick
    (part,) = discover(tmp_path)
    assert (part.docstring_title, part.order) == ("New title, longer", 3)


@pytest.mark.parametrize("order", ["'3'", "2.5", "True", "1 + 2"])
def test_an_order_that_is_not_a_whole_number_is_an_authoring_error(tmp_path, order):
    write_suite(tmp_path, "topic", "A title", order)
    with pytest.raises(SuiteOrderError) as error:
        discover(tmp_path)
    assert str(error.value) == f"check_topic.py, line 6: ORDER must be a whole number, e.g. ORDER = 3; got {order}"


@pytest.mark.parametrize("order, expected", [("4", 4), ("'4'", SuiteOrderError)])
def test_an_order_after_the_checks_still_counts_or_is_refused(tmp_path, order, expected):
    """Only the head of a suite (up to its first check) is parsed for the part, unless ORDER comes later."""
    path = tmp_path / "check_topic.py"
    path.write_text(f'"""A title"""\n\n@decorated\ndef test_one():\n    """a check"""\n\n\nORDER = {order}\n',
                    encoding="utf-8")
    if expected is SuiteOrderError:
        with pytest.raises(SuiteOrderError, match="line 8"):
            discover(tmp_path)
    else:
        assert [(p.docstring_title, p.order) for p in discover(tmp_path)] == [("A title", expected)]


def test_a_head_that_does_not_parse_alone_is_read_whole(tmp_path):
    path = tmp_path / "check_topic.py"
    path.write_text('"""A title"""\n\nORDER = 2\nX = """\ndef inside_a_string():\n"""\n\ndef test_one():\n    pass\n',
                    encoding="utf-8")
    assert [(p.docstring_title, p.order) for p in discover(tmp_path)] == [("A title", 2)]


@pytest.mark.parametrize("where", ["head", "after the checks"])
def test_uses_and_integration_count_wherever_the_suite_sets_them(tmp_path, where):
    from grader.callees import declared_integration, declared_uses

    settings = 'USES = ("layers",)\nINTEGRATION = ("test_one",)\n'
    check = "def test_one():\n    pass\n"
    path = tmp_path / "check_topic.py"
    path.write_text('"""A title"""\n\n' + (settings + check if where == "head" else check + "\n\n" + settings),
                    encoding="utf-8")
    assert declared_uses(path) == {"layers"} and declared_integration(path) == {"test_one"}


def test_the_last_assignment_of_a_setting_counts_as_when_the_suite_runs(tmp_path):
    from grader.callees import declared_uses

    path = tmp_path / "check_topic.py"
    path.write_text('"""A title"""\n\nORDER = 2\nUSES = ("layers",)\n\n\ndef test_one():\n    pass\n\n\n'
                    'ORDER = 5\nUSES = ("network",)\n', encoding="utf-8")
    assert [p.order for p in discover(tmp_path)] == [5] and declared_uses(path) == {"network"}
