"""Extracting a notebook's definitions (grader/notebook_source.py): what is kept, what is skipped and said."""

from __future__ import annotations

import ast

import pytest

from grader.notebook_source import Skipped, absolute_course_imports, extract, relative_course_imports
from tests.conftest import SOLUTIONS


def test_definitions_imports_and_constants_are_kept_and_everything_else_is_skipped():
    cells = [
        "%pip install -q nn-grader\nimport numpy as np; print('hello')\n",
        "from grader.notebook import check\nimport grader.notebook\n",
        "EPSILON = 1e-7\nNAMES = ('relu',) + ('tanh',)\nDTYPE = np.float32\nDATA = np.zeros(3)\n",
        "@staticmethod\ndef f(x):\n    '''doc'''\n    if x:\n        !ls\n    return x\n"
        "f(3)\nfor i in range(3):\n    pass\n",
        "%%time\ndef g():\n    pass\n",
        "def broken(:\n",
        "check('activations')",
    ]
    module, skipped = extract(cells)
    assert module == (
        "import numpy as np\n"
        "EPSILON = 1e-7\nNAMES = ('relu',) + ('tanh',)\nDTYPE = np.float32\n"
        "@staticmethod\ndef f(x):\n    '''doc'''\n    if x:\n        pass\n    return x\n"
    )
    assert skipped == [
        Skipped(0, 1, "magic"), Skipped(0, 2, "print('hello')"),
        Skipped(1, 1, "from grader.notebook import check"), Skipped(1, 2, "import grader.notebook"),
        Skipped(2, 4, "DATA = np.zeros(3)"),
        Skipped(3, 5, "magic"), Skipped(3, 7, "f(3)"), Skipped(3, 8, "for i in range(3):"),
        Skipped(4, 1, "magic"),
        Skipped(5, 1, "syntax error: invalid syntax"),
        Skipped(6, 1, "check('activations')"),
    ]


def test_ipythons_transformed_magics_are_skipped_like_the_raw_ones():
    module, skipped = extract(["get_ipython().run_line_magic('pip', 'install x')\nimport math\n"])
    assert module == "import math\n"
    assert [s.what for s in skipped] == ["get_ipython().run_line_magic('pip', 'install x')"]


def test_future_imports_open_the_module_wherever_their_cell_ran():
    cells = ["import numpy as np\n", "from __future__ import annotations\ndef f(x: Later) -> None:\n    pass\n",
             "from __future__ import annotations\n"]
    module, _ = extract(cells)
    assert module.splitlines()[:2] == ["from __future__ import annotations", "import numpy as np"]
    compile(module, "<notebook>", "exec")


def test_a_later_definition_replaces_an_earlier_one_as_in_the_kernel():
    module, _ = extract(["def relu(x):\n    raise NotImplementedError\n", "def relu(x):\n    return max(x, 0)\n"])
    namespace: dict = {}
    exec(compile(module, "<notebook>", "exec"), namespace)  # our own text, not a student's
    assert namespace["relu"](-2) == 0


@pytest.mark.parametrize("module", sorted(p.stem for p in SOLUTIONS.glob("*.py") if not p.stem.startswith("_")))
def test_course_imports_become_absolute_for_the_kernel_and_relative_again_for_grading(module):
    source = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    absolute = absolute_course_imports(source)
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.parse(absolute).body)
    modules = {p.stem for p in SOLUTIONS.glob("*.py")}
    assert relative_course_imports(absolute, modules) == source
