"""`nn-grader check --lang ko` on submissions that fail in every part: every title, message and hint is Korean.

What may stay English in a Korean report is code and text the grader only quotes: the exercises' names, numbers,
arrays and calls such as ``sigmoid(x=float64[3, 4])``, and what Python, numpy or the student's code wrote (an
exception's message, a numpy warning). The grader's own sentences are found by :func:`english_runs`; quotations are
cut off where the Korean template that quotes them puts them (after "예외가 발생했습니다: ", ...). The English report of
the same submission must say the same: the same checks, outcomes, points, mistakes and numbers.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_language_catalogues import english_runs

from grader import i18n, mistakes
from grader.audit import write_variant
from grader.cli import main

from submissions import SOLUTIONS

HANGUL = re.compile(r"[\uac00-\ud7a3]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
QUOTED = ("message", "warning")  # placeholders that quote Python, numpy or the student's code

# Bugs that reach the suites' own texts (the catalogued mistakes reach the shared comparisons).
SUITE_TEXT_BUGS = {
    # apply leaves the params dict unchanged, and fit never calls it: fit cannot learn (seed, capstone, momentum);
    # fit's checks run with the reference's SGD, so only fit's own bug reaches their texts
    "apply-rebinds-params": [
        ("optimizers", "        for key, grad in grads.items():\n            if self.momentum == 0:",
         "        params = dict(params)\n        for key, grad in grads.items():\n            if self.momentum == 0:"),
        ("training", "optimizer.apply(model.params, model.backward(grad_fn(y[idx], y_pred)))",
         "model.backward(grad_fn(y[idx], y_pred))")],
    "uphill-momentum-no-shuffle": [  # momentum_step goes uphill; the batches do not depend on the seed
        ("optimizers", "    new_velocity = momentum * velocity - learning_rate * grad\n    if",
         "    new_velocity = momentum * velocity + learning_rate * grad\n    if"),
        ("training", "order = rng.permutation(n)", "order = np.arange(n)")],
    "velocity-lost-keyerror": [  # no inertia; an unknown loss name raises KeyError, not ValueError
        ("optimizers", "params[key], self.velocities[key] = momentum_step(", "params[key], _ = momentum_step("),
        ("training", 'callable(grad_fn):\n        raise ValueError(f"unknown loss',  # fit's, not evaluate's
         'callable(grad_fn):\n        raise KeyError(f"unknown loss')],
    "no-history": [("training", "    return history if validation_data is None else",
                    "    return None if validation_data is None else")],
}


def edited_reference(folder: Path, edits: list[tuple[str, str, str]]) -> Path:
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module, old, new in edits:
        path = folder / f"{module}.py"
        source = path.read_text(encoding="utf-8")
        assert source.count(old) == 1, f"the edit must match exactly once in {module}.py: {old!r}"
        path.write_text(source.replace(old, new), encoding="utf-8")
    return folder


def with_one_mistake_per_function(folder: Path) -> Path:
    """The reference with the first catalogued mistake of every function written in: every part fails."""
    edited_reference(folder, [])
    done = set()
    for m in mistakes.all_mistakes():
        if m.target not in done:
            done.add(m.target)
            write_variant(folder, m)
    return folder


def check(submission: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["check", *args, "--submission", str(submission)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.fixture(scope="module")
def every_part(tmp_path_factory) -> Path:
    return with_one_mistake_per_function(tmp_path_factory.mktemp("language") / "every-part")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, every_part) -> dict[str, dict[str, dict]]:
    """JSON reports by submission and language: every part of ``every_part``, the suites' own texts of the others."""
    folder = tmp_path_factory.mktemp("language-bugs")
    graded = {"every-part": (every_part, ())}
    graded.update({name: (edited_reference(folder / name, edits), ("optimizers", "training"))
                   for name, edits in SUITE_TEXT_BUGS.items()})
    return {name: {lang: json.loads(check(path, *parts, "--lang", lang, "--format", "json")) for lang in ("en", "ko")}
            for name, (path, parts) in graded.items()}


def checks_of(report: dict) -> list[dict]:
    return [c for p in report["parts"] for c in p["checks"]]


def quote_openings(lang: str) -> list[str]:
    """The words that open a quotation in ``lang``'s templates: the literal text just before {message} or {warning}."""
    openings = []
    for template in i18n.catalogue(lang).values():
        for name in QUOTED:
            before, found, _ = template.partition("{" + name + "}")
            opening = re.split(r"}", before)[-1] if found else ""
            if re.search(r"[^\W\d_]", opening):  # not a bare ": " after another field
                openings.append(opening)
    return openings


def own_words(text: str, openings: list[str]) -> str:
    """``text`` without what it quotes: from the first quotation's opening to the end."""
    cut = min((text.index(o) + len(o) for o in openings if o in text), default=len(text))
    return text[:cut]


