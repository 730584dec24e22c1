"""Comparisons that turn a wrong answer into a finding a student can act on.

Every comparison is strict where ``np.allclose`` is lenient: the type must be exactly ``numpy.ndarray`` (or a plain
number where a scalar is expected), the shape must be equal (no broadcasting: (1, M) is not (M,)), the dtype must be
the reference's (float32 in gives float32 out), and NaN or Inf fails even where the reference has a number. A failure
names the call, the worst element (index, input, expected, got) and, when the student's output matches a catalogued
mistake, names that mistake.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader import mistakes, reference
from grader.i18n import tr
from grader.sandbox.protocol import Handle, Unsupported, Watch

LARGEST_WHOLE_NUMBER = 2 ** 63  # beyond int64, numpy cannot hold an integer: no exercise answers with one
DESCRIBED_CHARACTERS = 200  # a described value is cut here: a message names a value, it does not print it

TOLERANCES = {  # (rtol, atol) by the dtype of the expected value
    np.dtype(np.float64): (1e-6, 1e-9),
    np.dtype(np.float32): (2e-4, 1e-6),
}


class CheckFailure(AssertionError):
    """A check's verdict that the student's answer is wrong; the message is written for the student."""

    def __init__(self, message: str, hint: str = "", mistake: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.mistake = message, hint, mistake


def signature_of(function: Callable) -> inspect.Signature:
    """The signature of a function of the reference, a plain function's worked out once (a grade describes some 150
    calls). A student's copy replays the reference through a new wrapper at every lookup, and a release records
    through one: each carries its signature, and keeping them would keep them all."""
    return _function_signature(function) if inspect.isfunction(function) else inspect.signature(function)


@functools.lru_cache(maxsize=512)
def _function_signature(function: Callable) -> inspect.Signature:
    return inspect.signature(function)


@dataclass(frozen=True)
class Call:
    """A call of an exercise function, kept to describe it and to replay it against catalogued mistakes."""

    target: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.target.rpartition(".")[2]

    def named_args(self) -> dict[str, Any]:
        """Arguments by parameter name, as the reference function names them."""
        try:
            bound = signature_of(reference.resolve(self.target)).bind(*self.args, **self.kwargs)
            return dict(bound.arguments)
        except (TypeError, ValueError, LookupError, ImportError):
            return {**{f"arg{i}": a for i, a in enumerate(self.args)}, **self.kwargs}

    def describe(self) -> str:
        """``sigmoid(x=float32[4, 3])``: compact enough for one line."""
        shown = ", ".join(f"{k}={describe_value(v)}" for k, v in self.named_args().items())
        return f"{self.name}({shown})"

    def input_at(self, index: tuple, shape: tuple) -> str:
        """For an elementwise function: the input value at the element that went wrong."""
        for key, value in self.named_args().items():
            if isinstance(value, np.ndarray) and value.shape == shape and value.size > 1:
                return tr("compare.input", name=key, value=format_number(value[index]))
        return ""


@dataclass(frozen=True)
class MethodCall(Call):
    """A call of a method of an exercise class: ``target`` is ``"network.MLP.forward"``.

    As catalogued mistakes of methods expect, ``args`` start with the grader-side reference instance in the state the
    student's object was in. The description leaves that instance out and shows ``model``, how the student's object
    was built, and ``after``, the call that put it in its state, if any:
    ``MLP([4, 6, 5, 3], hidden_activation='tanh', output_activation='sigmoid').forward(x=float64[7, 4])``.
    """

    model: str = ""
    after: str = ""

    def named_args(self) -> dict[str, Any]:
        owner, _, method = self.target.rpartition(".")
        try:
            bound = signature_of(getattr(reference.resolve(owner), method)).bind(*self.args, **self.kwargs)
        except (TypeError, ValueError, LookupError, ImportError, AttributeError):
            return {**{f"arg{i}": a for i, a in enumerate(self.args[1:], 1)}, **self.kwargs}
        return {key: value for key, value in bound.arguments.items() if key != "self"}

    def describe(self) -> str:
        owner = self.target.rpartition(".")[0].rpartition(".")[2]
        shown = f"{self.model or owner}.{super().describe()}"
        return tr("compare.after", call=shown, after=self.after) if self.after else shown


def expect_value(got: Any, expected: Any, *, call: Call, what: str = "", rtol: float | None = None,
                 atol: float | None = None) -> None:
    """Compare any result: an array, a number, a tuple of arrays or a dict of arrays."""
    what = what or tr("compare.result")
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            fail(tr("compare.not_tuple", call=call.describe(), n=len(expected), got=describe_value(got)))
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            expect_value(g, e, call=call, what=f"{what}[{i}]", rtol=rtol, atol=atol)
    elif isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            fail(tr("compare.not_dict", call=call.describe(), keys=sorted(expected), got=describe_keys(got)))
        for key in expected:
            expect_value(got[key], expected[key], call=call, what=f"{what}[{key!r}]", rtol=rtol, atol=atol)
    elif isinstance(expected, np.ndarray) and expected.ndim > 0:
        expect_array(got, expected, call=call, what=what, rtol=rtol, atol=atol)
    else:
        expect_scalar(got, expected, call=call, what=what, rtol=rtol, atol=atol)


def expect_array(got: Any, expected: np.ndarray, *, call: Call, what: str = "", rtol: float | None = None,
                 atol: float | None = None, check_dtype: bool = True) -> None:
    """``got`` must be an ndarray of ``expected``'s exact shape and dtype, finite, and close elementwise."""
    what = what or tr("compare.result")
    context = lambda: dict(call=call.describe(), what=what)  # noqa: E731 -- described only on failure
    if type(got) is not np.ndarray:
        fail(tr("compare.not_array", got=describe_value(got), shape=tuple(expected.shape), **context()))
    if got.shape != expected.shape:
        fail(tr("compare.shape", got=got.shape, expected=expected.shape, **context()),
             **shape_finding(call, got, expected))
    if check_dtype and got.dtype != expected.dtype:
        fail(tr("compare.dtype", got=got.dtype, expected=expected.dtype, **context()), hint=tr("hint.dtype"))
    rtol_default, atol_default = tolerances_for(expected)
    rtol = rtol_default if rtol is None else rtol
    atol = atol_default if atol is None else atol
    got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
    bad_finite = ~np.isfinite(got64) & np.isfinite(expected64)
    if bad_finite.any():
        index = _first(bad_finite)
        fail(tr("compare.not_finite", got=format_number(got64[index]), index=format_index(index),
                input=call.input_at(index, got.shape), **context()),
             **{"hint": tr("hint.not_finite"), **mistake_hint(call, got)})
    excess = np.abs(got64 - expected64) / (atol + rtol * np.abs(expected64))
    excess[np.isnan(excess)] = 0.0  # both NaN or both the same infinity
    if excess.size and excess.max() > 1.0:
        index = np.unravel_index(np.argmax(excess), excess.shape)
        message = tr("compare.wrong_value", index=format_index(index), input=call.input_at(index, got.shape),
                     expected=format_number(expected64[index]), got=format_number(got64[index]),
                     count=int((excess > 1.0).sum()), size=excess.size, **context())
        fail(message, **mistake_hint(call, got))


