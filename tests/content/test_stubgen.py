"""The stub generator: what make_stub keeps and replaces, its marker errors, and the folder-level helpers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.stubgen import find_drift, make_stub, write_exercises


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SOURCE = src(
    '''
    """Module docstring stays."""

    import numpy as np


    def double(x):
        """Docstring stays."""
        x = np.asarray(x)
        # BEGIN SOLUTION
        y = x * 2
        return y
        # END SOLUTION


    class Model:
        """Class docstring stays."""

        def __init__(self):
            self.ready = True

        def run(self, x):
            """Run docstring."""
            if self.ready:
                # BEGIN SOLUTION
                return x + 1
                # END SOLUTION
            return None
    '''
)


def test_make_stub_replaces_each_block_with_a_raise_at_the_marker_indentation():
    stub = make_stub(SOURCE, "toy.py")
    assert '    raise NotImplementedError("toy.double is not implemented yet: see its docstring")\n' in stub
    assert '            raise NotImplementedError("toy.Model.run is not implemented yet: see its docstring")\n' in stub
    assert "x * 2" not in stub and "x + 1" not in stub
    assert "SOLUTION" not in stub


def test_make_stub_keeps_docstrings_given_code_and_everything_outside_the_blocks():
    stub = make_stub(SOURCE, "toy.py")
    for kept in ('"""Module docstring stays."""', '"""Docstring stays."""', "x = np.asarray(x)",
                 "self.ready = True", "        return None\n", '"""Run docstring."""'):
        assert kept in stub
    # The 4-line and 3-line blocks become one line each.
    assert len(stub.splitlines()) == len(SOURCE.splitlines()) - 3 - 2


def test_stub_runs_given_code_and_raises_not_implemented():
    namespace: dict = {}
    exec(compile(make_stub(SOURCE, "toy.py"), "toy.py", "exec"), namespace)
    assert namespace["Model"]().ready is True  # the unmarked constructor still works
    with pytest.raises(NotImplementedError, match="toy.double is not implemented"):
        namespace["double"]([1, 2])
    with pytest.raises(NotImplementedError, match="toy.Model.run is not implemented"):
        namespace["Model"]().run(1)


def test_a_source_without_markers_is_returned_unchanged():
    text = src(
        '''
        """Just a docstring, mentioning # BEGIN SOLUTION inside a string, which is not a marker."""
        X = 1
        '''
    )
    assert make_stub(text, "plain.py") == text


def test_qualified_names_cover_nested_functions_and_omit_the_module_without_a_filename():
    text = src(
        """
        def outer():
            def inner():
                # BEGIN SOLUTION
                return 1
                # END SOLUTION
            return inner
        """
    )
    assert '"outer.inner is not implemented yet' in make_stub(text)
    assert '"pkg_mod.outer.inner is not implemented yet' in make_stub(text, "some/dir/pkg_mod.py")
    assert '"outer.inner is not implemented yet' in make_stub(text, "some/dir/__init__.py")


def test_crlf_line_endings_are_preserved():
    text = "def f():\r\n    # BEGIN SOLUTION\r\n    return 1\r\n    # END SOLUTION\r\n"
    stub = make_stub(text, "crlf.py")
    assert stub == 'def f():\r\n    raise NotImplementedError("crlf.f is not implemented yet: see its docstring")\r\n'


MARKER_ERRORS = {
    "begin_without_end": (
        """
        def f():
            # BEGIN SOLUTION
            return 1
        """,
        2,
        "no matching",
    ),
    "end_without_begin": (
        """
        def f():
            return 1
            # END SOLUTION
        """,
        3,
        "without a",
    ),
    "nested": (
        """
        def f():
            # BEGIN SOLUTION
            x = 1
            # BEGIN SOLUTION
            return x
            # END SOLUTION
            # END SOLUTION
        """,
        4,
        "nested",
    ),
    "module_level": (
        """
        # BEGIN SOLUTION
        X = 1
        # END SOLUTION
        """,
        1,
        "outside a function",
    ),
    "class_body": (
        """
        class A:
            # BEGIN SOLUTION
            x = 1
            # END SOLUTION
        """,
        2,
        "outside a function",
    ),
    "runs_past_the_function": (
        """
        def f():
            # BEGIN SOLUTION
            return 1

        def g():
            return 2
            # END SOLUTION
        """,
        5,
        "runs past the end of f",
    ),
    "end_indented_differently": (
        """
        def f():
            if True:
                # BEGIN SOLUTION
                return 1
            # END SOLUTION
        """,
        5,
        "indented differently",
    ),
    "empty_block": (
        """
        def f():
            # BEGIN SOLUTION
            # nothing here
            # END SOLUTION
            return 1
        """,
        2,
        "empty",
    ),
    "misspelled_marker": (
        """
        def f():
            #BEGIN SOLUTION
            return 1
            # END SOLUTION
        """,
        2,
        "malformed",
    ),
    "lowercase_marker": (
        """
        def f():
            # begin solution
            return 1
        """,
        2,
        "malformed",
    ),
    "marker_after_code": (
        """
        def f():
            x = 1  # BEGIN SOLUTION
            return x
            # END SOLUTION
        """,
        2,
        "malformed",
    ),
    "invalid_python": (
        """
        def f(:
            return 1
        """,
        1,
        "not valid Python",
    ),
}


@pytest.mark.parametrize("case", sorted(MARKER_ERRORS))
def test_marker_mistakes_raise_value_error_naming_file_and_line(case):
    text, line, phrase = MARKER_ERRORS[case]
    with pytest.raises(ValueError) as error:
        make_stub(src(text), "solutions/broken.py")
    message = str(error.value)
    assert f"solutions/broken.py:{line}:" in message
    assert phrase in message


def make_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "solutions"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(src(text), encoding="utf-8")
    return folder


TOY_FILES = {
    "__init__.py": '"""Toy package."""\n',
    "alpha.py": """
        def a():
            # BEGIN SOLUTION
            return 1
            # END SOLUTION
        """,
    "beta.py": """
        from .alpha import a

        def b():
            # BEGIN SOLUTION
            return a() + 1
            # END SOLUTION
        """,
}


def test_write_exercises_generates_every_module_and_find_drift_is_then_empty(tmp_path):
    solutions = make_folder(tmp_path, TOY_FILES)
    exercises = tmp_path / "exercises"
    written = write_exercises(solutions, exercises)
    assert [p.name for p in written] == ["__init__.py", "alpha.py", "beta.py"]
    assert (exercises / "__init__.py").read_text() == '"""Toy package."""\n'
    assert "raise NotImplementedError" in (exercises / "beta.py").read_text()
    assert find_drift(solutions, exercises) == []


def test_write_exercises_removes_stale_modules_and_skips_unchanged_files(tmp_path):
    solutions = make_folder(tmp_path, TOY_FILES)
    exercises = tmp_path / "exercises"
    write_exercises(solutions, exercises)
    (exercises / "gamma.py").write_text("X = 1\n")
    alpha = exercises / "alpha.py"
    before = alpha.stat().st_mtime_ns
    write_exercises(solutions, exercises)
    assert not (exercises / "gamma.py").exists()
    assert alpha.stat().st_mtime_ns == before


def test_a_marker_error_leaves_the_exercises_untouched(tmp_path):
    solutions = make_folder(tmp_path, TOY_FILES)
    exercises = tmp_path / "exercises"
    write_exercises(solutions, exercises)
    snapshot = {p.name: p.read_text() for p in exercises.iterdir()}
    (solutions / "alpha.py").write_text("def a():\n    # BEGIN SOLUTION\n    return 2\n")
    (solutions / "beta.py").write_text("def b():\n    return 3\n")
    with pytest.raises(ValueError, match="alpha.py:2"):
        write_exercises(solutions, exercises)
    assert {p.name: p.read_text() for p in exercises.iterdir()} == snapshot


def test_find_drift_reports_missing_changed_and_extra_files(tmp_path):
    solutions = make_folder(tmp_path, TOY_FILES)
    exercises = tmp_path / "exercises"
    write_exercises(solutions, exercises)
    (exercises / "alpha.py").unlink()
    beta = exercises / "beta.py"
    beta.write_text(beta.read_text().replace("raise NotImplementedError", "return 42  #"))
    (exercises / "extra.py").write_text("")
    drift = find_drift(solutions, exercises)
    assert len(drift) == 3
    assert "alpha.py is missing" in drift[0]
    assert "beta.py differs" in drift[1] and "line 4" in drift[1] and "return 42" in drift[1]
    assert "extra.py has no counterpart" in drift[2]
