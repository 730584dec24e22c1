"""Recording the reference's answers to the public checks, for a student's copy to replay (see grader.reference).

The public checks run against the reference solutions as the submission, with :class:`Recorder` installed as the
reference source. It answers from the live reference and writes down, under the digest of each request, the
answer given: function results, and what reference objects (``network.MLP``, ``optimizers.SGD``) answered in each
of their states. Only requests made by a public check are written down (the hidden checks run on the live
reference, unrecorded), plus those made outside any check, such as while the suites are imported.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from grader.parts import SUITE_PREFIX
from grader.reference import (
    STATE,
    LiveReference,
    RecordedValues,
    UnrecordableValue,
    advance_arguments,
    digest,
    encode,
    encode_signature,
)


class RecordingError(RuntimeError):
    """A public check asked the reference something a student's copy cannot replay."""


class Recorder:
    """A reference source that answers from ``live`` and records every answer a public check asked for."""

    def __init__(self, public: set[tuple[str, str]], live: Any = None) -> None:
        self.public = public  # (part, check function name)
        self.live = live or LiveReference()
        self.values = RecordedValues()

    def resolve(self, target: str) -> Any:
        value = self.live.resolve(target)
        check = current_check()
        if check is not None and check not in self.public:
            return value
        arrays = self.values.arrays
        if inspect.isclass(value):
            methods = {name: encode_signature(inspect.signature(member), arrays)
                       for name, member in vars(value).items()
                       if inspect.isfunction(member) and (name == "__init__" or not name.startswith("_"))}
            self.values.targets.setdefault(target, {"kind": "class", "methods": methods})
            return RecordingClass(self, target, value)
        if callable(value):
            self.values.targets.setdefault(
                target, {"kind": "function", "signature": encode_signature(inspect.signature(value), arrays)})
            return RecordingFunction(self, target, value)
        self.values.targets.setdefault(target, {"kind": "value", "value": self.encode(value, target)})
        return value

    def record(self, key: str, value: Any, request: str) -> None:
        if key not in self.values.answers:
            self.values.answers[key] = self.encode(value, request)

    def encode(self, value: Any, request: str) -> Any:
        try:
            return encode(value, self.values.arrays)
        except UnrecordableValue as exc:
            raise RecordingError(f"{describe_check()} gets {exc} from {request}: a student's copy can only replay "
                                 f"numbers, strings, arrays and tuples, lists and dicts of them") from None

    def digest(self, *parts: Any) -> str:
        try:
            return digest(*parts)
        except UnrecordableValue as exc:
            raise RecordingError(f"{describe_check()} passes {exc} to the reference ({parts[1]}): a student's copy "
                                 f"cannot look its answer up") from None


class RecordingFunction:
    """A live reference function whose calls are recorded."""

    def __init__(self, recorder: Recorder, target: str, function: Any) -> None:
        self.recorder, self.target, self.function = recorder, target, function
        self.__signature__ = inspect.signature(function)
        self.__name__ = getattr(function, "__name__", target)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = self.recorder.digest("call", self.target, args, kwargs)
        value = self.function(*live(args), **{k: live((v,))[0] for k, v in kwargs.items()})
        self.recorder.record(key, value, self.target)
        advance_arguments(args, kwargs, key)
        return value


class RecordingClass:
    """A live reference class: constructing it makes a :class:`RecordingObject`; its methods stay inspectable."""

    def __init__(self, recorder: Recorder, target: str, cls: type) -> None:
        self.recorder, self.target, self.cls = recorder, target, cls

    def __call__(self, *args: Any, **kwargs: Any) -> RecordingObject:
        key = self.recorder.digest("new", self.target, args, kwargs)
        instance = self.cls(*live(args), **{k: live((v,))[0] for k, v in kwargs.items()})
        self.recorder.record(key, None, f"{self.target}()")
        advance_arguments(args, kwargs, key)
        return RecordingObject(self.recorder, self.target, instance, key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cls, name)


class RecordingObject:
    """A live reference object whose attribute reads, attribute writes and method calls are recorded by state."""

    def __init__(self, recorder: Recorder, target: str, instance: Any, state: str) -> None:
        for name, value in (("_recorder", recorder), ("_target", target), ("_live", instance), (STATE, state)):
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._live, name)
        if inspect.ismethod(value):
            return lambda *args, **kwargs: self._call(name, value, args, kwargs)
        self._recorder.record(digest("get", self.__dict__[STATE], name), value, f"{self._target}.{name}")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        key = self._recorder.digest("set", self.__dict__[STATE], name, value)
        setattr(self._live, name, value)
        self._recorder.record(key, None, f"{self._target}.{name} = ...")
        object.__setattr__(self, STATE, key)

    def _call(self, name: str, method: Any, args: tuple, kwargs: dict) -> Any:
        key = self._recorder.digest("call", self.__dict__[STATE], name, args, kwargs)
        value = method(*live(args), **{k: live((v,))[0] for k, v in kwargs.items()})
        self._recorder.record(key, value, f"{self._target}.{name}")
        advance_arguments(args, kwargs, key)
        object.__setattr__(self, STATE, key)
        return value


def live(args: tuple) -> tuple:
    """The arguments with recording objects replaced by the live objects they stand for."""
    return tuple(a._live if isinstance(a, RecordingObject) else a for a in args)


def current_check() -> tuple[str, str] | None:
    """(part, check function) of the check pytest is running in this process, or None outside any check.

    pytest publishes the running test's node id in ``PYTEST_CURRENT_TEST``: ``check_losses.py::test_x[param] (call)``.
    A test of some other file (the build run from a test session, which the variable is inherited from) is none.
    """
    running = os.environ.get("PYTEST_CURRENT_TEST", "")
    path, _, rest = running.partition("::")
    module = os.path.basename(path).removesuffix(".py")
    if not module.startswith(SUITE_PREFIX):
        return None
    return module.removeprefix(SUITE_PREFIX), rest.split(" ")[0].split("[")[0]


def describe_check() -> str:
    check = current_check()
    return f"the check {check[0]}::{check[1]}" if check else "the suites, while they load,"