def expected_title(name: str, part: str, lang: str) -> str:
    function, _, params = name.partition("[")
    with i18n.language(lang):
        title = i18n.tr(f"check.{part}.{function}")
    return f"{params.rstrip(']')}: {title}" if params else title


def test_every_part_fails(reports):
    failed = {c["part"] for c in checks_of(reports["every-part"]["ko"]) if c["outcome"] != "passed"}
    assert failed == {p["name"] for p in reports["every-part"]["ko"]["parts"]} and len(failed) == 7


@pytest.mark.parametrize("submission", ["every-part", *SUITE_TEXT_BUGS])
def test_korean_json_has_no_english_sentence(reports, submission):
    openings = quote_openings("ko")
    report = reports[submission]["ko"]
    assert report["language"] == "ko"
    for c in checks_of(report):
        assert c["title"] == expected_title(c["name"], c["part"], "ko") and HANGUL.search(c["title"]), c["name"]
        for field in ("message", "hint"):
            assert english_runs(own_words(c[field], openings)) == [], f"{c['name']} {field}: {c[field]}"


@pytest.mark.parametrize("submission", ["every-part", *SUITE_TEXT_BUGS])
def test_english_says_the_same(reports, submission):
    english, korean = checks_of(reports[submission]["en"]), checks_of(reports[submission]["ko"])
    same = ("part", "name", "outcome", "points", "max_points", "mistake")
    assert [{k: c[k] for k in same} for c in english] == [{k: c[k] for k in same} for c in korean]
    for en, ko in zip(english, korean, strict=True):
        assert en["title"] == expected_title(en["name"], en["part"], "en"), en["name"]
        assert not HANGUL.search(en["title"] + en["message"] + en["hint"]), en["name"]
        assert sorted(NUMBER.findall(en["message"])) == sorted(NUMBER.findall(ko["message"])), en["name"]
        assert bool(en["hint"]) == bool(ko["hint"]), en["name"]


def test_the_suites_own_texts_were_reached(reports):
    """The bugs above reach the texts the suites write themselves, so the checks above cover them too."""
    keys = ("check.optimizers.test_apply_updates_every_param_in_place.unchanged",
            "check.optimizers.test_momentum_step_from_rest_goes_downhill.uphill",
            "check.optimizers.test_momentum_adds_inertia.ratio",
            "suite.training.not_a_list",
            "check.training.test_seed_drives_the_shuffling.not_trained",
            "check.training.test_seed_drives_the_shuffling.not_shuffled",
            "suite.training.unknown_loss_wrong_error",
            "check.training.test_capstone_learns_xor.not_learned",
            "check.training.test_momentum_reaches_the_target_sooner.not_sooner")
    shown = " ".join(c["message"] for name in SUITE_TEXT_BUGS for c in checks_of(reports[name]["ko"]))
    longest_literal = {key: max(re.split(r"{\w+}", i18n.catalogue("ko")[key]), key=len) for key in keys}
    assert [key for key, text in longest_literal.items() if text not in shown] == []


def test_korean_text_report_has_no_english_sentence(every_part):
    output = check(every_part, "--lang", "ko")
    openings = quote_openings("ko")
    paragraphs = text_paragraphs(output)
    # Checks, messages and hints are indented; the part lines are test_korean_part_titles' to judge.
    assert [p for p in paragraphs if p.startswith("  ") and english_runs(own_words(p, openings))] == []
    assert HANGUL.search(paragraphs[0]) and HANGUL.search(paragraphs[-1])  # the header and the total
    with i18n.language("ko"):
        titles = {expected_title(c["name"], c["part"], "ko") for c in checks_of(json.loads(check(
            every_part, "--lang", "ko", "--format", "json"))) if c["outcome"] != "passed"}
    assert all(f"{title}  (" in output for title in titles)
    marks = {line.split()[0] for line in output.splitlines() if line.startswith("  ") and not line.startswith("   ")}
    # "시간 초과" is two words; split() keeps the first.
    assert marks and marks <= {"통과", "실패", "미구현", "오류", "시간", "중단", "제외"}, marks


def test_korean_part_titles(reports):
    with i18n.language("ko"):
        wanted = {p["name"]: i18n.tr(f"part.{p['name']}.title") for p in reports["every-part"]["ko"]["parts"]}
    assert {p["name"]: p["title"] for p in reports["every-part"]["ko"]["parts"]} == wanted


def text_paragraphs(output: str) -> list[str]:
    """The text report's lines with their wrapped continuations joined: a part, a check, a message or a hint each
    (a check's own line keeps its two leading spaces, a message or hint its ten)."""
    paragraphs: list[str] = []
    for line in output.splitlines():
        if line.startswith(" " * 12) and paragraphs:  # a wrapped line continues the paragraph above
            paragraphs[-1] += " " + line.strip()
        elif line.strip():
            paragraphs.append(line)
    return paragraphs