def expect_scalar(got: Any, expected: Any, *, call: Call, what: str = "", rtol: float | None = None,
                  atol: float | None = None) -> None:
    """``got`` must be a single number (Python or numpy scalar, or a 0-d array) close to ``expected``."""
    what = what or tr("compare.result")
    context = lambda: dict(call=call.describe(), what=what)  # noqa: E731 -- described only on failure
    got = expect_number(got, call=call, what=what)
    rtol_default, atol_default = tolerances_for(expected)
    rtol = rtol_default if rtol is None else rtol
    atol = atol_default if atol is None else atol
    expected = float(expected)
    try:
        got = float(got)
    except OverflowError:  # a Python int beyond float64's range (10**4000): wrong, not a fault of the check
        fail(tr("compare.wrong_scalar", expected=format_number(expected), got=format_number(got), **context()))
    if not np.isfinite(got) and np.isfinite(expected):
        fail(tr("compare.scalar_not_finite", got=format_number(got), **context()),
             **{"hint": tr("hint.not_finite"), **mistake_hint(call, got)})
    if abs(got - expected) > atol + rtol * abs(expected):
        fail(tr("compare.wrong_scalar", expected=format_number(expected), got=format_number(got), **context()),
             **mistake_hint(call, got))


def expect_number(got: Any, *, call: Call, what: str = "") -> Any:
    """``got`` must be a single number (Python or numpy scalar, or a 0-d array); returns it as that number."""
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        fail(tr("compare.not_scalar", got=describe_value(got), call=call.describe(), what=what or tr("compare.result")),
             **mistake_hint(call, got))
    return got


