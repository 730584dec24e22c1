"""The state an MLP keeps between calls, and its given constructor, are graded by the network part's own checks.

Each case copies the reference and makes one edit a student could make: a cache that grows instead of being
replaced, gradients that add up across backward calls, a constructor that ignores its seed. The network checks
that must fail are exact, and one of them must say what the values prove.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grader.grading import grade
from grader.i18n import tr

from submissions import make_submission

LAST_FORWARD = "test_backward_uses_the_last_forward"
OTHER_SIZE = "test_a_second_batch_of_another_size"
TWICE = "test_backward_twice_gives_the_same_gradients"
CONSTRUCTOR = "test_given_constructor_draws_the_reference_weights"


@dataclass(frozen=True)
class Bug:
    id: str
    old: str
    new: str
    failing: frozenset[str]  # the network checks that must fail; every other one must pass
    hint: str  # the hint of the first failing check named here


GROWING_CACHE = ("        cache = []\n",
                 "        cache = self.cache if self.cache is not None else []  # keeps every forward's pairs\n")

BUGS = [
    Bug("cache-grows-and-backward-reads-the-first-forward", *GROWING_CACHE,
        frozenset({LAST_FORWARD, OTHER_SIZE}), "check.network.test_backward_uses_the_last_forward.stale"),
    Bug("gradients-accumulate-across-calls",
        "        return {key: grads[key] for key in self.params}\n",
        "        total = self.__dict__.setdefault('total', {})\n"
        "        for key in grads:\n"
        "            total[key] = total.get(key, 0) + grads[key]\n"
        "        return {key: total[key] for key in self.params}\n",
        frozenset({TWICE, OTHER_SIZE}), "suite.network.accumulated"),
    Bug("constructor-ignores-its-seed",
        "rng = np.random.default_rng(seed)", "rng = np.random.default_rng(seed + 1)",
        frozenset({CONSTRUCTOR}), "check.network.test_given_constructor_draws_the_reference_weights.given"),
]


def growing_cache_read_from_its_end(tmp_path):
    """The reference with a cache that keeps every forward's pairs, backward reading the last n_layers of them."""
    folder = make_submission(tmp_path, "network", *GROWING_CACHE)
    path = folder / "network.py"
    source = path.read_text(encoding="utf-8")
    old = "            a_prev, z = self.cache[i - 1]\n"
    assert source.count(old) == 1
    from_the_end = "            a_prev, z = self.cache[len(self.cache) - self.n_layers + i - 1]\n"
    path.write_text(source.replace(old, from_the_end), encoding="utf-8")
    return folder


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.id)
def test_a_stateful_bug_fails_the_network_checks_that_promise_the_state(bug, tmp_path):
    result = grade(make_submission(tmp_path, "network", bug.old, bug.new), ["network"])
    failed = [c for c in result.checks if not c.passed]
    assert {c.name for c in failed} == bug.failing
    assert any(c.hint == tr(bug.hint) for c in failed), [c.hint for c in failed]
    assert {c.outcome for c in failed} <= {"failed", "error"}


def test_a_cache_that_grows_fails_the_network_part_even_when_backward_reads_its_end(tmp_path):
    result = grade(growing_cache_read_from_its_end(tmp_path), ["network"])
    failed = [c for c in result.checks if not c.passed]
    assert [c.name for c in failed] == [LAST_FORWARD]  # the gradients are right: only the cache's length tells
    assert "is a list of 6" in failed[0].message and "3 here" in failed[0].message
    assert failed[0].hint == tr("check.network.test_backward_uses_the_last_forward.cache_hint")
