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
import struct
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import BinaryIO

from grader.figures.draw import Drawing, NotDrawn, draw_all

GRADER_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the package grader
FRAME = struct.Struct(">Q")  # an answer's length, before it
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a figure's SVG is tens of kilobytes
ANSWER_SECONDS = 30.0  # for one figure; matplotlib draws one in a few hundredths of a second
SERVE = f"import sys; sys.path.insert(0, {str(GRADER_ROOT)!r}); from grader.figures.drawer import serve; serve()"


class Drawer:
    """A drawing process. :meth:`start` sends it a drawing as soon as the figure exists; :meth:`draw_all` is
    :func:`grader.figures.draw.draw_all`, with the pictures drawn there (those already started are not sent again).

    A drawer serves one page, whose drawings it knows by their salt (unique within a page). Answers come back in the
    order the drawings were sent, each framed by its length. Both pipes are used without blocking and within
    ``ANSWER_SECONDS`` per step, reading answers while a request waits to be written, so neither side can hold the
    other up for ever.
    """

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.pending: deque[str] = deque()  # the salts of the drawings sent and not answered yet, in order
        self.pictures: dict[str, str | NotDrawn] = {}  # the answers, by salt
        self.unread = bytearray()
        try:
            self.process = subprocess.Popen([sys.executable, "-P", "-c", SERVE], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        except OSError:
            return  # drawn in the grading process then
        for stream in (self.process.stdin, self.process.stdout):
            assert stream is not None, "both are pipes"
            os.set_blocking(stream.fileno(), False)

    def start(self, drawing: Drawing) -> None:
        """Have the drawer start on ``drawing`` now (once: a drawing already sent is not sent again)."""
        if drawing.salt in self.pictures or drawing.salt in self.pending:
            return
        try:
            self._send(drawing)
        except Exception:  # noqa: BLE001 -- a drawer that died, hangs or answers garbage: the rest is drawn here
            self.close()

    def draw_all(self, drawings: list[Drawing]) -> list[str | NotDrawn]:
        """Each drawing's SVG, or why it could not be drawn, in order."""
        for drawing in drawings:
            self.start(drawing)
        try:
            while self.process is not None and self.pending:
                self._read_answer(time.monotonic() + ANSWER_SECONDS)
        except Exception:  # noqa: BLE001 -- as in start: unpickling garbage alone can raise a dozen kinds
            self.close()
        # What a drawer that was closed left unanswered is drawn here.
        return [self.pictures[d.salt] if d.salt in self.pictures else draw_all([d])[0] for d in drawings]

    def _send(self, drawing: Drawing) -> None:
        if self.process is None or self.process.stdin is None or self.process.stdout is None:
            raise OSError("no drawer")
        data = memoryview(pickle.dumps(drawing, protocol=pickle.HIGHEST_PROTOCOL))
        deadline = time.monotonic() + ANSWER_SECONDS
        while data:
            readable, writable, _ = select.select([self.process.stdout], [self.process.stdin], [],
                                                  max(0.0, deadline - time.monotonic()))
            if not readable and not writable:
                raise TimeoutError
            if readable:  # the drawer may wait for its answer to be read before it reads on
                self._read_answer(deadline)
            if writable:
                try:
                    data = data[os.write(self.process.stdin.fileno(), data):]
                except BlockingIOError:
                    continue
        self.pending.append(drawing.salt)

    def _read_answer(self, deadline: float) -> None:
        """Read the next whole answer, and keep it in ``pictures`` under the salt of the oldest drawing pending."""
        (size,) = FRAME.unpack(self._read_exactly(FRAME.size, deadline))
        if size > MAX_ANSWER_BYTES:
            raise ValueError(f"a drawer's answer of {size} bytes")
        answer = pickle.loads(self._read_exactly(size, deadline))
        if not isinstance(answer, (str, NotDrawn)) or not self.pending:
            raise pickle.UnpicklingError(f"a drawer answered {type(answer).__name__}, unasked")
        self.pictures[self.pending.popleft()] = answer

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        assert self.process is not None and self.process.stdout is not None, "read from a running drawer"
        while len(self.unread) < size:
            if not select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError
            try:
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError("the drawer ended")
            self.unread += chunk
        data = bytes(self.unread[:size])
        del self.unread[:size]
        return data

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
    if answers is None:  # the answers get the pipe; anything printed while drawing goes where stderr goes
        answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
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
        answer = pickle.dumps(draw_all([drawing])[0], protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(FRAME.pack(len(answer)) + answer)
        answers.flush()
