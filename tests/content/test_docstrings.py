"""Every exercise function's docstring follows one template, and its example is true.

The template, in this order: ``Formula:``, then ``Shapes:``, ``Numerics:`` (where numerics need care), ``Hint:``
and ``Why it matters:`` (what the function means in the course; "Notes" would be confused with the course notes),
then one example: ``>>>`` lines and what they print, run here on the reference. ``Algorithm:`` and ``Arguments:``
may follow the formula of a function that needs them. The first line (the title) comes before all of it.
"""

from __future__ import annotations

import doctest
import inspect
import re
import textwrap

import pytest

from .packages import MODULES, solution

ORDER = ("Formula", "Algorithm", "Arguments", "Shapes", "Numerics", "Hint", "Why it matters")
REQUIRED = {"Formula", "Shapes", "Hint", "Why it matters"}
LABEL = re.compile(r"(Formula|Algorithm|Arguments|Shapes|Numerics|Hint|Notes|Why it matters)\b[^:\n]*:")


def exercise_functions(module_name: str) -> list:
    """The functions and methods a student writes: public, with a docstring that does not start with "Given"."""
    module = solution(module_name)
    functions = [f for n, f in vars(module).items() if inspect.isfunction(f) and not n.startswith("_")
                 and f.__module__ == module.__name__]
    functions += [m for c in vars(module).values() if inspect.isclass(c) and c.__module__ == module.__name__
                  for n, m in vars(c).items() if inspect.isfunction(m) and not n.startswith("_")]
    return [f for f in functions if not (f.__doc__ or "").startswith("Given")]


def body_lines(function) -> list[str]:
    """The docstring's lines after the title, dedented."""
    first, _, rest = (function.__doc__ or "").partition("\n")
    return textwrap.dedent(rest).splitlines()


@pytest.mark.parametrize("module_name", MODULES)
def test_every_docstring_has_the_labels_in_order(module_name):
    for function in exercise_functions(module_name):
        name = f"{module_name}.{function.__qualname__}"
        labels = [m.group(1) for line in body_lines(function) if (m := LABEL.match(line))]
        assert "Notes" not in labels, f"{name}: write 'Why it matters:' (the course notes are 'the notes')"
        assert REQUIRED <= set(labels), f"{name} lacks {sorted(REQUIRED - set(labels))}"
        assert labels == sorted(labels, key=ORDER.index) and len(set(labels)) == len(labels), f"{name}: {labels}"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_docstring_ends_with_one_example(module_name):
    for function in exercise_functions(module_name):
        name = f"{module_name}.{function.__qualname__}"
        lines = [line for line in body_lines(function) if line.strip()]
        prompts = [i for i, line in enumerate(lines) if line.startswith(">>>")]
        assert prompts, f"{name} has no example"
        assert prompts == list(range(prompts[0], prompts[-1] + 1)), f"{name}: one example, not several"
        assert not any(LABEL.match(line) for line in lines[prompts[0]:]), f"{name}: the example comes last"
        assert len(lines) > prompts[-1] + 1, f"{name}: the example shows what it prints"


@pytest.mark.parametrize("module_name", MODULES)
def test_the_examples_are_true_on_the_reference(module_name):
    module = solution(module_name)
    # an example may use the course's other modules by name, as a student's code imports them
    names = {**vars(module), **{other: solution(other) for other in MODULES}}
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    examples = 0
    for test in finder.find(module, module.__name__, globs=names):
        runner.run(test)
        examples += len(test.examples) > 0
    assert runner.failures == 0, f"{module_name}: {runner.failures} example(s) print something else (see above)"
    assert examples >= len(exercise_functions(module_name))
