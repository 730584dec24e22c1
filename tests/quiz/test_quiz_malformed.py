"""Every malformed quiz in malformed/ is rejected with its precise problem: file, line, field and message."""

from __future__ import annotations

import pytest

from grader.quiz import load_quiz

from quiz_files import MALFORMED

# file -> (line, field, a fragment of the message) of the problem the file exists to provoke
EXPECTED = {
    "01-invalid-yaml.yaml": (6, "", "invalid YAML: expected <block end>"),
    "02-unknown-quiz-field.yaml": (2, "titel", "unknown field `titel` in a quiz; did you mean `title`?"),
    "03-unknown-type.yaml": (5, "questions[0].type", "unknown type `multi`; expected one of: single, multiple"),
    "04-duplicate-question-id.yaml": (10, "questions[1].id", "duplicate question id `same` (first used on line 4)"),
    "05-no-correct-option.yaml": (8, "questions[0].options", "no option is marked `correct: true`"),
    "06-two-correct-single.yaml": (8, "questions[0].options",
                                   "2 options (`mse`, `mae`) are marked correct in a single-choice question"),
    "07-undefined-parameter.yaml": (10, "questions[0].answer", "parameter `units` is used but not defined"),
    "08-distractor-equals-answer.yaml": (13, "questions[0].distractors[0]",
                                         "distractor `(units + 1) * n_in` equals the answer (6) when n_in = 2, "
                                         "units = 2"),
    "09-tolerance-accepts-distractor.yaml": (12, "questions[0].distractors[0]",
                                             "is within abs_tol 0.1 of the answer 0.25, so it would be graded "
                                             "correct"),
    "10-missing-translation.yaml": (16, "questions[0].explanation", "missing translation: no `ko` text"),
    "11-shuffled-all-of-the-above.yaml": (11, "questions[0].options[2].text",
                                          "'All of the above' refers to the other options, so it must keep its "
                                          "place: set `shuffle: false`"),
    "12-tag-lost-as-comment.yaml": (13, "questions[0].distractors[0]",
                                    "YAML read `# forgot-bias` as a comment, so the misconception tag is lost; "
                                    "quote the whole item"),
    "13-unsafe-expression.yaml": (10, "questions[0].answer", "`n.__class__` is not allowed"),
    "14-single-letter-option-id.yaml": (9, "questions[0].options[0].id", "option id `a` is a single character"),
    "15-duplicate-yaml-key.yaml": (8, "questions[0].answer", "duplicate key (first given on line 7)"),
    "16-multiple-without-scoring.yaml": (4, "questions[0].scoring", "missing field `scoring`; name one of: "
                                                                    "all-or-nothing, net-correct, coverage, "
                                                                    "each-answer"),
    "17-wrong-option-without-feedback.yaml": (10, "questions[0].options[1]", "no feedback for this wrong option"),
    "18-exact-non-whole.yaml": (8, "questions[0].answer", "mode `exact` needs a whole-number answer, but it is 0.25"),
    "19-pass-mark-out-of-range.yaml": (3, "pass_mark", "expected a number from 0 to 1; got 75"),
    "20-unknown-placeholder.yaml": (8, "questions[0].prompt", "placeholder {layer} names no parameter"),
    "21-yes-no-as-boolean.yaml": (14, "questions[0].feedback.en", "YAML reads unquoted yes/no/on/off as "
                                                                  "true/false: quote the text"),
    "22-draw-outside-params.yaml": (8, "questions[0].answer", "draws a random value; draws belong in `params`"),
    "23-python-object-tag.yaml": (8, "questions[0].options", "the tag `!!python/object/apply:os.system` is not "
                                                             "allowed"),
    "24-set-tag.yaml": (8, "questions[0].explanation", "the tag `!!set` is not allowed"),
    "25-sexagesimal-option.yaml": (10, "questions[0].options[0].text", "YAML reads `8:2` as the number 482, so "
                                                                       "students would see 482: quote the text"),
    "26-hex-option-text.yaml": (11, "questions[0].options[0].text.en", "YAML reads `0x10` as the number 16"),
    "27-control-character.yaml": (6, "", "the control character U+0000 is not allowed in YAML"),
}


def test_every_malformed_file_has_an_expectation() -> None:
    assert sorted(p.name for p in MALFORMED.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_quiz_reports_its_precise_problem(name: str) -> None:
    path = MALFORMED / name
    line, field, fragment = EXPECTED[name]
    _, problems = load_quiz(path, seeds=200)
    assert problems, f"{name} was accepted"
    matches = [p for p in problems if p.line == line and p.field == field and fragment in p.message]
    assert matches, (f"{name}: expected line {line}, field {field!r}, {fragment!r}; got:\n"
                     + "\n".join(map(str, problems)))
    assert all(p.file == str(path) for p in problems)
    assert str(matches[0]).startswith(f"{path}:{line}: ")
