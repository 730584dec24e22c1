"""The YAML quiz engine: bilingual, parameterized multiple-choice quizzes graded from plain files.

The library API other parts of nn-grader call (each documented in its own module):

    load_quiz(path, *, seeds=1000) -> (Quiz | None, list[Problem])      grader.quiz.loader
    grade_answers(quiz, answers, student_id, *, key=None, lang="en", secret="") -> QuizResult
                                                                         grader.quiz.grading
    result_to_dict(result) -> dict                                       grader.quiz.results
    seal_quiz(quiz, tier, *, cost=2**14, salt=None) -> dict              grader.quiz.sealing
    dump_yaml(sealed) -> str                                             grader.quiz.sealing
    read_answers(path) -> (AnswersFile | None, list[Problem])            grader.quiz.answers

Modules, in the order data flows: source (YAML with lines) -> schema (shape) -> checks (rules between fields) ->
variants (per-student values and letters) -> answers -> scoring -> grading -> results; sealing, locks and keys
make and read the student copies; terminal is the interactive `take`; cli holds the commands.
"""

from grader.quiz.answers import AnswersFile, read_answers
from grader.quiz.grading import grade_answers
from grader.quiz.loader import load_quiz, load_quiz_text, require_quiz
from grader.quiz.model import Question, Quiz
from grader.quiz.problems import Problem, QuizError
from grader.quiz.results import QuestionResult, QuizResult, result_to_dict
from grader.quiz.sealing import dump_yaml, seal_quiz

__all__ = [
    "AnswersFile", "Problem", "Question", "QuestionResult", "Quiz", "QuizError", "QuizResult", "dump_yaml",
    "grade_answers", "load_quiz", "load_quiz_text", "read_answers", "require_quiz", "result_to_dict", "seal_quiz",
]
