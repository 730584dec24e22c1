"""Generate the student exercises from the reference solutions: one source, two copies.

Every module in solutions/ marks the code a student must write with two comment lines, indented like the code
they enclose:

    def cube_grad(x):
        \"\"\"Derivative of x**3, elementwise ...\"\"\"
        x = _float_array(x)            # given code: unmarked, kept in the exercise
        # BEGIN SOLUTION
        return 3 * x**2
        # END SOLUTION

(an example that is not among the exercises: this module ships in the student copy, which must hold no solution).
make_stub() keeps everything outside the markers (module docstring, imports, signatures, docstrings, given code)
and replaces each marked block, markers included, by one line at the markers' indentation:

        raise NotImplementedError("activations.cube_grad is not implemented yet: see its docstring")

so a stub module imports cleanly and a half-finished submission can be graded function by function.
solution_blocks() lists the blocks and stub_block() replaces one alone, so that a reference with one function
left for the student proves some check fails without it (``nn-grader audit``).

With ``lang`` (``make_stub(..., lang="ko")``, ``nn-grader stubs --lang ko``) the exercise speaks that language: the
module's and every function's, class's and method's docstring is swapped for the catalogue's text,
``exercise.<module>.doc`` and ``exercise.<module>.<qualname>.doc`` (grader/locale/ko/exercises.yaml; the notebooks
read the same keys). The English docstrings are the ones in solutions/, the single source: English has no such
catalogue, and a docstring without a translation stays English. The code is the same in every language.

Marker mistakes are errors (ValueError naming the file and line), never silently copied into an exercise: a
BEGIN without its END, an END without a BEGIN, nested blocks, a block outside a function body (at module level
or directly in a class body), a block that runs past the end of its function, an END indented differently from
its BEGIN, an empty block, and comments that look like markers but are not spelled exactly as above.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from grader.i18n import DEFAULT_LANGUAGE, catalogue

BEGIN_MARKER = "# BEGIN SOLUTION"
END_MARKER = "# END SOLUTION"

# Anything a human might have meant as a marker ("#begin solution", "# END  SOLUTION:"), to refuse near misses
# that would otherwise leak a solution into the exercises.
_MARKER_LIKE = re.compile(r"\b(BEGIN|END)\s*SOLUTION\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Marker:
    line: int  # 1-based
    column: int
    kind: str  # "BEGIN" or "END"


@dataclass(frozen=True)
class _Function:
    qualname: str  # dotted path inside the module: "MLP.forward", "outer.inner"
    node: ast.FunctionDef | ast.AsyncFunctionDef
    statement_lines: frozenset[int]  # first lines of every statement nested in the function


@dataclass(frozen=True)
class SolutionBlock:
    """One marked block of a solution module, in the order make_stub replaces them."""

    begin: int  # 1-based line of BEGIN
    end: int  # 1-based line of END
    indent: str
    qualname: str  # the function or method it belongs to, dotted inside the module: "sigmoid", "MLP.forward"


def make_stub(source: str, filename: str = "<source>", lang: str = DEFAULT_LANGUAGE) -> str:
    """Return the exercise version of a solution module's source text, its docstrings in ``lang``.

    `filename` is used in error messages and, when it names a module file (activations.py), to qualify the
    function names in the NotImplementedError messages ("activations.sigmoid_grad") and to find the docstrings'
    catalogue keys. A source without markers (in English) is returned unchanged. Raises ValueError, naming the
    file and line, for marker mistakes or when the source (or the generated stub) is not valid Python.
    """
    source = translate_docstrings(source, filename, lang)
    return _replace_blocks(source, filename, solution_blocks(source, filename))


def translate_docstrings(source: str, filename: str, lang: str) -> str:
    """``source`` with each docstring the catalogue of ``lang`` translates replaced by that translation, written
    at the docstring's place and indentation; everything else is left as it is, byte for byte."""
    module = Path(filename).stem if filename.endswith(".py") else ""
    texts = catalogue(lang) if lang != DEFAULT_LANGUAGE and module else {}
    if not texts:  # English: the docstrings are the source's own
        return source
    lines = source.splitlines(keepends=True)
    swaps = [(node, texts[key]) for key, node in _docstring_nodes(_parse(source, filename, "solution source"),
                                                                  module).items() if texts.get(key)]
    for node, text in sorted(swaps, key=lambda swap: swap[0].lineno, reverse=True):  # later lines first
        end_line = node.end_lineno or node.lineno
        head, tail = lines[node.lineno - 1][: node.col_offset], lines[end_line - 1][node.end_col_offset or 0 :]
        literal = _docstring_literal(text, " " * node.col_offset, f"{filename}:{node.lineno}")
        lines[node.lineno - 1 : end_line] = [head + literal + tail]
    return "".join(lines)


def _docstring_nodes(tree: ast.Module, module: str) -> dict[str, ast.expr]:
    """Catalogue key -> the string constant of each docstring in the module."""
    found: dict[str, ast.expr] = {}

    def visit(node: ast.AST, qualname: str) -> None:
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if ast.get_docstring(node, clean=False) is not None:
                found[f"exercise.{module}.{qualname + '.' if qualname else ''}doc"] = node.body[0].value  # type: ignore[attr-defined]
            for child in node.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(child, f"{qualname}.{child.name}" if qualname else child.name)

    visit(tree, "")
    return found


