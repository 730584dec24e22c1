"""Finding a student's submission and copying in only the files the grader may use.

Only the exercise modules of the parts being graded are copied (an allow-list); everything else a student may have
in the folder -- ``conftest.py``, ``pytest.ini``, ``numpy.py``, ``sitecustomize.py``, ``*.pth`` -- never reaches any
path the grader or the worker uses. The copy is a fresh package ``submission`` with an empty ``__init__.py`` of the
grader's own.
"""

from __future__ import annotations

import os
import py_compile
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import UserError
from grader.sandbox.protocol import SUBMISSION_PACKAGE

MAX_FILE_BYTES = 1024 * 1024


class SubmissionError(UserError, ValueError):
    """The submission folder itself cannot be used (it does not exist, or is not a folder)."""


@dataclass
class StagedSubmission:
    """The copy the worker imports: ``root/submission/<module>.py``."""

    source: Path
    root: Path
    copied: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # module file -> why it was not copied

    @property
    def package_dir(self) -> Path:
        return self.root / SUBMISSION_PACKAGE


def stage(source: Path, module_files: list[str], root: Path) -> StagedSubmission:
    """Copy the allowed ``module_files`` of ``source`` into ``root/submission``."""
    source = Path(source)
    if not source.exists():
        raise SubmissionError(f"submission folder {source} does not exist")
    if not source.is_dir():
        raise SubmissionError(f"submission {source} is not a folder")
    staged = _new_package(source, Path(root))
    for name in module_files:
        _stage_student_module(staged, name)
    return staged


def stage_alone(source: Path, module_file: str, reference_dir: Path, module_files: list[str],
                root: Path) -> StagedSubmission:
    """Stage the student's ``module_file`` alone among the reference's other ``module_files``, in ``root/submission``.

    The checks of a part that calls other parts (``training.fit`` calls the model, the loss and the optimizer) run
    on this copy, so that they measure the student's part alone: a bug in another part costs that part's checks, not
    these. The reference modules are staged as bytecode without their source (``losses.pyc``, imported under the
    student's module name), so the student's code shares a folder with the reference's behaviour but has no
    solution text to print into its output; their tracebacks name no file of the submission.
    """
    staged = _new_package(source, Path(root))
    for name in module_files:
        if name == module_file:
            _stage_student_module(staged, name)
        elif (reference_dir / name).is_file():
            py_compile.compile(str(reference_dir / name), cfile=str(staged.package_dir / f"{name[:-3]}.pyc"),
                               dfile=f"<reference>/{name}", doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return staged


def _new_package(source: Path, root: Path) -> StagedSubmission:
    """An empty package ``root/submission`` with the grader's own ``__init__.py``."""
    staged = StagedSubmission(Path(source), root)
    staged.package_dir.mkdir(parents=True)
    (staged.package_dir / "__init__.py").write_text('"""A student submission, staged by nn-grader."""\n')
    return staged


def _stage_student_module(staged: StagedSubmission, name: str) -> None:
    problem = _copy_module(staged.source / name, staged.package_dir / name)
    if problem:
        staged.problems[name] = problem
    else:
        staged.copied.append(name)


def _copy_module(src: Path, dest: Path) -> str:
    """Copy one module file; the reason it was refused, or '' when copied.

    The file is opened without following a symbolic link and checked on the open descriptor, so what is checked is
    what is copied (a link to the solutions, a FIFO or a device is refused, never read).
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
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return "too_large"
    dest.write_bytes(data)
    return ""
