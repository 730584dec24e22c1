"""Where the quiz tests find their quizzes, and how hard their test copies are sealed.

A module of its own (not conftest.py) so that test files import it by a name no other test folder uses.
"""

from pathlib import Path

from tests.conftest import QUIZZES

SHIPPED = sorted(QUIZZES.glob("*.yaml"))
MALFORMED = Path(__file__).parent / "malformed"
FAST_COST = 2**8  # sealing cost for tests: the format is the same, each lock opens in well under a millisecond
