"""The interactive quiz in a terminal: ``nn-grader quiz take``.

Questions come one at a time with lettered options in this student's order. After each answer the student sees
whether it was right, the feedback for every option chosen (or missed), the explanation and the running score; a
summary closes the session. With a ci copy, answers are only recorded.

``--plain`` mode is for screen readers and logs: no colour, no symbols, no layout that only makes sense visually;
every verdict is a word in every mode, so colour never carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from grader.quiz.answers import choice_slots, number
from grader.quiz.grading import QuestionGrader
from grader.quiz.keys import KeySource
from grader.quiz.model import Quiz
from grader.quiz.results import QuestionResult
from grader.quiz.text import pick
from grader.quiz.variants import ShownQuestion, show_question, student_seed

WORDS = {
    "en": {
        "header": "Quiz: {title}", "student": "Student: {student}  ·  {n} questions  ·  pass mark {mark}",
        "question": "Question {i} of {n}  ({points} point{s})",
        "ask": {"single": "Your answer (a letter)", "multiple": "Your answers (letters separated by spaces, - for none)",
                "true_false": "Your answer (A or B)", "numeric": "Your answer (a number)"},
        "help": "Type your answer, 'skip' to leave the question unanswered, or 'quit' to stop.",
        "correct": "Correct", "partial": "Partly correct", "wrong": "Incorrect", "unanswered": "Skipped",
        "points": "{got:g} of {max:g} point{s}", "why": "Why", "explanation": "Explanation",
        "running": "Score so far: {got:g} of {max:g}", "recorded": "Answer recorded.",
        "summary": "Summary", "total": "Total: {got:g} of {max:g} ({pct:.0f}%)",
        "passed": "Passed (pass mark {mark}).", "failed": "Not passed yet (pass mark {mark}).",
        "saved": "Your answers were written to {path}.", "stopped": "Stopped after {i} of {n} questions.",
        "sealed": "Self-check copy: the correct option is not named; the feedback says why.",
        "ci": "Graded copy: your answers are recorded, not graded here. Commit the answers file.",
        "fallback": "This quiz has no {lang} text; showing {used}.", "you": "your answer", "missed": "missed",
    },
    "ko": {
        "header": "퀴즈: {title}", "student": "학생: {student}  ·  {n}문항  ·  통과 기준 {mark}",
        "question": "{i}번 문항 (전체 {n}문항, {points}점)",
        "ask": {"single": "답 (보기 글자 하나)", "multiple": "답 (글자를 빈칸으로 구분, 고를 것이 없으면 -)",
                "true_false": "답 (A 또는 B)", "numeric": "답 (숫자)"},
        "help": "답을 입력하세요. 건너뛰려면 'skip', 그만하려면 'quit'을 입력하세요.",
        "correct": "정답", "partial": "부분 정답", "wrong": "오답", "unanswered": "건너뜀",
        "points": "{max:g}점 중 {got:g}점", "why": "이유", "explanation": "해설",
        "running": "현재 점수: {max:g}점 중 {got:g}점", "recorded": "답을 기록했습니다.",
        "summary": "결과 요약", "total": "총점: {max:g}점 중 {got:g}점 ({pct:.0f}%)",
        "passed": "통과했습니다 (기준 {mark}).", "failed": "아직 통과하지 못했습니다 (기준 {mark}).",
        "saved": "답안을 {path} 파일에 저장했습니다.", "stopped": "{n}문항 중 {i}문항까지 풀고 멈췄습니다.",
        "sealed": "자가 점검용 사본입니다. 정답 보기는 알려 주지 않고, 피드백으로 이유를 설명합니다.",
        "ci": "채점용 사본입니다. 여기서는 답만 기록하고 채점하지 않습니다. 답안 파일을 커밋하세요.",
        "fallback": "이 퀴즈에는 {lang} 텍스트가 없어 {used}(으)로 보여 줍니다.", "you": "내 답", "missed": "놓친 정답",
    },
}
SKIP, QUIT = {"skip", "s", "건너뛰기"}, {"quit", "q", "exit", "그만"}


@dataclass
class Session:
    """One student's run through a quiz; `answers` is what an answers file would hold."""

    quiz: Quiz
    student: str
    lang: str
    plain: bool
    keys: KeySource | None
    secret: str = ""
    ask: Callable[[str], str] = field(default=lambda text: click.prompt(text, default="", show_default=False))
    answers: dict[str, Any] = field(default_factory=dict)
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def words(self) -> dict[str, Any]:
        return WORDS.get(self.lang, WORDS["en"])

    def say(self, text: str = "", colour: str | None = None, bold: bool = False) -> None:
        if self.plain or colour is None and not bold:
            click.echo(text)
        else:
            click.echo(click.style(text, fg=colour, bold=bold))

    def text(self, value: Any) -> str:
        return pick(value, self.lang, self.quiz.languages)

    def run(self) -> None:
        w, quiz = self.words, self.quiz
        self.say(w["header"].format(title=self.text(quiz.title)), bold=True)
        self.say(w["student"].format(student=self.student, n=len(quiz.questions), mark=f"{quiz.pass_mark:.0%}"))
        if self.lang not in quiz.languages:
            self.say(w["fallback"].format(lang=self.lang, used=quiz.languages[0]))
        if quiz.tier in ("sealed", "ci"):
            self.say(w[quiz.tier])
        self.say(w["help"])
        seed = student_seed(quiz.id, self.student, self.secret)
        for i, question in enumerate(quiz.questions, 1):
            shown = show_question(question, seed)
            try:
                raw = self.ask_question(i, shown)
            except (click.Abort, EOFError):
                raw = QUIT
            if raw == QUIT:
                self.say()
                self.say(w["stopped"].format(i=i - 1, n=len(quiz.questions)))
                break
            self.answer(shown, raw)
        self.summary()

    def ask_question(self, i: int, shown: ShownQuestion) -> Any:
        """Show question `i` and read answers until one can be read; return it (None if skipped)."""
        w, question = self.words, shown.question
        self.say()
        self.say(w["question"].format(i=i, n=len(self.quiz.questions), points=f"{question.points:g}",
                                      s="" if question.points == 1 else "s"), bold=True)
        self.say(self.text(shown.prompt))
        for option in shown.options:
            self.say(f"  {option.letter}) {self.text(option.text)}")
        while True:
            reply = self.ask(w["ask"][question.type]).strip()
            if reply.lower() in QUIT:
                return QUIT
            if reply.lower() in SKIP:
                return None
            if not reply:
                self.say(w["help"])
                continue
            raw, error = self.read(shown, reply)
            if error is None:
                return raw
            self.say(error, colour="yellow")

    def read(self, shown: ShownQuestion, reply: str) -> tuple[Any, str | None]:
        """The answer in `reply` as an answers file would hold it, or an error saying what was expected."""
        question = shown.question
        if question.type == "numeric":
            value = number(reply)
            return (value, None) if value is not None else (None, f"{reply!r}: expected a number")
        if question.type == "multiple" and reply == "-":
            return [], None
        slots, error = choice_slots(shown, reply)
        if error:
            return None, error
        letters = {o.slot: o.letter for o in shown.options}
        # Computed options have no id, so their letter is recorded; static ones by id, stable across seeds.
        record = [letters[s] if shown.by_slot(s) and shown.by_slot(s).value is not None else s for s in slots]
        if question.type == "true_false":
            return slots[0] == "true", None
        return (record if question.type == "multiple" else record[0]), None

    def answer(self, shown: ShownQuestion, raw: Any) -> None:
        w, question = self.words, shown.question
        self.answers[question.id] = raw
        if self.keys is None:
            self.say(w["recorded"])
            return
        result = QuestionGrader(self.keys, self.lang, self.quiz.languages).question(shown, raw)
        self.results.append(result)
        verdict = "unanswered" if not result.answered else (
            "correct" if result.correct else "partial" if result.points > 0 else "wrong")
        colour = {"correct": "green", "partial": "yellow", "wrong": "red"}.get(verdict)
        mark = "" if self.plain else {"correct": "✓ ", "partial": "~ ", "wrong": "✗ "}.get(verdict, "")
        points = w["points"].format(got=result.points, max=result.max_points, s="" if result.max_points == 1 else "s")
        self.say(f"{mark}{w[verdict]}: {points}", colour=colour, bold=True)
        if result.message and result.answered:
            self.say(result.message)
        for item in result.answers:
            who = w["you"] if item.selected else w["missed"]
            self.say(f"  {item.label}) {item.text} ({who}): {item.feedback}")
        if result.explanation:
            self.say(f"{w['explanation']}: {result.explanation}")
        got = sum(r.points for r in self.results)
        most = sum(r.max_points for r in self.results)
        self.say(w["running"].format(got=got, max=most))

    def summary(self) -> None:
        w, quiz = self.words, self.quiz
        if self.keys is None:
            return
        self.say()
        self.say(w["summary"], bold=True)
        for i, result in enumerate(self.results, 1):
            verdict = "unanswered" if not result.answered else (
                "correct" if result.correct else "partial" if result.points > 0 else "wrong")
            self.say(f"  {i}. {result.question_id}: {w[verdict]}, "
                     f"{w['points'].format(got=result.points, max=result.max_points, s='' if result.max_points == 1 else 's')}")
        got = sum(r.points for r in self.results)
        pct = 100 * got / quiz.max_points if quiz.max_points else 0
        self.say(w["total"].format(got=got, max=quiz.max_points, pct=pct), bold=True)
        passed = pct / 100 >= quiz.pass_mark - 1e-9
        self.say(w["passed" if passed else "failed"].format(mark=f"{quiz.pass_mark:.0%}"),
                 colour="green" if passed else "yellow")