def _docstring_literal(text: str, indent: str, where: str) -> str:
    """A triple-quoted literal of the (cleaned) docstring ``text``: its continuation lines at ``indent``, the
    closing quotes on a line of their own when it has several lines, as the solutions write them."""
    if '"""' in text:
        raise ValueError(f"{where}: a translated docstring cannot hold a triple quote")
    first, *rest = text.strip().replace("\\", "\\\\").splitlines()
    if not rest:
        return f'"""{first} """' if first.endswith('"') else f'"""{first}"""'
    body = "".join(f"{indent}{line}".rstrip() + "\n" for line in rest)
    return f'"""{first}\n{body}{indent}"""'


def solution_blocks(source: str, filename: str = "<source>") -> list[SolutionBlock]:
    """Every marked block of a solution module, in source order; ValueError for marker mistakes, as in make_stub."""
    tree = _parse(source, filename, what="solution source")
    lines = source.splitlines(keepends=True)
    return _blocks(_markers(source, lines, filename), lines, _functions(tree), tree, filename)


def stub_block(source: str, index: int, filename: str = "<source>") -> str:
    """The solution module with only its ``index``-th block (0-based, as solution_blocks lists them) replaced, as
    make_stub replaces every block: a reference with one function left for the student, to prove that some check
    fails without that block. IndexError for an index with no block."""
    blocks = solution_blocks(source, filename)
    if not 0 <= index < len(blocks):
        raise IndexError(f"{filename} has {len(blocks)} solution blocks, not a block {index}")
    return _replace_blocks(source, filename, [blocks[index]])


def _replace_blocks(source: str, filename: str, blocks: list[SolutionBlock]) -> str:
    """``source`` with each of ``blocks`` (in source order), markers included, replaced by its raise line."""
    lines = source.splitlines(keepends=True)
    module = Path(filename).stem if filename.endswith(".py") else ""
    prefix = f"{module}." if module and module != "__init__" else ""

    out: list[str] = []
    next_line = 1
    for block in blocks:
        out.extend(lines[next_line - 1 : block.begin - 1])
        newline = "\r\n" if lines[block.begin - 1].endswith("\r\n") else "\n"
        message = f"{prefix}{block.qualname} is not implemented yet: see its docstring"
        literal = f'"{message}"' if '"' not in message and "\\" not in message else repr(message)
        out.append(f"{block.indent}raise NotImplementedError({literal}){newline}")
        next_line = block.end + 1
    out.extend(lines[next_line - 1 :])
    stub = "".join(out)
    _parse(stub, filename, what="generated stub")
    return stub


