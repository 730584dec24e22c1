"""What can go wrong on the student's side of a call, as exceptions the checks let propagate.

A check never catches these: the grader's pytest plugin turns each into the check's outcome ("not implemented",
"error", "timeout", ...) and its student-readable message. Every message names the student's own file and line where
one is known, never a line of the grader.
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass, field

from grader.i18n import tr


@dataclass(frozen=True)
class Frame:
    """One line of the student's own code in a traceback."""

    file: str
    line: int
    function: str
    code: str

    def __str__(self) -> str:
        where = f'  File "{self.file}", line {self.line}, in {self.function}'
        return where + (f"\n    {self.code}" if self.code else "")


class SubmissionFault(Exception):
    """Base class: the student's code did not produce a value for a call."""

    outcome = "error"

    def student_message(self) -> str:
        return str(self)


class NotImplementedByStudent(SubmissionFault):
    outcome = "not_implemented"

    def __init__(self, target: str, raised_in: Frame | None = None) -> None:
        super().__init__(target)
        self.target, self.raised_in = target, raised_in

    def student_message(self) -> str:
        frame, inner = self.raised_in, self.inner_target()
        if frame is None or inner is None:
            return tr("fault.not_implemented", target=self.target)
        return tr("fault.not_implemented_inside", target=self.target, inner=inner, file=frame.file, line=frame.line)

    def inner_target(self) -> str | None:
        """The unfinished function the call ran into, named from the innermost student frame (the one that raised):
        ``network.MLP.forward`` when ``training.fit`` calls it; None when it is the called function itself (or, for
        a class, its ``__init__``) or no student frame is known.

        A lambda or comprehension is named by the function it is written in (``MLP.forward.<locals>.<listcomp>``
        is ``MLP.forward``), and code at a module's top level by the module.
        """
        if self.raised_in is None:
            return None
        module = self.raised_in.file.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        function = self.raised_in.function.split(".<locals>.")[0]
        inner = module if function.startswith("<") else f"{module}.{function}"
        return None if inner in (self.target, f"{self.target}.__init__") else inner


@dataclass
class StudentException(SubmissionFault):
    """The student's code raised an exception (or called sys.exit) during a call or an import."""

    target: str
    type_name: str
    message: str
    frames: list[Frame] = field(default_factory=list)
    kind: str = "exception"
    limit: str = ""  # for kind "limit": which of the grader's limits was reached, in a student's words

    def __post_init__(self) -> None:
        super().__init__(f"{self.type_name}: {self.message}")

    @property
    def outcome(self) -> str:  # type: ignore[override]
        return "not_implemented" if self.kind == "not_implemented" else "error"

    def student_message(self) -> str:
        if self.kind == "missing":
            return tr("fault.missing", target=self.target, message=self.message)
        if self.kind == "signature":
            return tr("fault.signature", target=self.target, message=self.message)
        if self.kind == "exit":
            return tr("fault.exit", target=self.target)
        if self.kind == "limit":
            return tr("fault.limit", target=self.target, limit=self.limit, type=self.type_name, message=self.message)
        trace = "\n".join(str(f) for f in self.frames)
        text = tr("fault.exception", target=self.target, type=self.type_name, message=self.message)
        return f"{text}\n{trace}" if trace else text


class CallTimedOut(SubmissionFault):
    outcome = "timeout"

    def __init__(self, target: str, seconds: float, earlier: bool = False) -> None:
        super().__init__(target)
        self.target, self.seconds, self.earlier = target, seconds, earlier

    def student_message(self) -> str:
        key = "fault.timeout_earlier" if self.earlier else "fault.timeout"
        return tr(key, target=self.target, seconds=f"{self.seconds:g}")


class WorkerCrashed(SubmissionFault):
    """The worker process died during the call: a segfault, os._exit, a resource limit, ..."""

    outcome = "crashed"

    def __init__(self, target: str, returncode: int | None, earlier: bool = False) -> None:
        super().__init__(target)
        self.target, self.returncode, self.earlier = target, returncode, earlier

    def student_message(self) -> str:
        key = "fault.crashed_earlier" if self.earlier else "fault.crashed"
        return tr(key, target=self.target, cause=describe_exit(self.returncode))


class BadReply(SubmissionFault):
    """The worker answered with something that is not plain data (or too much of it)."""

    def __init__(self, target: str, detail: str) -> None:
        super().__init__(target)
        self.target, self.detail = target, detail

    def student_message(self) -> str:
        return tr("fault.bad_reply", target=self.target, detail=self.detail)


def describe_exit(returncode: int | None) -> str:
    """Why a worker ended, in a student's words."""
    if returncode is None:
        return tr("exit.unknown")
    if returncode >= 0:
        return tr("exit.code", code=returncode)
    try:
        killed_by = signal.Signals(-returncode)
    except ValueError:  # a real-time signal has no name
        return tr("exit.signal", signal=str(-returncode))
    key = {
        signal.SIGSEGV: "exit.segfault",
        signal.SIGXCPU: "exit.cpu",
        signal.SIGXFSZ: "exit.file_size",
        signal.SIGKILL: "exit.killed",
        signal.SIGABRT: "exit.abort",
    }.get(killed_by, "exit.signal")
    return tr(key, signal=killed_by.name)


# Control characters other than newline and tab (ANSI escapes included) in text the student's code produced.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text made by the student's code, safe to show: no terminal escapes, carriage returns or other control
    characters (which could redraw a terminal line or break an XML report), each replaced by U+FFFD."""
    return _CONTROL.sub("\ufffd", text)
