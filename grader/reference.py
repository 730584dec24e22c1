"""The reference answers the checks compare against, computed in the grader's own (trusted) process.

One interface, :func:`resolve` and :func:`call`, over two sources:

- **live**: the ``solutions`` package, the single source from which the student stubs are generated. Every grade
  that counts is decided against it.
- **replayed**: a student's copy (``nn-grader release``) has no reference code. Its public checks get the answers
  the reference gave when the copy was built, stored beside this module in ``reference_values.json`` (with the
  arrays in ``reference_values.npz``, read with ``allow_pickle=False``). An answer is found by what was asked: the
  target and a digest of the arguments (their types, shapes, dtypes and exact bytes). A check that asks something
  else finds nothing and says so (:class:`MissingReferenceValue`) rather than compare with a wrong value.

An object of the reference (``network.MLP``, ``optimizers.SGD``) is replayed as a chain of states. Constructing it
is a state, the digest of the class and its arguments; setting an attribute or calling a method moves it to the
next state, the digest of the previous one and of what was done; reading an attribute or calling a method answers
what the live object answered in that state. An object passed as an argument moves on too, since the call may have
changed it. So the same sequence of requests gets the same answers, and any other sequence gets none.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REFERENCE_PACKAGE = "solutions"
VALUES_FILE = Path(__file__).with_name("reference_values.json")  # present in a student's copy only
ARRAYS_FILE = VALUES_FILE.with_suffix(".npz")
VALUES_FORMAT = 1
DIGEST_MANTISSA_BITS = 33  # how much of a float input the digest tells apart: see _rounded
STATE = "_reference_state"  # the attribute that carries a replayed (or recorded) object's state


class MissingReferenceValue(LookupError):
    """A check asked the replayed reference something that was not recorded when this copy was built."""


class UnrecordableValue(TypeError):
    """A value that cannot be digested or stored without pickling (an arbitrary object)."""


# -- the interface the checks use ------------------------------------------------------------------------------


def resolve(target: str) -> Any:
    """``"activations.sigmoid"`` -> the reference's ``sigmoid`` (live, or its replay in a student's copy)."""
    return active_source().resolve(target)


def call(target: str, *args: Any, **kwargs: Any) -> Any:
    """Run the reference on copies of the arguments, so a check can reuse its inputs afterwards."""
    return resolve(target)(*copy_args(args), **{k: copy_args((v,))[0] for k, v in kwargs.items()})


REMEMBERED_KEPT = 256  # values kept by kept(); a class graded with one seed per student asks new ones
_remembered: dict[str, tuple[Any, list[np.ndarray]]] = {}


def remembered(target: str, *args: Any, **kwargs: Any) -> Any:
    """:func:`call`, with the answer kept by this process under the exact digest of the request (:func:`kept`).

    For the long reference runs (a whole training) that every student of a class asks for with the same arguments:
    the grading process computes each once.
    """
    return kept(("call", target, args, kwargs), lambda: call(target, *args, **kwargs))


def kept(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, a value the reference's code alone decides, kept by this process under the exact digest of
    ``key``, which must hold everything ``compute`` depends on; each caller gets fresh copies.

    Only with the live reference: a recording or a replay sees every request, as with :func:`call`.
    """
    if type(active_source()) is not LiveReference:  # not a recorder, a replay, or any source wrapping the live one
        return compute()
    digested = digest("kept", key, exact=True)
    if digested in _remembered:
        _remembered[digested] = _remembered.pop(digested)  # the newest again: what every report asks for stays
    else:
        arrays: list[np.ndarray] = []
        _remembered[digested] = (encode(compute(), arrays), arrays)
        if len(_remembered) > REMEMBERED_KEPT:
            del _remembered[next(iter(_remembered))]  # the one asked for longest ago
    node, arrays = _remembered[digested]
    return decode(node, arrays)


def copy_args(args: tuple) -> tuple:
    return tuple(a.copy() if hasattr(a, "copy") and not isinstance(a, str) else a for a in args)


