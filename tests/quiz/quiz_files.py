"""Where the quiz tests find their quizzes, and how hard their test copies are sealed.

A module of its own (not conftest.py) so that test files import it by a name no other test folder uses.
"""

from pathlib import Path

from tests.conftest import QUIZZES

SHIPPED = sorted(QUIZZES.glob("*.yaml"))
MALFORMED = Path(__file__).parent / "malformed"
FAST_COST = 2**8  # sealing cost for tests: the format is the same, each lock opens in well under a millisecond


def bias_count_question(distractor: str) -> str:
    """The numeric question ``count`` (the parameters of 100 inputs and 10 units) as a quiz file lists it, with
    ``distractor`` as its one distractor line and the misconception ``forgot-bias`` it may name."""
    return f"""  - id: count
    type: numeric
    prompt: 100 inputs, 10 units?
    explanation: (100 + 1) x 10.
    answer: (100 + 1) * 10
    distractors:
      - {distractor}
    misconceptions:
      forgot-bias: Each unit has a bias.
"""