def write_exercises(solutions_dir: Path, exercises_dir: Path, lang: str = DEFAULT_LANGUAGE) -> list[Path]:
    """Generate exercises_dir from every *.py file directly in solutions_dir, docstrings in ``lang``; return the
    generated paths.

    Every stub is computed before anything is written, so a marker error leaves exercises_dir untouched. Files
    whose content is already right are not rewritten; *.py files in exercises_dir with no counterpart in
    solutions_dir are deleted (exercises_dir holds generated files only). Returns the paths of all generated
    files, sorted, whether or not they had to change.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stubs = _expected_stubs(solutions_dir, lang)
    exercises_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in stubs.items():
        target = exercises_dir / name
        if not target.is_file() or _read(target) != text:
            target.write_text(text, encoding="utf-8", newline="")
        written.append(target)
    for stale in sorted(exercises_dir.glob("*.py")):
        if stale.name not in stubs:
            stale.unlink()
    return written


def find_drift(solutions_dir: Path, exercises_dir: Path, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Human-readable differences between exercises_dir and what write_exercises would produce in ``lang``; []
    when in sync.

    Reports missing exercise files, files whose content differs (with the first differing line) and *.py files
    in exercises_dir with no counterpart in solutions_dir. Marker mistakes raise ValueError, as in make_stub.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stubs = _expected_stubs(solutions_dir, lang)
    problems = []
    for name, expected in stubs.items():
        target = exercises_dir / name
        origin = solutions_dir / name
        if not target.is_file():
            problems.append(f"{target} is missing (it is generated from {origin})")
            continue
        found = _read(target)
        if found != expected:
            problems.append(f"{target} differs from the stub of {origin}: {_first_difference(expected, found)}")
    if exercises_dir.is_dir():
        for extra in sorted(exercises_dir.glob("*.py")):
            if extra.name not in stubs:
                problems.append(f"{extra} has no counterpart in {solutions_dir} (generated folders hold stubs only)")
    return problems


# --- finding markers and functions ----------------------------------------------------------------------------


def _read(path: Path) -> str:
    # newline="" keeps the file's own line endings, so a CRLF copy counts as drift instead of hiding it.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _expected_stubs(solutions_dir: Path, lang: str) -> dict[str, str]:
    if not solutions_dir.is_dir():
        raise ValueError(f"{solutions_dir} is not a folder of solution modules")
    return {path.name: make_stub(_read(path), str(path), lang) for path in sorted(solutions_dir.glob("*.py"))}


def _parse(source: str, filename: str, what: str) -> ast.Module:
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise ValueError(f"{filename}:{error.lineno}: the {what} is not valid Python: {error.msg}") from error


def _markers(source: str, lines: list[str], filename: str) -> list[_Marker]:
    """Every solution marker, in order; ValueError for comments that look like markers but are not exact."""
    markers = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type != tokenize.COMMENT or not _MARKER_LIKE.search(token.string):
            continue
        line, column = token.start
        text = token.string.rstrip()
        own_line = lines[line - 1].strip() == text
        if text not in (BEGIN_MARKER, END_MARKER) or not own_line:
            raise ValueError(
                f"{filename}:{line}: malformed solution marker {lines[line - 1].strip()!r}: write exactly "
                f"{BEGIN_MARKER!r} or {END_MARKER!r} on a line of its own"
            )
        markers.append(_Marker(line, column, "BEGIN" if text == BEGIN_MARKER else "END"))
    return markers


def _functions(tree: ast.Module) -> list[_Function]:
    """Every function and method in the module with its dotted qualified name, outermost first."""
    found: list[_Function] = []

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = f"{scope}{child.name}"
                statements = frozenset(n.lineno for n in ast.walk(child) if isinstance(n, ast.stmt) and n is not child)
                found.append(_Function(qualname, child, statements))
                visit(child, f"{qualname}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{scope}{child.name}.")
            else:
                visit(child, scope)

    visit(tree, "")
    return found


def _blocks(
    markers: list[_Marker], lines: list[str], functions: list[_Function], tree: ast.Module, filename: str
) -> list[SolutionBlock]:
    """Pair BEGIN/END markers into blocks and check that each block sits inside one function body."""
    pairs: list[tuple[_Marker, _Marker]] = []
    open_marker: _Marker | None = None
    for marker in markers:
        if marker.kind == "BEGIN":
            if open_marker is not None:
                raise ValueError(
                    f"{filename}:{marker.line}: nested {BEGIN_MARKER!r}: the block opened at line "
                    f"{open_marker.line} is not closed yet"
                )
            open_marker = marker
        else:
            if open_marker is None:
                raise ValueError(f"{filename}:{marker.line}: {END_MARKER!r} without a {BEGIN_MARKER!r} before it")
            pairs.append((open_marker, marker))
            open_marker = None
    if open_marker is not None:
        raise ValueError(f"{filename}:{open_marker.line}: {BEGIN_MARKER!r} has no matching {END_MARKER!r}")

    all_statement_lines = {node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt)}
    blocks = []
    for begin, end in pairs:
        if end.column != begin.column:
            raise ValueError(
                f"{filename}:{end.line}: {END_MARKER!r} is indented differently from the {BEGIN_MARKER!r} "
                f"at line {begin.line}"
            )
        inside = {line for line in all_statement_lines if begin.line < line < end.line}
        if not inside:
            raise ValueError(f"{filename}:{begin.line}: empty solution block (no statement before line {end.line})")
        owner = _innermost_function(functions, begin)
        if owner is None:
            raise ValueError(
                f"{filename}:{begin.line}: solution marker outside a function body: markers must enclose "
                "statements of one function or method"
            )
        if not inside <= owner.statement_lines:
            stray = min(inside - owner.statement_lines)
            raise ValueError(
                f"{filename}:{stray}: the solution block opened at line {begin.line} runs past the end of "
                f"{owner.qualname}; close it with {END_MARKER!r} inside the function"
            )
        indent = lines[begin.line - 1][: begin.column]
        blocks.append(SolutionBlock(begin.line, end.line, indent, owner.qualname))
    return blocks


def _innermost_function(functions: list[_Function], marker: _Marker) -> _Function | None:
    """The innermost function whose body holds the marker: after the def line, up to its last statement, and
    indented deeper than the def."""
    owner = None
    for function in functions:  # outermost first, so a later match is nested in an earlier one
        node = function.node
        end_line = node.end_lineno or node.lineno
        if node.lineno < marker.line <= end_line and marker.column > node.col_offset:
            owner = function
    return owner


def _first_difference(expected: str, found: str) -> str:
    """Where two texts first differ, as "line N: expected ..., found ..."."""
    expected_lines = expected.splitlines(keepends=True) + ["<end of file>"]
    found_lines = found.splitlines(keepends=True) + ["<end of file>"]
    # The texts may have different numbers of lines; the sentinel makes them differ by the shorter one's end.
    for number, (want, got) in enumerate(zip(expected_lines, found_lines, strict=False), start=1):
        if want == got:
            continue
        if _without_eol(want) == _without_eol(got):
            return f"line {number}: the line endings differ"
        return f"line {number}: expected {_without_eol(want)!r}, found {_without_eol(got)!r}"
    return "the texts differ"  # not reached: differing texts differ on some line, or one ends first


def _without_eol(line: str) -> str:
    return line.rstrip("\r\n")