def is_replayed() -> bool:
    """True in a student's copy: the reference answers come from recorded values, not from reference code."""
    return isinstance(active_source(), ReplayedReference)


# -- choosing the source ---------------------------------------------------------------------------------------


class LiveReference:
    """The ``solutions`` package itself."""

    def resolve(self, target: str) -> Any:
        module_name, _, name = target.rpartition(".")
        module = importlib.import_module(f"{REFERENCE_PACKAGE}.{module_name}")
        try:
            return getattr(module, name)
        except AttributeError:
            raise LookupError(f"the reference has no {target}") from None


_chosen: list[Any] = []  # sources installed with `using`, innermost last


@contextlib.contextmanager
def using(source: Any) -> Iterator[Any]:
    """Within the block, :func:`resolve` asks ``source`` (an object with a ``resolve(target)`` method)."""
    _chosen.append(source)
    try:
        yield source
    finally:
        _chosen.remove(source)


def active_source() -> Any:
    if _chosen:
        return _chosen[-1]
    return _default_source()


@functools.cache
def _default_source() -> Any:
    return ReplayedReference(RecordedValues.read(VALUES_FILE)) if VALUES_FILE.is_file() else LiveReference()


# -- digests: what was asked -----------------------------------------------------------------------------------


def digest(*parts: Any, exact: bool = False) -> str:
    """A digest of ``parts`` that two processes agree on exactly when the values are the same: arrays by dtype, shape
    and bytes, floats by their exact value, containers by their items in order, a reference object by its state.

    Float arrays are seen through :func:`_rounded`, so that a replay on another machine finds its answers, unless
    ``exact`` (one process remembering its own answers: every bit counts)."""
    hasher = hashlib.sha256()
    _feed(hasher, parts, exact)
    return hasher.hexdigest()[:32]


def _feed(hasher: Any, value: Any, exact: bool = False) -> None:
    def put(tag: str, data: bytes = b"") -> None:
        hasher.update(f"{tag}{len(data)}:".encode())
        hasher.update(data)

    state = value.__dict__.get(STATE) if hasattr(value, "__dict__") else None
    if state is not None:
        put("O", state.encode())
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise UnrecordableValue("an array of Python objects")
        put("A", f"{value.dtype.str}{value.shape}".encode())
        put("", (value if exact else _rounded(value)).tobytes())  # tobytes() is C order, whatever the strides
    elif isinstance(value, np.generic):
        put("G", value.dtype.str.encode())
        put("", (np.asarray(value) if exact else _rounded(np.asarray(value))).tobytes())
    elif value is None or isinstance(value, (bool, int, str)):
        put(type(value).__name__[0], repr(value).encode())
    elif isinstance(value, float):
        put("F", value.hex().encode())
    elif isinstance(value, (tuple, list)):
        put("(" if isinstance(value, tuple) else "[", str(len(value)).encode())
        for item in value:
            _feed(hasher, item, exact)
    elif isinstance(value, dict):
        put("{", str(len(value)).encode())
        for key, item in value.items():
            _feed(hasher, key, exact)
            _feed(hasher, item, exact)
    else:
        raise UnrecordableValue(f"a value of type {type(value).__name__}")


def _rounded(array: np.ndarray) -> np.ndarray:
    """A float array with each mantissa rounded to ``DIGEST_MANTISSA_BITS`` bits; any other array as it is.

    The checks' inputs are drawn from the seed, but a draw can pass through exp or log (numpy's normal sampler in its
    tails, a softmax of logits), whose last bit differs between math libraries and CPUs: a copy built on Linux would
    miss every such answer on a student's Mac. Rounding the digest's view to ~10 significant digits makes inputs an
    ulp apart the same request, while any two inputs a check means to tell apart stay far apart.
    """
    if array.dtype.kind != "f":
        return np.ascontiguousarray(array)
    mantissa, exponent = np.frexp(array.astype(np.float64))
    scale = 2.0 ** DIGEST_MANTISSA_BITS
    return np.ldexp(np.round(mantissa * scale) / scale, exponent)