def tolerances_for(expected: Any) -> tuple[float, float]:
    """(rtol, atol) for comparing with ``expected``, by its dtype (``TOLERANCES``): a float32 array or numpy scalar
    gets float32's, anything else float64's."""
    dtype = getattr(expected, "dtype", None)
    return TOLERANCES.get(dtype, TOLERANCES[np.dtype(np.float64)])


def shape_hint(got: tuple, expected: tuple) -> str:
    """The hint for a wrong shape: "transposed" when ``got`` is ``expected`` the other way round, else nothing."""
    return tr("hint.transposed") if len(got) == 2 and got != expected and got == expected[::-1] else ""


def shape_finding(call: Call, got: np.ndarray, expected: np.ndarray) -> dict[str, str]:
    """The hint (and mistake) for an array of the wrong shape. When ``got`` holds ``expected``'s values with an axis
    of length 1 added or dropped, the values rule out any cause but that axis (keepdims=True, a reshape): no
    catalogued mistake is named, since with a batch of one sample a wrong computation can give the same numbers
    (the bias gradient not summed over a batch of 1 is keepdims' answer)."""
    if same_values_but_an_axis_of_one(got, expected):
        return {"hint": tr("hint.axis_of_one")}
    return {"hint": shape_hint(got.shape, expected.shape), **mistake_hint(call, got)}


def same_values_but_an_axis_of_one(got: np.ndarray, expected: np.ndarray) -> bool:
    """Whether ``got`` is ``expected`` with axes of length 1 added or dropped, values close."""
    if got.size != expected.size or np.squeeze(got).shape != np.squeeze(expected).shape:
        return False
    rtol, atol = tolerances_for(expected)
    try:
        return bool(np.allclose(got.reshape(expected.shape).astype(np.float64), expected.astype(np.float64),
                                rtol=rtol, atol=atol, equal_nan=True))
    except (TypeError, ValueError):  # an object or string array: not the same numbers
        return False


