"""Finding a student's submission and copying in only the files the grader may use.

Only the exercise modules of the parts being graded are copied (an allow-list); everything else a student may have
in the folder -- ``conftest.py``, ``pytest.ini``, ``numpy.py``, ``sitecustomize.py``, ``*.pth`` -- never reaches any
path the grader or the worker uses. The copy is a fresh package ``submission`` with an empty ``__init__.py`` of the
grader's own.

A submission may also be Jupyter notebooks (docs/notebooks.md): one ``.ipynb`` file, or a folder holding notebooks
and none of the exercise modules. Their code cells become the modules as ``check()`` in a cell makes them
(grader/notebook_source.py): imports, definitions and constants only, nothing run; each function goes to the part
whose reference module defines its name, with the helpers it uses. Outputs are never read.
"""

from __future__ import annotations

import ast
import functools
import os
import py_compile
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from grader.errors import UserError
from grader.i18n import tr
from grader.notebook_source import (
    NotebookError,
    Skipped,
    notebook_cells,
    relative_course_imports,
    split_by_part,
    statements,
)
from grader.sandbox.protocol import SUBMISSION_PACKAGE

MAX_FILE_BYTES = 1024 * 1024
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # outputs (images) make notebooks big; they are parsed past, never used
MAX_NOTEBOOKS = 32
NOTEBOOK_SUFFIX = ".ipynb"
SKIPPED_SHOWN = 12  # how many of the pieces a notebook left ungraded its note lists


class SubmissionError(UserError, ValueError):
    """The submission folder itself cannot be used (it does not exist, or is not a folder)."""


@dataclass
class StagedSubmission:
    """The copy the worker imports: ``root/submission/<module>.py``."""

    source: Path
    root: Path
    copied: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # module file -> why it was not copied
    notes: list[str] = field(default_factory=list)  # what a notebook submission left ungraded, cell by cell

    @property
    def package_dir(self) -> Path:
        return self.root / SUBMISSION_PACKAGE


def stage(source: Path, module_files: list[str], root: Path) -> StagedSubmission:
    """Copy the allowed ``module_files`` of ``source`` into ``root/submission`` (made from its notebooks, if it is
    a notebook submission)."""
    source = Path(source)
    split = notebook_split(source, module_files)
    staged = _new_package(source, Path(root))
    if split is not None and split.skipped:  # cells counted from 1, as the notebook's own page shows them
        staged.notes.append(skipped_note([tr("notebook.file_skipped_item", notebook=name, cell=s.cell + 1,
                                             line=s.line, what=s.what) for name, s in split.skipped]))
    for name in module_files:
        _stage_student_module(staged, name, split.modules if split is not None else None)
    return staged


def stage_alone(staged: StagedSubmission, module_file: str, reference_dir: Path, module_files: list[str],
                root: Path) -> StagedSubmission:
    """Stage the student's ``module_file``, as :func:`stage` staged it in ``staged``, alone among the reference's
    other ``module_files``, in ``root/submission``: never beside the student's own other modules, and never where
    the student's module of another part runs (see grader.grading.PartsAlone).

    The checks of a part that calls other parts (``training.fit`` calls the model, the loss and the optimizer) run
    on this copy, so that they measure the student's part alone: a bug in another part costs that part's checks, not
    these. The reference modules are staged as bytecode without their source (``losses.pyc``, imported under the
    student's module name), so the student's code shares a folder with the reference's behaviour but has no
    solution text to print into its output; their tracebacks name no file of the submission.
    """
    alone = _new_package(staged.source, Path(root))
    for name in module_files:
        if name == module_file:
            if name in staged.copied:  # read and checked once, by stage; a module it refused is not staged
                shutil.copyfile(staged.package_dir / name, alone.package_dir / name)
        elif (reference_dir / name).is_file():
            bytecode = reference_bytecode(name, (reference_dir / name).read_bytes())
            (alone.package_dir / f"{name[:-3]}.pyc").write_bytes(bytecode)
    return alone


