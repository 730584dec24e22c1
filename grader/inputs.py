"""Inputs for the hidden checks, built from a seeded generator so every run of a check sees the same numbers.

Shapes in the checks are chosen so that mistakes cannot hide: batch size, input width and units all differ (a
transposed weight gradient has the wrong shape), class count differs from batch size (integer labels of shape (N,)
are not one-hot rows), and magnitudes include 0, kinks and |x| = 1000.
"""

from __future__ import annotations

import hashlib

import numpy as np


def seeded_generator(seed: int, name: str) -> np.random.Generator:
    """A generator drawn from the run's ``seed`` and ``name`` (a check's node id, a shared run's name): the same
    numbers on every run with that seed, other numbers for another name."""
    digest = hashlib.sha256(name.encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:4], "big")])


OVERFITTING_RUN = "overfitting"  # the run both validation checks read, and the report's overfitting figure draws


def run_seed(seed: int, name: str) -> int:
    """The seed, in [0, 1000), of the training run ``name`` in a grade with ``seed``. The checks that share a run and
    the report's figure of it ask with the same name: the figure trains with the seed the checks' messages name."""
    return int(seeded_generator(seed, name).integers(1000))


class Inputs:
    """Seeded builders of test inputs; one instance per check (see the ``inputs`` fixture)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def normal(self, *shape: int, scale: float = 1.0, dtype: type = np.float64) -> np.ndarray:
        """Gaussian values with standard deviation ``scale``."""
        return (self.rng.standard_normal(shape) * scale).astype(dtype)

    def uniform(self, *shape: int, low: float = -1.0, high: float = 1.0, dtype: type = np.float64) -> np.ndarray:
        return self.rng.uniform(low, high, size=shape).astype(dtype)

    def away_from(self, *shape: int, kinks: tuple[float, ...] = (0.0,), margin: float = 1e-2,
                  scale: float = 2.0) -> np.ndarray:
        """Gaussian float64 values at least ``margin`` away from every kink, for central differences."""
        x = self.normal(*shape, scale=scale)
        for kink in kinks:
            near = np.abs(x - kink) < margin
            x[near] = kink + np.where(x[near] >= kink, margin, -margin) * 2
        return x

    def positive(self, *shape: int, low: float = 0.1, high: float = 3.0, dtype: type = np.float64) -> np.ndarray:
        return self.uniform(*shape, low=low, high=high, dtype=dtype)

    def probabilities(self, n: int, classes: int, dtype: type = np.float64) -> np.ndarray:
        """Rows of class probabilities (each row sums to 1), bounded away from 0 and 1."""
        logits = self.rng.standard_normal((n, classes))
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        return (p / p.sum(axis=1, keepdims=True)).astype(dtype)

    def probability(self, *shape: int, dtype: type = np.float64) -> np.ndarray:
        """Independent probabilities in (0.05, 0.95), e.g. sigmoid outputs."""
        return self.uniform(*shape, low=0.05, high=0.95, dtype=dtype)

    def labels(self, n: int, classes: int) -> np.ndarray:
        """Integer class labels of shape (n,), every class present when n >= classes."""
        labels = self.rng.integers(0, classes, size=n)
        labels[: min(n, classes)] = self.rng.permutation(classes)[: min(n, classes)]
        return labels

    def one_hot(self, n: int, classes: int, dtype: type = np.float64) -> np.ndarray:
        return one_hot(self.labels(n, classes), classes, dtype)

    def binary(self, *shape: int, dtype: type = np.float64) -> np.ndarray:
        """0/1 targets with both values present."""
        y = self.rng.integers(0, 2, size=shape)
        y.reshape(-1)[:2] = (0, 1)
        return y.astype(dtype)

    def upstream(self, *shape: int) -> np.ndarray:
        """A random upstream gradient dL/dy: never all ones, so a backward that ignores it is caught."""
        return self.rng.uniform(-1.5, 1.5, size=shape)


def one_hot(labels: np.ndarray, classes: int, dtype: type = np.float64) -> np.ndarray:
    """One-hot rows (N, classes) of integer labels (N,): the targets of categorical_crossentropy."""
    return np.eye(classes, dtype=dtype)[labels]
