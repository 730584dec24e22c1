"""Ends the process at once with exit code 0 while being imported (no exception to catch)."""

import os

os._exit(0)