def expect_arrays(got: Any, shapes: Mapping[Any, tuple | None], *, call: Call, keyed: bool = False,
                  name: Callable[[Any], str] = str, finite: bool = False) -> Any:
    """A reply made of arrays: a tuple of ``len(shapes)`` arrays in the order of ``shapes``, or with ``keyed`` a dict
    with exactly ``shapes``' keys. Each array must have its shape (``None``: any shape, for an array another check
    grades) and, with ``finite``, no NaN or Inf. ``name(key)`` is how a failure names the array (``grad_W``,
    ``grads['W1']``). Returns ``got``; its values are left to the value checks.

        grad_x, grad_W, grad_b = expect_arrays(reply, {"grad_x": x.shape, "grad_W": W.shape, "grad_b": None},
                                               call=call)
    """
    if keyed and (not isinstance(got, dict) or set(got) != set(shapes)):
        fail(tr("compare.not_dict", call=call.describe(), keys=sorted(shapes), got=describe_keys(got)))
    if not keyed and (not isinstance(got, tuple) or len(got) != len(shapes)):
        fail(tr("compare.not_tuple", call=call.describe(), n=len(shapes), got=describe_value(got)))
    values = [got[key] for key in shapes] if keyed else list(got)
    for (key, shape), value in zip(shapes.items(), values, strict=True):
        context = dict(call=call.describe(), what=name(key))
        if type(value) is not np.ndarray:
            fail(tr("compare.not_array", got=describe_value(value), shape=shape, **context) if shape is not None
                 else tr("compare.not_array_any", got=describe_value(value), **context))
        if shape is not None and value.shape != tuple(shape):
            fail(tr("compare.shape", got=value.shape, expected=tuple(shape), **context),
                 **{"hint": shape_hint(value.shape, tuple(shape)), **mistake_hint(call, got)})
        if finite and value.dtype.kind in "fc" and not np.isfinite(value).all():
            index = _first(~np.isfinite(value))
            fail(tr("compare.not_finite", got=format_number(value[index]), index=format_index(index), input="",
                    **context), hint=tr("hint.not_finite"))
    return got


@contextmanager
def hint(text: str, *, message: Callable[[str], str] | None = None) -> Iterator[None]:
    """Give every failure inside the block the hint ``text`` (and, with ``message``, a message rewritten from the
    failure's own): the block's checks say what they test; the hint says what it means here.

        with hint(tr("suite.training.fixed_order")):
            expect_value(params, ref_params, call=call)

    A failure that named a catalogued mistake keeps that mistake's own hint: it explains the failure best. An empty
    ``text`` keeps every failure's own hint.
    """
    try:
        yield
    except CheckFailure as failure:
        rewritten = message(failure.message) if message else failure.message
        kept = failure.mistake or not text
        raise CheckFailure(rewritten, failure.hint if kept else text, failure.mistake) from None


def expect_unchanged(before: list, after: list, *, call: Call) -> None:
    """The call must not have modified its array arguments in place."""
    names = list(call.named_args())
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        if isinstance(b, np.ndarray) and (not isinstance(a, np.ndarray) or a.shape != b.shape
                                          or not np.array_equal(a, b, equal_nan=True)):
            name = names[i] if i < len(names) else tr("compare.argument", n=i + 1)
            fail(tr("compare.mutated", call=call.describe(), name=name), hint=tr("hint.mutated"))


def expect_old_arrays_kept(watch: Watch, *, call: Call, argument: int | None = None) -> None:
    """The call must not have modified, in place, any array it was given, even one inside a dict or a list: a call
    that rebinds ``params[key]`` to a new array keeps the old one, which the caller may still hold. With
    ``argument``, only the arrays of that positional argument count (the others are another check's)."""
    prefix = f"args[{argument}]"
    modified = [path for path in watch.modified
                if argument is None or path == prefix or path.startswith(prefix + "[")]
    if modified:
        fail(tr("compare.modified_in_place", call=call.describe(), name=argument_name(modified[0], call)),
             hint=tr("hint.modified_in_place"))


def expect_new_arrays(watch: Watch, got: Any, *, call: Call) -> None:
    """No array of the call's answer may share memory with an array it was given: a new array, not the input or a
    view of it, so that changing the answer later cannot change the caller's input. ``got``, the answer, lets the
    finding name a catalogued mistake with the same values."""
    if watch.shared:
        result, argument = watch.shared[0]
        fail(tr("compare.not_new", call=call.describe(), what=tr("compare.result") + result.removeprefix("value"),
                name=argument_name(argument, call)),
             **{"hint": tr("hint.not_new"), **mistake_hint(call, got)})


