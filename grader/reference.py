"""The reference implementations the checks compare against, run in the grader's own (trusted) process.

They live in the ``solutions`` package, the single source from which the student stubs are generated.
"""

from __future__ import annotations

import importlib
from typing import Any

REFERENCE_PACKAGE = "solutions"


def resolve(target: str) -> Any:
    """``"activations.sigmoid"`` -> the reference ``solutions.activations.sigmoid``."""
    module_name, _, name = target.rpartition(".")
    module = importlib.import_module(f"{REFERENCE_PACKAGE}.{module_name}")
    try:
        return getattr(module, name)
    except AttributeError:
        raise LookupError(f"the reference has no {target}") from None


def call(target: str, *args: Any, **kwargs: Any) -> Any:
    """Run the reference on copies of the arguments, so a check can reuse its inputs afterwards."""
    return resolve(target)(*copy_args(args), **{k: copy_args((v,))[0] for k, v in kwargs.items()})


def copy_args(args: tuple) -> tuple:
    return tuple(a.copy() if hasattr(a, "copy") and not isinstance(a, str) else a for a in args)
