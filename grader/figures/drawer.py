"""Drawing a report's figures in a process of their own, started before the grade (``nn-grader check --html``).

matplotlib takes about 0.2 s to import and a report's figures about 0.15 s to draw; in the grading process both
would come after the grade, doubling the command. A ``Drawer`` is a Python process that imports matplotlib as soon
as it starts, while the grade runs (the grade keeps a core and a bit busy; the second core has room), then draws
each figure it is sent and answers with its SVG, in order.

It runs nn-grader's own drawing code on plain figure data (numbers and texts, :mod:`grader.figures.model`) that the
grading process built: no student code, and nothing it could not have drawn itself, crosses to it, so the two
trust each other and talk in pickles over a pair of pipes. It is started with the grader's own folder first on
its path and without the current folder (``-P``), so a ``matplotlib.py`` in a student's folder is never imported.

Whatever goes wrong with it -- it cannot start, it dies, it answers late -- the figures it has not drawn are drawn
in the grading process instead (:func:`grader.figures.draw.draw_all`), so the report is the same either way.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

from grader.figures.draw import Drawing, NotDrawn, draw_all

GRADER_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the package grader
ANSWER_SECONDS = 30.0  # for one figure; matplotlib draws one in a few hundredths of a second
SERVE = f"import sys; sys.path.insert(0, {str(GRADER_ROOT)!r}); from grader.figures.drawer import serve; serve()"


class Drawer:
    """A drawing process; :meth:`draw_all` is :func:`grader.figures.draw.draw_all`, drawn there."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        try:
            self.process = subprocess.Popen([sys.executable, "-P", "-c", SERVE], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        except OSError:
            pass  # drawn in the grading process then

    def draw_all(self, drawings: list[Drawing]) -> list[str | NotDrawn]:
        """Each drawing's SVG, or why it could not be drawn, in order."""
        answers: list[str | NotDrawn] = []
        try:
            for drawing in drawings:  # one at a time: a drawer that stops reading cannot block a write for ever
                deadline = time.monotonic() + ANSWER_SECONDS
                self._send(drawing, deadline)
                answers.append(self._receive(deadline))
        except (OSError, EOFError, TimeoutError, pickle.PickleError):
            self.close()
        return answers + draw_all(drawings[len(answers):])

    def _send(self, drawing: Drawing, deadline: float) -> None:
        if self.process is None or self.process.stdin is None:
            raise OSError("no drawer")
        fd = self.process.stdin.fileno()
        os.set_blocking(fd, False)
        data = memoryview(pickle.dumps(drawing, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            if not select.select([], [fd], [], max(0.0, deadline - time.monotonic()))[1]:
                raise TimeoutError
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue

    def _receive(self, deadline: float) -> str | NotDrawn:
        assert self.process is not None and self.process.stdout is not None, "sent to a running drawer"
        if not select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        answer = pickle.load(self.process.stdout)
        if not isinstance(answer, (str, NotDrawn)):
            raise pickle.UnpicklingError(f"a drawer answered {type(answer).__name__}")
        return answer

    def close(self) -> None:
        """End the drawing process (at once: it holds nothing worth waiting for)."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass  # a request still buffered for the process just killed
        self.process = None

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(requests: BinaryIO | None = None, answers: BinaryIO | None = None) -> None:
    """The drawing process: import matplotlib now, then answer each pickled ``Drawing`` with its SVG (or why it
    could not be drawn) until the grading process closes the pipe."""
    requests = requests or sys.stdin.buffer
    answers = answers or os.fdopen(sys.stdout.fileno(), "wb", closefd=False)
    try:
        import matplotlib.backends.backend_svg  # noqa: F401 -- the point of starting early
        import matplotlib.figure  # noqa: F401
    except ImportError:
        pass  # each drawing then says why it cannot be drawn
    while True:
        try:
            drawing = pickle.load(requests)
        except EOFError:
            return
        pickle.dump(draw_all([drawing])[0], answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()