def argument_name(path: str, call: Call) -> str:
    """A watched path (``args[0]['W']``, ``kwargs['velocity']``) with the parameter's name: ``params['W']``."""
    positional = re.match(r"args\[([0-9]+)\]", path)
    if positional:
        names, index = list(call.named_args()), int(positional[1])
        name = names[index] if index < len(names) else tr("compare.argument", n=index + 1)
        return name + path[positional.end():]
    keyword = re.match(r"kwargs\['([^']*)'\]", path)
    return keyword[1] + path[keyword.end():] if keyword else path


def expect_no_warnings(warnings: list[str], *, call: Call, got: Any = None) -> None:
    """numpy must not have warned (overflow, invalid value, division by zero) during the call. ``got``, the call's
    result where the caller has it, lets the finding name a catalogued mistake that warns the same way."""
    if warnings:
        named = mistake_hint(call, got, warned=True) if got is not None else {}
        fail(tr("compare.warned", call=call.describe(), warning=warnings[0]), **{"hint": tr("hint.warned"), **named})


def fail(message: str, hint: str = "", mistake: str = "") -> None:
    raise CheckFailure(message, hint, mistake)


def mistake_hint(call: Call, got: Any, *, warned: bool = False) -> dict[str, str]:
    """Name the catalogued mistake the student's output matches, if any: ``hint`` and ``mistake`` for ``fail``.
    ``warned``: the call made numpy warn, and only a mistake that warns on the same inputs may be named."""
    try:
        found = mistakes.identify(call, got, warned=warned)
    except (ArithmeticError, ValueError, TypeError, MemoryError, RecursionError):
        found = None  # a value no catalogued mistake can produce (10**4000, say) matches none of them
    if found is None:
        return {}
    return {"hint": found.describe(), "mistake": found.id}


def describe_value(value: Any) -> str:
    """A short description, in the student's language: ``float32[4, 3]``, ``0.25``, ``(0.5, float64[3, 2])``,
    ``a list of 3``, ``an object of type Foo``; never longer than about ``DESCRIBED_CHARACTERS``."""
    text = _describe(value)
    return text if len(text) <= DESCRIBED_CHARACTERS else text[:DESCRIBED_CHARACTERS - 3] + "..."


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 4:
            return np.array2string(value, precision=4, separator=", ")
        return f"{value.dtype}[{', '.join(map(str, value.shape))}]"
    if isinstance(value, (bool, int, float, np.generic)) or value is None:
        plain = isinstance(value, (float, np.floating)) or type(value) is int
        return format_number(value) if plain else repr(value)
    if isinstance(value, str):
        return repr(value[:DESCRIBED_CHARACTERS])
    if isinstance(value, tuple):
        return f"({', '.join(describe_value(v) for v in value[:10])}{', ...' if len(value) > 10 else ''})"
    if isinstance(value, list):
        return tr("compare.list", n=len(value))
    if isinstance(value, dict):
        shown = ", ".join(f"{describe_value(k)}: {describe_value(v)}" for k, v in list(value.items())[:10])
        return "{" + shown + (", ..." if len(value) > 10 else "") + "}"
    if isinstance(value, Unsupported):
        return tr("compare.object", type=value.type_name)
    if isinstance(value, Handle):
        return tr("compare.object", type=value.type_name)
    return type(value).__name__


def describe_keys(value: Any) -> str:
    return repr(sorted(value)) if isinstance(value, dict) else describe_value(value)


def format_number(x: Any) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    x = x.item() if isinstance(x, np.generic) else x
    if type(x) is int and abs(x) >= LARGEST_WHOLE_NUMBER:
        return tr("compare.huge_number", digits=count_digits(x))
    return repr(x)


def count_digits(n: int) -> int:
    """How many decimal digits ``n`` has, without printing it (Python refuses to print one of 4,300 or more)."""
    estimate = max(1, int((abs(n).bit_length() - 1) * 0.30102999566398120) + 1)  # log10(2)
    return estimate + (abs(n) >= 10 ** estimate)


