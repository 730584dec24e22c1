"""`nn-grader quiz ...`: validate, take, grade, seal, export and list quizzes. Commands parse, call the library,
render.

Exit codes: 0 success; 1 problems in a quiz or answers file (all reported); 2 usage errors (click's own).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from grader.i18n import DEFAULT_LANGUAGE, language, tr
from grader.options import lang_option
from grader.output import OutputError, is_stdout, prepare_file, write_bytes, write_text
from grader.quiz.answers import read_answers
from grader.quiz.catalog import SUFFIXES, available_quizzes, quiz_dirs, resolve_quiz
from grader.quiz.checks import DEFAULT_SEEDS
from grader.quiz.grading import grade_answers, message_language
from grader.quiz.html_export import export_html
from grader.quiz.keys import key_for
from grader.quiz.lms import FORMATS as LMS_FORMATS
from grader.quiz.lms import export_lms
from grader.quiz.lms.importing import finish
from grader.quiz.lms.read_gift import read_gift
from grader.quiz.lms.read_moodle import read_moodle
from grader.quiz.loader import MAX_QUIZ_BYTES, load_quiz
from grader.quiz.locks import DEFAULT_COST
from grader.quiz.model import Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.results import QuizResult, result_to_dict
from grader.quiz.sealing import dump_yaml, seal_quiz
from grader.quiz.source import read_text_file
from grader.quiz.terminal import Session
from grader.quiz.text import LANGUAGES

SECRET_ENV = "NN_GRADER_COURSE_SECRET"
STUDENT_ENV = "NN_GRADER_STUDENT"
QUIZZES_ENV = "NN_GRADER_QUIZZES"
LOAD_SEEDS = 100

@click.group()
def quiz() -> None:
    """Take, grade and validate concept quizzes."""


@quiz.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--seeds", type=click.IntRange(1, 100_000), default=DEFAULT_SEEDS, show_default=True,
              help="Student seeds each parameterized question is checked over.")
def validate(files: tuple[Path, ...], fmt: str, seeds: int) -> None:
    """Check quiz FILES (or every quiz in a directory); report every problem at once."""
    paths = _expand(files)
    report = []
    for path in paths:
        found, problems = load_quiz(path, seeds=seeds)
        report.append((path, found, problems))
    if fmt == "json":
        click.echo(json.dumps([{"file": str(path), "valid": not problems,
                                "questions": len(found.questions) if found else 0,
                                "problems": [p.to_dict() for p in problems]} for path, found, problems in report],
                              ensure_ascii=False, indent=2))
    else:
        for path, found, problems in report:
            for problem in problems:
                click.echo(str(problem))
            if not problems and found is not None:
                click.echo(f"{path}: valid ({len(found.questions)} questions, tier {found.tier})")
        bad = [r for r in report if r[2]]
        total = sum(len(r[2]) for r in report)
        verdict = f"{total} problem(s) in {len(bad)} file(s)" if bad else "all valid"
        click.echo(f"{len(report)} file(s) checked: {verdict}")
    sys.exit(1 if any(problems for _, _, problems in report) else 0)


def _expand(files: tuple[Path, ...]) -> list[Path]:
    paths: list[Path] = []
    for path in files:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
            if not inside:
                raise click.UsageError(f"no .yaml quiz files in {path}")
            paths += inside
        else:
            paths.append(path)
    return paths


@quiz.command(name="list")
def list_quizzes() -> None:
    """List the quizzes `take` can find by id."""
    entries = available_quizzes()
    if not entries:
        click.echo("No quizzes found (looked in $NN_GRADER_QUIZZES, ./quizzes and the shipped quizzes).")
    for entry in entries:
        click.echo(f"{entry.id:28} {entry.title}  ({entry.path})")


@quiz.command()
@click.argument("name", required=False)
@click.option("--student", default=None, help=f"Student id; fixes your variant and letters (default: ${STUDENT_ENV}, "
                                               "else your login name).")
@lang_option(default=None, help="Language of the text.")
@click.option("--plain", is_flag=True, help="No colour or symbols: for screen readers and logs.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default=None,
              help="Write your answers to this answers file (a ci copy writes <quiz id>.answers.yaml by default); "
                   "its folders are created, - is the terminal.")
def take(name: str | None, student: str | None, lang: str | None, plain: bool, save: Path | None) -> None:
    """Take quiz NAME (a quiz id or a file) in the terminal, with feedback after every answer."""
    found = _load(name or _choose(lang or DEFAULT_LANGUAGE))
    student = student or os.environ.get(STUDENT_ENV) or getpass.getuser()
    lang = _lang(lang, found)
    keys = None if found.tier == "ci" else _keys(found)
    plain = plain or bool(os.environ.get("NO_COLOR"))
    if save is None and found.tier == "ci":
        save = Path(f"{found.id}.answers.yaml")
    if save is not None:
        with language(message_language(lang)):  # before the first question: no answer is given for nothing
            prepare_file(save)
    session = Session(found, student, lang, plain, keys, os.environ.get(SECRET_ENV, ""))
    session.run()
    if save is not None:
        _save_answers(session, save, _answers_yaml(found, student, session.answers))


def _save_answers(session: Session, save: Path, text: str) -> None:
    """Write the answers file; if that fails after all, keep the answers: in a spare file and on the terminal."""
    try:
        with language(session.message_language):
            write_text(save, text)
    except OutputError as error:
        click.echo(session.message("save_failed", reason=error.message), err=True)
        spare = _spare_copy(session.quiz.id, text)
        if spare is not None:
            click.echo(session.message("saved_instead", path=spare), err=True)
        click.echo(session.message("answers_below", file=save.name), err=True)
        click.echo(text, nl=False)
        sys.exit(2)
    if not is_stdout(save):
        click.echo(session.words["saved"].format(path=save))


def _spare_copy(quiz_id: str, text: str) -> Path | None:
    """A new file in the temporary folder holding ``text``, or None if even that cannot be written."""
    try:
        handle, name = tempfile.mkstemp(prefix=f"{quiz_id}-", suffix=".answers.yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as spare:
            spare.write(text)
    except OSError:
        return None
    return Path(name)


def _choose(lang: str) -> str:
    entries = available_quizzes()
    if not entries:
        raise click.UsageError("no quizzes found; name a quiz file")
    for i, entry in enumerate(entries, 1):
        click.echo(f"{i}. {entry.id}: {entry.title}")
    with language(message_language(lang)):
        number = click.prompt(tr("quiz.choose"), type=click.IntRange(1, len(entries)))
    return str(entries[number - 1].path)


def _answers_yaml(found: Quiz, student: str, answers: dict[str, Any]) -> str:
    data = {"quiz": found.id, "student": student, "answers": answers}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@quiz.command()
@click.argument("name")
@click.option("--answers", "answer_files", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An answers file; repeat for a whole class.")
@click.option("--student", default=None, help="Student id, if the answers file does not give one.")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The open quiz: needed to grade a ci copy.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option(default=None, help="Language of the text.")
def grade(name: str, answer_files: tuple[Path, ...], student: str | None, key_file: Path | None, fmt: str,
          lang: str | None) -> None:
    """Grade answers files for quiz NAME without interaction (for CI and batches)."""
    if student and len(answer_files) > 1:
        raise click.UsageError("--student applies to one answers file; put `student:` in each file instead")
    found = _load(name)
    key = _load(str(key_file)) if key_file else None
    _keys(found, key)  # fail early, once, if the key is missing or does not match
    lang = _lang(lang, found)
    secret = os.environ.get(SECRET_ENV, "")
    results: list[QuizResult] = []
    problems: list[Problem] = []
    for path in answer_files:
        result, trouble = _grade_file(found, key, path, student, lang, secret)
        problems += trouble
        if result is not None:
            results.append(result)
    if fmt == "json":
        click.echo(json.dumps({"quiz": found.id, "results": [result_to_dict(r) for r in results],
                               "problems": [p.to_dict() for p in problems]}, ensure_ascii=False, indent=2))
    else:
        for result in results:
            _render_result(result)
        for problem in problems:
            click.echo(str(problem), err=True)
    sys.exit(1 if problems else 0)


def _grade_file(found: Quiz, key: Quiz | None, path: Path, student: str | None, lang: str,
                secret: str) -> tuple[QuizResult | None, list[Problem]]:
    answers, problems = read_answers(path)
    if answers is None:
        return None, problems
    who = student or answers.student
    if answers.quiz and answers.quiz != found.id:
        problems.append(Problem(str(path), None, "quiz", f"these answers are for quiz `{answers.quiz}`, "
                                                         f"not `{found.id}`"))
    if not who:
        problems.append(Problem(str(path), None, "student", "no student id: add `student:` or pass --student "
                                                            "(the letters depend on it)"))
    if student and answers.student and student != answers.student:
        problems.append(Problem(str(path), None, "student", f"--student {student} but the file says "
                                                            f"{answers.student}"))
    if problems or not who:
        return None, problems
    return grade_answers(found, answers.answers, who, key=key, lang=lang, secret=secret), problems


def _render_result(result: QuizResult) -> None:
    """One student's result as text, its sentences in the student's language (``quiz.grade.*``)."""
    with language(message_language(result.lang)):
        verdict = tr("quiz.grade.passed" if result.passed else "quiz.grade.not_passed")
        click.echo(tr("quiz.grade.student", student=result.student, got=result.points, max=result.max_points,
                      fraction=result.fraction, verdict=verdict, quiz=result.quiz_id))
        for q in result.questions:
            verdict = "correct" if q.correct else ("partial" if q.points > 0 else
                                                   ("unanswered" if not q.answered else "wrong"))
            shows_key = q.expected is not None and not q.correct
            expected = tr("quiz.grade.expected", expected=q.expected) if shows_key else ""
            given = tr("quiz.grade.answered", given=q.given) if q.answered else tr("quiz.grade.no_answer")
            click.echo(f"  {q.question_id}: {q.points:g}/{q.max_points:g} {tr(f'quiz.grade.verdict.{verdict}')} "
                       f"({given}{expected})")
            if q.message and q.answered:
                click.echo(f"    {q.message}")
            for a in q.answers:
                if not (a.correct and a.selected):
                    tag = f" [{a.misconception}]" if a.misconception else ""
                    click.echo(f"    {a.heading}: {a.feedback}{tag}")
        for note in result.notes:
            click.echo(f"  {tr('quiz.grade.note', note=note)}")


@quiz.command()
@click.argument("name")
@click.option("--tier", type=click.Choice(["sealed", "ci"]), required=True,
              help="sealed: self-check copy (key in slow-hash locks); ci: no key at all.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), required=True,
              help="The file to write (its folders are created; - is the terminal).")
@click.option("--cost", type=int, default=DEFAULT_COST, show_default=True,
              help="scrypt N for the locks (a power of two); each lock costs this much to open.")
def seal(name: str, tier: str, output: Path, cost: int) -> None:
    """Write the student copy of open quiz NAME for a key-protection tier."""
    _check_cost(cost)
    found = _load(name)
    prepare_file(output)  # before the slow locks are made
    if found.tier != "open":
        _fail([Problem(found.file, None, "tier", f"only an open quiz can be sealed; this is a {found.tier} copy")])
    write_text(output, dump_yaml(seal_quiz(found, tier, cost=cost)))
    click.echo(f"Wrote the {tier} copy of {found.id} to {output}.", err=is_stdout(output))


@quiz.command()
@click.argument("name")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default=None,
              help="Write the quiz page to this file: one self-contained HTML file that works offline (its folders "
                   "are created; - is the terminal).")
@click.option("--format", "fmt", type=click.Choice(LMS_FORMATS), default=None,
              help="Write the quiz for an LMS instead: qti (a Canvas QTI 1.2 zip), moodle (Moodle XML) or gift.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default=None,
              help="The file --format writes (its folders are created; - is the terminal).")
@click.option("--variants", type=click.IntRange(1, 100), default=5, show_default=True,
              help="Drawn copies of each parameterized question (--format).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the drawn copies (--format).")
@lang_option(default=None, help="Language of the text.")
@click.option("--cost", type=int, default=DEFAULT_COST, show_default=True,
              help="scrypt N for the locks when NAME is an open quiz (a sealed copy keeps its own).")
@click.option("--student", default=None,
              help=f"Make the page for one student (needed when ${SECRET_ENV} is set; the page then holds only "
                   "that student's seed).")
def export(name: str, html_file: Path | None, fmt: str | None, output: Path | None, variants: int, seed: int,
           lang: str | None, cost: int, student: str | None) -> None:
    """Write quiz NAME as a page to take in a browser (--html, sealed tier: no answer in plain text), or for an LMS
    (--format qti|moodle|gift --output FILE, with its key: for instructors)."""
    if (html_file is None) == (fmt is None):
        raise click.UsageError("give --html FILE, or --format qti|moodle|gift with --output FILE")
    if fmt is not None:
        _export_lms(name, fmt, output, lang, variants, seed)
        return
    assert html_file is not None
    _check_cost(cost)
    found = _load(name)
    prepare_file(html_file)  # before the slow locks are made
    try:
        page = export_html(found, lang=_lang(lang, found), cost=cost, student=student,
                           secret=os.environ.get(SECRET_ENV, ""))
    except QuizError as error:
        _fail(error.problems)
    except ValueError as error:
        raise click.UsageError(f"{error} (${SECRET_ENV} is set)") from None
    write_text(html_file, page)
    click.echo(f"Wrote the quiz page of {found.id} to {html_file} ({len(page.encode()) // 1024} KB); "
               "open it in a browser, no network needed.", err=is_stdout(html_file))


def _export_lms(name: str, fmt: str, output: Path | None, lang: str | None, variants: int, seed: int) -> None:
    """`export --format`: write the LMS file and say on stderr everything the format could not carry."""
    if output is None:
        raise click.UsageError("--format needs --output FILE")
    found = _load(name)
    prepare_file(output)
    try:
        data, losses = export_lms(found, fmt, lang=_lang(lang, found), variants=variants, seed=seed)
    except QuizError as error:
        _fail(error.problems)
    if is_stdout(output):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_bytes(output, data)
    label = {"qti": "QTI 1.2", "moodle": "Moodle XML", "gift": "GIFT"}[fmt]
    click.echo(tr("quiz_lms.lost_header", format=label), err=True)
    for line in losses.lines:
        click.echo(f"  - {line}", err=True)
    click.echo(tr("quiz_lms.wrote", format=label, quiz=found.id, path=output, questions=len(found.questions)), err=True)


@quiz.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), required=True,
              help="The quiz file to write, e.g. quizzes/NAME.yaml (its folders are created; - is the terminal).")
@click.option("--id", "quiz_id", default=None, help="The quiz id (default: the output file's name).")
def import_bank(file: Path, output: Path, quiz_id: str | None) -> None:
    """Read a GIFT (.gift, .txt) or Moodle XML (.xml) question bank FILE into a quiz file, checked like any quiz."""
    text, problems = read_text_file(file, MAX_QUIZ_BYTES)
    if text is None:
        _fail(problems)
    assert text is not None
    reader = read_moodle if text.lstrip().startswith("<") else read_gift
    bank = reader(text, str(file))
    ident = quiz_id or (output.stem if not is_stdout(output) else file.stem)
    yaml_text, notes = finish(bank, ident)
    for note in notes:
        click.echo(str(note), err=True)
    if yaml_text is None:
        sys.exit(1)
    write_text(output, yaml_text)
    click.echo(tr("quiz_lms.import.wrote", path=output, n=len(bank.questions), skipped=bank.skipped), err=True)


def _check_cost(cost: int) -> None:
    if cost < 2 or cost & (cost - 1):
        raise click.BadParameter("must be a power of two, e.g. 16384", param_hint="--cost")


def _load(name: str) -> Quiz:
    try:
        path = resolve_quiz(name)
    except LookupError as error:
        raise click.UsageError(f"{error} ({_where_quizzes_are()})") from None
    # take and grade re-check a quiz on every run, so they sample fewer seeds than `validate` does.
    found, problems = load_quiz(path, seeds=LOAD_SEEDS)
    if problems or found is None:
        _fail(problems)
    assert found is not None
    return found


def _where_quizzes_are() -> str:
    """Where quiz ids are looked up, for a message that says why one was not found."""
    searched = quiz_dirs()
    if not searched:
        return tr("quiz.no_quiz_folder", env=f"${QUIZZES_ENV}")
    return tr("quiz.searched", folders=", ".join(map(str, searched)))


def _keys(found: Quiz, key: Quiz | None = None) -> Any:
    try:
        return key_for(found, key)
    except QuizError as error:
        _fail(error.problems)


def _lang(lang: str | None, found: Quiz) -> str:
    chosen = lang or found.languages[0]  # --lang, else $NN_GRADER_LANG (grader.options.lang_option)
    return chosen if chosen in LANGUAGES else found.languages[0]


def _fail(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(1)