def advance_arguments(args: tuple, kwargs: dict, after: str) -> None:
    """A reference object passed to a call may have been changed by it: it moves to a state of its own after it."""
    for value in (*args, *kwargs.values()):
        state = value.__dict__.get(STATE) if hasattr(value, "__dict__") else None
        if state is not None:
            object.__setattr__(value, STATE, digest("passed", state, after))


# -- storing values without pickling ---------------------------------------------------------------------------


def encode(value: Any, arrays: list[np.ndarray]) -> Any:
    """``value`` as JSON data, its arrays (copied) appended to ``arrays`` and referred to by position."""
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise UnrecordableValue("an array of Python objects")
        arrays.append(value.copy())
        return {"array": len(arrays) - 1}
    if isinstance(value, np.generic):
        arrays.append(np.asarray(value))
        return {"scalar": len(arrays) - 1}
    if isinstance(value, float):
        return {"float": value.hex()}
    if value is None or isinstance(value, (bool, int, str)):
        return {"value": value}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [encode(item, arrays) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
    raise UnrecordableValue(f"a value of type {type(value).__name__}")


def decode(node: Any, arrays: list[np.ndarray]) -> Any:
    """The value :func:`encode` stored, with fresh copies of its arrays (a check may change what it is given)."""
    (kind, data), = node.items()
    if kind == "array":
        return arrays[data].copy()
    if kind == "scalar":
        return arrays[data][()]
    if kind == "float":
        return float.fromhex(data)
    if kind == "value":
        return data
    if kind in ("tuple", "list"):
        items = [decode(item, arrays) for item in data]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {decode(k, arrays): decode(v, arrays) for k, v in data}
    raise ValueError(f"unknown kind of recorded value {kind!r}")


def encode_signature(signature: inspect.Signature, arrays: list[np.ndarray]) -> list:
    """A signature's parameters as [name, kind, default]: enough to bind arguments by name, as failure messages do."""
    out = []
    for p in signature.parameters.values():
        if p.default is inspect.Parameter.empty:
            default = None
        else:
            try:
                default = encode(p.default, arrays)
            except UnrecordableValue:
                default = {"value": repr(p.default)}
        out.append([p.name, p.kind.name, default])
    return out


def decode_signature(data: list, arrays: list[np.ndarray]) -> inspect.Signature:
    return inspect.Signature([
        inspect.Parameter(name, getattr(inspect.Parameter, kind),
                          default=inspect.Parameter.empty if default is None else decode(default, arrays))
        for name, kind, default in data])


@dataclass
class RecordedValues:
    """Everything a student's copy knows of the reference: what each target is, and every recorded answer.

    ``targets``: target -> {"kind": "function", "signature": ...}, {"kind": "class", "methods": {name: signature}}
    or {"kind": "value", "value": encoded}. ``answers``: digest of a request -> the encoded answer.
    """

    targets: dict[str, dict] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    arrays: list[np.ndarray] = field(default_factory=list)
    about: dict[str, Any] = field(default_factory=dict)  # seed, versions: what a miss may be explained by

    def write(self, path: Path) -> None:
        data = {"format": VALUES_FORMAT, "about": self.about, "targets": self.targets, "answers": self.answers}
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        # read() loads without pickles: an array that would need one fails here, not when the file is read
        np.savez_compressed(Path(path).with_suffix(".npz"), allow_pickle=False,
                            **{str(i): a for i, a in enumerate(self.arrays)})

    @classmethod
    def read(cls, path: Path) -> RecordedValues:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != VALUES_FORMAT:
            raise ValueError(f"{path}: recorded values of format {data.get('format')!r}; this nn-grader reads "
                             f"format {VALUES_FORMAT}")
        with np.load(Path(path).with_suffix(".npz"), allow_pickle=False) as stored:
            arrays = [stored[str(i)] for i in range(len(stored.files))]
        return cls(data["targets"], data["answers"], arrays, data.get("about", {}))


# -- replaying ---------------------------------------------------------------------------------------------------


class ReplayedReference:
    """Answers the checks' requests from :class:`RecordedValues`."""

    def __init__(self, values: RecordedValues) -> None:
        self.values = values
        self.classes: dict[str, type] = {}

    def resolve(self, target: str) -> Any:
        spec = self.values.targets.get(target)
        if spec is None:
            raise self.missing(f"the reference's {target}")
        if spec["kind"] == "function":
            return ReplayedFunction(self, target, decode_signature(spec["signature"], self.values.arrays))
        if spec["kind"] == "class":
            if target not in self.classes:
                self.classes[target] = self.replayed_class(target, spec)
            return self.classes[target]
        return decode(spec["value"], self.values.arrays)

    def answer(self, key: str, request: str) -> Any:
        if key not in self.values.answers:
            raise self.missing(request)
        return decode(self.values.answers[key], self.values.arrays)

    def missing(self, request: str) -> MissingReferenceValue:
        about = self.values.about
        return MissingReferenceValue(
            f"this check needs a reference value the release does not have: {request}. The copy holds the answers "
            f"its public checks asked for with seed {about.get('seed')} when it was built (numpy "
            f"{about.get('numpy')}); with numpy {np.__version__} here, a check that draws other inputs or asks "
            f"something else finds none. Tell your instructor.")

    def replayed_class(self, target: str, spec: dict) -> type:
        arrays = self.values.arrays
        namespace: dict[str, Any] = {"_target": target, "_source": self, "__module__": __name__}
        for name, signature in spec["methods"].items():
            namespace[name] = _replayed_method(name, decode_signature(signature, arrays))
        return type(target.rpartition(".")[2], (ReplayedObject,), namespace)


class ReplayedFunction:
    """A reference function of a student's copy: answers each call with the recorded answer to the same arguments."""

    def __init__(self, source: ReplayedReference, target: str, signature: inspect.Signature) -> None:
        self.source, self.target, self.__signature__ = source, target, signature
        self.__name__ = target.rpartition(".")[2]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = digest("call", self.target, args, kwargs)
        value = self.source.answer(key, f"{self.target} called with these arguments")
        advance_arguments(args, kwargs, key)
        return value


class ReplayedObject:
    """An instance of a replayed reference class; see the module docstring for its states."""

    _target: str
    _source: ReplayedReference

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        key = digest("new", self._target, args, kwargs)
        self._source.answer(key, f"{self._target} constructed with these arguments")
        object.__setattr__(self, STATE, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == STATE:
            raise AttributeError(name)
        return self._source.answer(digest("get", self.__dict__[STATE], name), f"{self._target}.{name} in this state")

    def __setattr__(self, name: str, value: Any) -> None:
        key = digest("set", self.__dict__[STATE], name, value)
        self._source.answer(key, f"{self._target}.{name} set to this value")
        object.__setattr__(self, STATE, key)

    def replay_call(self, name: str, args: tuple, kwargs: dict) -> Any:
        key = digest("call", self.__dict__[STATE], name, args, kwargs)
        value = self._source.answer(key, f"{self._target}.{name} called in this state with these arguments")
        advance_arguments(args, kwargs, key)
        object.__setattr__(self, STATE, key)
        return value


def _replayed_method(name: str, signature: inspect.Signature) -> Any:
    def method(self: ReplayedObject, *args: Any, **kwargs: Any) -> Any:
        if name == "__init__":
            ReplayedObject.__init__(self, *args, **kwargs)
            return None
        return self.replay_call(name, args, kwargs)
    method.__name__ = name
    method.__signature__ = signature  # type: ignore[attr-defined]  # what inspect.signature reports
    return method