def unusable_part(value: Any, depth: int = 0) -> str | None:
    """A description of the first part of ``value`` that no exercise answers with and that ordinary numeric code
    cannot take (an integer beyond int64, an object that stayed in the worker), or None.

    A check that fails unexpectedly on a value holding one failed because of the student's answer, not its own.
    """
    if type(value) is int and abs(value) >= LARGEST_WHOLE_NUMBER:
        return format_number(value)
    if isinstance(value, Unsupported):
        return tr("compare.object", type=value.type_name)
    if depth < 20 and isinstance(value, (list, tuple, dict)):
        for item in (value.values() if isinstance(value, dict) else value):
            found = unusable_part(item, depth + 1)
            if found:
                return found
    return None


def _first(mask: np.ndarray) -> tuple:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def format_index(index: tuple) -> str:
    index = tuple(int(i) for i in index)
    return str(index[0]) if len(index) == 1 else str(index)


def expect_same_as_reference(student: Any, target: str, *args: Any, rtol: float | None = None,
                             atol: float | None = None, **kwargs: Any) -> Any:
    """Call ``target`` in the student's code and in the reference on the same inputs; expect the same answer."""
    got, expected = student.start(target, *args, **kwargs).meanwhile(lambda: reference.call(target, *args, **kwargs))
    expect_value(got, expected, call=Call(target, args, kwargs), rtol=rtol, atol=atol)
    return got


def expect_each_same_as_reference(student: Any, calls: Sequence[Call]) -> None:
    """:func:`expect_same_as_reference` of each of ``calls`` in turn, the student's calls sent together: the check stops
    at the first answer that differs, as it would one call at a time."""
    expect_properties_of_each(student, calls, properties={SAME_VALUE})


def expect_each_same_as_own(student: Any, pairs: Sequence[tuple[Call, Call]], *, what: str,
                            expected_of: Callable[[Any, Call], Any] = lambda own, call: own) -> None:
    """For a check that grades only the form of an input, for each pair ``(usual, call)``: the student's answer to
    ``call`` equals ``expected_of(own, call)``, ``own`` being :func:`own_answer_to` the same numbers in the ``usual``
    form (reshaped by ``expected_of`` as the form asks); ``what`` says so in a failure when that answer is the
    student's. Every call travels to the worker together."""
    answers = iter(answers_to(student, [c for pair in pairs for c in pair]))
    for _, call in pairs:
        expected, own = own_answer_to(next(answers))
        expect_value(next(answers).value(), expected_of(expected, call), call=call, what=what if own else "")


def own_answer_to(answer: Any) -> tuple[Any, bool]:
    """``(expected, own)`` for a check that grades only the form of an input (one sample, a 3-d batch, bool labels,
    soft targets), given the student's ``answer`` (of :func:`answers_to`) on the usual form: the student's own answer
    (``own`` True), whose value the value checks grade, so that one wrong value is not charged again; the reference's
    answer to the same call (``own`` False) when the student's is not a finite answer of the reference's kind and
    shape. The call's fault if the student's code failed it."""
    got, expected = answer.value(), reference.call(answer.target, *answer.args, **answer.kwargs)
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        usable = (type(got) is np.ndarray and got.shape == expected.shape and got.dtype.kind == "f"
                  and bool(np.isfinite(got).all()))
    else:
        usable = ((isinstance(got, (float, np.floating)) and bool(np.isfinite(got)))
                  or (type(got) is int and abs(got) < LARGEST_WHOLE_NUMBER))
    return (got, True) if usable else (expected, False)


def answers_to(student: Any, calls: Sequence[Call], **asked: bool) -> list[Any]:
    """The student's answers to ``calls`` (``Answer``: its ``value()`` raises the call's fault), the calls made in
    turn and sent to the worker together (``Submission.call_each``): one message costs about what one call does, so
    a check that asks many functions, or one function many things, sends them so. ``asked``: ``echo_args`` or
    ``watch``, as for one call."""
    return student.call_each([(c.target, c.args, c.kwargs) for c in calls], **asked)