@functools.lru_cache(maxsize=64)
def reference_bytecode(name: str, source: bytes) -> bytes:
    """The bytecode of the reference module ``name`` with text ``source``, as ``stage_alone`` stages it.

    Compiled once per grading process and kept by the module's text (an edited reference is compiled afresh):
    every student of a class whose checks run again alone is staged with the same reference, and compiling it was
    most of the cost.
    """
    with tempfile.TemporaryDirectory(prefix="nn-grader-pyc-") as tmp:
        source_file, cfile = Path(tmp, name), Path(tmp, f"{name[:-3]}.pyc")
        source_file.write_bytes(source)
        py_compile.compile(str(source_file), cfile=str(cfile), dfile=f"<reference>/{name}", doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        return cfile.read_bytes()


def _new_package(source: Path, root: Path) -> StagedSubmission:
    """An empty package ``root/submission`` with the grader's own ``__init__.py``."""
    staged = StagedSubmission(Path(source), root)
    staged.package_dir.mkdir(parents=True)
    (staged.package_dir / "__init__.py").write_text('"""A student submission, staged by nn-grader."""\n')
    return staged


def _stage_student_module(staged: StagedSubmission, name: str, modules: dict[str, str] | None) -> None:
    """Stage the student's module ``name``: copied from the folder, or written from ``modules`` (a notebook
    submission's, see :func:`notebook_split`)."""
    if modules is None:
        problem = _copy_module(staged.source / name, staged.package_dir / name)
    else:
        problem = _write_module(modules.get(name), staged.package_dir / name)
    if problem:
        staged.problems[name] = problem
    else:
        staged.copied.append(name)


def _write_module(text: str | None, dest: Path) -> str:
    """Write a module made from notebooks; the reason it was not, or '' when written."""
    if text is None:
        return "missing"
    data = text.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        return "too_large"
    dest.write_bytes(data)
    return ""


def _copy_module(src: Path, dest: Path) -> str:
    """Copy one module file; the reason it was refused, or '' when copied."""
    data = _read_regular(src, MAX_FILE_BYTES)
    if isinstance(data, str):
        return data
    dest.write_bytes(data)
    return ""


def _read_regular(src: Path, limit: int) -> bytes | str:
    """The bytes of the regular file ``src`` if it holds at most ``limit``; else why not ("missing",
    "not_regular", "too_large").

    The file is opened without following a symbolic link and checked on the open descriptor, so what is checked is
    what is read (a link to the solutions, a FIFO or a device is refused, never read).
    """
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return "missing"
    except OSError:  # a symbolic link (ELOOP), or a file this user may not read
        return "not_regular" if src.is_symlink() or src.exists() else "missing"
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "not_regular"
        data = file.read(limit + 1)
    return "too_large" if len(data) > limit else data


def notebook_files(source: Path, module_files: list[str]) -> list[Path]:
    """The notebooks a submission is made of: ``source`` itself if it is an ``.ipynb`` file; those of the folder
    ``source`` if it holds none of ``module_files`` (modules win over notebooks); else none.

    Raises ``SubmissionError`` when ``source`` is neither a folder nor a notebook.
    """
    if not source.exists() and not source.is_symlink():
        raise SubmissionError(f"submission folder {source} does not exist")
    if not source.is_dir():
        if source.suffix.lower() != NOTEBOOK_SUFFIX:
            raise SubmissionError(tr("notebook.not_folder_or_notebook", file=source))
        return [source]
    if any((source / name).exists() or (source / name).is_symlink() for name in module_files):
        return []
    found = sorted(p for p in source.iterdir() if p.suffix.lower() == NOTEBOOK_SUFFIX and not p.name.startswith("."))
    if len(found) > MAX_NOTEBOOKS:
        raise SubmissionError(tr("notebook.too_many", folder=source, count=MAX_NOTEBOOKS))
    return found


def read_notebooks(notebooks: list[Path]) -> list[tuple[str, list[str]]]:
    """``(file name, cell sources)`` of each notebook; ``SubmissionError`` saying what is wrong with the first that
    cannot be read as an nbformat 4 notebook."""
    read = []
    for path in notebooks:
        data = _read_regular(path, MAX_NOTEBOOK_BYTES)
        if isinstance(data, str):
            raise SubmissionError(tr(f"notebook.file_{data}", file=path.name, mib=MAX_NOTEBOOK_BYTES >> 20))
        try:
            read.append((path.name, notebook_cells(data)))
        except NotebookError as error:
            raise SubmissionError(tr(f"notebook.{error.key}", file=path.name, **error.params)) from None
    return read


class NotebookSplit(NamedTuple):
    """A notebook submission's code, as the modules it makes and the statements it leaves ungraded."""

    modules: dict[str, str]  # module file -> text, for each exercise module the notebooks define
    skipped: list[tuple[str, Skipped]]  # (notebook file name, what was left out)


def notebook_split(source: Path, module_files: list[str]) -> NotebookSplit | None:
    """The modules among ``module_files`` a notebook submission defines, and what its notebooks left ungraded, read
    once; None when ``source`` is a folder of modules. The cells of every notebook are taken in order, notebook after
    notebook."""
    notebooks = notebook_files(source, module_files)
    if not notebooks:
        return None
    kept: list = []
    skipped: list[tuple[str, Skipped]] = []
    for name, cells in read_notebooks(notebooks):
        ok, left = statements(cells)
        kept += ok
        skipped += [(name, s) for s in left]
    contract = contract_names([name.removesuffix(".py") for name in module_files])
    if contract is None:  # a student's copy has no reference modules to say which part a name is: all go everywhere
        every = {name for statement in kept for name in statement.binds}
        contract = {name.removesuffix(".py"): (every, every) for name in module_files}
    owned = {part: names for part, (names, _) in contract.items()}
    modules = split_by_part(kept, owned, {part: graded for part, (_, graded) in contract.items()})
    return NotebookSplit({f"{part}.py": relative_course_imports(text, set(owned)) for part, text in modules.items()},
                         skipped)


def contract_names(parts: list[str]) -> dict[str, tuple[set[str], set[str]]] | None:
    """For each part, the names its reference module defines at its top level (functions, classes, constants),
    which a notebook's definitions of the same name belong to, and of those the graded ones (holding a solution
    block); None where there is no reference (a student's copy)."""
    import importlib.util

    from grader.reference import REFERENCE_PACKAGE

    spec = importlib.util.find_spec(REFERENCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    owned = {}
    for part in parts:
        path = folder / f"{part}.py"
        if path.is_file():
            names, graded = module_contract(path.name, path.read_text(encoding="utf-8"))
            owned[part] = (set(names), set(graded))
    return owned


@functools.lru_cache(maxsize=64)
def module_contract(name: str, source: str) -> tuple[frozenset[str], frozenset[str]]:
    """The names reference module ``name`` (text ``source``) defines at its top level, and the graded ones among them.

    Read once per process and module text: parsing a module statement by statement costs more than a tenth of a
    second, and a notebook submission's grade asks for every part's, once per staging.
    """
    from grader.stubgen import solution_blocks

    kept, _ = statements([source])
    names = {n for s in kept if not isinstance(s.node, (ast.Import, ast.ImportFrom)) for n in s.binds}
    graded = {block.qualname.split(".")[0] for block in solution_blocks(source, name)}
    return frozenset(names), frozenset(graded)


def skipped_note(items: list[str]) -> str:
    """The note naming what a notebook left ungraded, in the current language: the first ``SKIPPED_SHOWN`` of
    ``items`` (each "work.ipynb cell 3 line 1 (while True:)" or the like), and how many more there are."""
    more = tr("notebook.skipped_more", count=len(items) - SKIPPED_SHOWN) if len(items) > SKIPPED_SHOWN else ""
    return tr("notebook.skipped", items="; ".join(items[:SKIPPED_SHOWN]) + more)
