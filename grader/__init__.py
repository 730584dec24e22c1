"""nn-grader: auto-graded numpy exercises and concept quizzes for the first chapter of deep learning."""

__version__ = "0.1.0"