# The properties a check over many functions may test (``expect_properties``). Such a check blames only the property
# it names: a wrong value is the value checks' to find, so one bug costs the checks of the property it breaks, not
# points under three unrelated titles.
INPUTS_UNCHANGED = "inputs unchanged"  # no array argument is modified in place
NO_WARNINGS = "no warnings"  # numpy issues no overflow, invalid-value or division warning
DTYPE_KEPT = "dtype kept"  # every array in the answer has the reference's dtype (float32 in, float32 out)
FINITE = "finite"  # no NaN or Inf where the reference's answer is finite
SAME_VALUE = "same value"  # the reference's answer: for a check whose title promises the values
# Seen by the worker, where the arrays live (the grader only ever gets copies): ``watch`` calls.
OLD_ARRAYS_KEPT = "old arrays kept"  # no array the call was given, even in a dict or list, is modified in place
NEW_ARRAY = "new array"  # no array of the answer shares memory with an array the call was given
WATCHED = frozenset({OLD_ARRAYS_KEPT, NEW_ARRAY})
CONTRACT = frozenset({INPUTS_UNCHANGED, NO_WARNINGS})  # what every exercise function promises of a call


def expect_properties(student: Any, target: str, *args: Any, properties: Collection[str], **kwargs: Any) -> Any:
    """Call ``target`` in the student's code once and check ``properties`` of that call, in the order above; returns
    the answer. Only ``SAME_VALUE`` compares values.

        expect_properties(student, "activations.relu", x, properties={INPUTS_UNCHANGED, NO_WARNINGS})
    """
    _refuse_unknown(properties)
    reply = student.call(target, *args, full_reply=True, **_asked_back(properties), **kwargs)
    return judge_properties(Call(target, args, kwargs), reply, properties)


def expect_properties_of_each(student: Any, calls: Sequence[Call], *, properties: Collection[str]) -> None:
    """:func:`expect_properties` of each of ``calls`` in turn, the calls sent to the worker together
    (:func:`answers_to`). The check stops at the first property a call misses, with the message it would give one
    call at a time.

        expect_properties_of_each(student, [Call(f"activations.{n}", (x,)) for n in NAMES], properties={DTYPE_KEPT})
    """
    _refuse_unknown(properties)
    for call, answer in zip(calls, answers_to(student, calls, **_asked_back(properties)), strict=True):
        judge_properties(call, answer.reply(), properties)


def _refuse_unknown(properties: Collection[str]) -> None:
    unknown = set(properties) - {INPUTS_UNCHANGED, NO_WARNINGS, DTYPE_KEPT, FINITE, SAME_VALUE, *WATCHED}
    if unknown:
        raise ValueError(f"unknown properties {sorted(unknown)}")  # the suite's mistake: the check errors


def _asked_back(properties: Collection[str]) -> dict[str, bool]:
    """What a call must send back for ``properties`` to be checked: the arguments as the call left them, and the
    worker's report of what it did to them. Only when a property looks at them: sending them costs the call as much
    again."""
    return {"echo_args": INPUTS_UNCHANGED in properties, "watch": bool(WATCHED & set(properties))}


def judge_properties(call: Call, reply: Any, properties: Collection[str]) -> Any:
    """Check ``properties`` of ``call``, given its ``reply`` (``grader.sandbox.client.Reply``); returns its answer."""
    if INPUTS_UNCHANGED in properties:
        expect_unchanged(list(call.args), reply.args_after, call=call)
    if OLD_ARRAYS_KEPT in properties:
        expect_old_arrays_kept(reply.watch, call=call)
    if NEW_ARRAY in properties:
        expect_new_arrays(reply.watch, reply.value, call=call)
    if NO_WARNINGS in properties:
        expect_no_warnings(reply.warnings, call=call, got=reply.value)
    if {DTYPE_KEPT, FINITE, SAME_VALUE} & set(properties):
        expected = reference.call(call.target, *call.args, **call.kwargs)
        if DTYPE_KEPT in properties:
            expect_same_dtypes(reply.value, expected, call=call)
        if FINITE in properties:
            expect_finite(reply.value, expected, call=call)
        if SAME_VALUE in properties:
            expect_value(reply.value, expected, call=call)
    return reply.value


