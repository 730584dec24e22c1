"""`nn-grader audit` is a lazy command: its click command lives beside the other commands' modules, not in the
library it drives, and neither is imported until the command is asked for."""

from __future__ import annotations

import subprocess
import sys

import click

from grader import audit_cli
from grader.cli import LAZY_COMMANDS, main


def test_the_audit_command_comes_from_its_cli_module():
    assert LAZY_COMMANDS["audit"] == "grader.audit_cli:audit_command"
    with click.Context(main) as ctx:
        assert main.get_command(ctx, "audit") is audit_cli.audit_command


def loaded_after(statement: str) -> list[str]:
    """The grader.audit* modules a fresh interpreter holds after running ``statement``."""
    probe = f"import sys; {statement}; print(*sorted(m for m in sys.modules if m.startswith('grader.audit')))"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()


def test_the_audit_library_and_its_command_load_only_when_asked_for():
    assert loaded_after("import grader.cli") == []  # `nn-grader check` pays for neither
    assert loaded_after("import grader.audit") == ["grader.audit"]  # the library holds no command
    assert not hasattr(__import__("grader.audit").audit, "audit_command")