def expect_contract(student: Any, target: str, *args: Any, **kwargs: Any) -> Any:
    """The call leaves its inputs unchanged and makes numpy issue no warning; its values are the value checks'."""
    return expect_properties(student, target, *args, properties=CONTRACT, **kwargs)


def expect_contract_of_each(student: Any, calls: Sequence[Call]) -> None:
    """:func:`expect_contract` of each of ``calls`` in turn, the calls sent to the worker together."""
    expect_properties_of_each(student, calls, properties=CONTRACT)


def expect_same_dtypes(got: Any, expected: Any, *, call: Call, what: str = "") -> None:
    """Every array of ``expected`` (alone, in a tuple or in a dict) has its dtype in ``got``. A part of ``got`` that is
    missing or of another shape is left to the value checks; one that is not an array where an array is expected
    has no dtype to keep, and fails."""
    what = what or tr("compare.result")
    for label, g, e in _paired(got, expected, what):
        if not isinstance(e, np.ndarray):
            continue
        if type(g) is not np.ndarray:
            fail(tr("compare.not_array", call=call.describe(), what=label, got=describe_value(g), shape=e.shape))
        if g.dtype != e.dtype:
            fail(tr("compare.dtype", call=call.describe(), what=label, got=g.dtype, expected=e.dtype),
                 hint=tr("hint.dtype"))


def expect_finite(got: Any, expected: Any, *, call: Call, what: str = "") -> None:
    """No NaN or Inf in ``got`` where ``expected`` is finite (for arrays, numbers, tuples and dicts of them)."""
    what = what or tr("compare.result")
    for label, g, e in _paired(got, expected, what):
        g_array, e_array = _as_float_array(g), _as_float_array(e)
        if g_array is None or e_array is None or g_array.shape != e_array.shape:
            continue  # not numbers of the same shape: the value checks say so
        bad = ~np.isfinite(g_array) & np.isfinite(e_array)
        if bad.any() and g_array.ndim == 0:
            fail(tr("compare.scalar_not_finite", call=call.describe(), what=label, got=format_number(g_array[()])),
                 **{"hint": tr("hint.not_finite"), **mistake_hint(call, got)})
        if bad.any():
            index = _first(bad)
            fail(tr("compare.not_finite", call=call.describe(), what=label, got=format_number(g_array[index]),
                    index=format_index(index), input=call.input_at(index, g_array.shape)),
                 **{"hint": tr("hint.not_finite"), **mistake_hint(call, got)})


def _paired(got: Any, expected: Any, what: str) -> Iterator[tuple[str, Any, Any]]:
    """(name, got part, expected part) for the parts of a tuple or dict answer that ``got`` has, else the whole."""
    if isinstance(expected, tuple):
        if isinstance(got, tuple) and len(got) == len(expected):
            for i, (g, e) in enumerate(zip(got, expected, strict=True)):
                yield from _paired(g, e, f"{what}[{i}]")
    elif isinstance(expected, dict):
        if isinstance(got, dict):
            for key in expected.keys() & got.keys():
                yield from _paired(got[key], expected[key], f"{what}[{key!r}]")
    else:
        yield what, got, expected


def _as_float_array(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array when it is a float array or a number, else None."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return value.astype(np.float64)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        try:
            return np.asarray(float(value))
        except OverflowError:  # an integer beyond float64: no NaN or Inf, and wrong, which the value checks say
            return None
    return None
