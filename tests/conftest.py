"""Shared helpers: run deriv through click's runner (with a pretend terminal when asked) or as a
real process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from derivcli.cli import cli
from derivcli.output import Environment

# In CI, property tests draw the same examples every run, so a green run stays green; locally
# they explore. (Registered before the test modules, whose own profiles inherit it.)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def strip_ansi(text: str) -> str:
    """Text without terminal escape sequences (colours, bold, cursor moves)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r", "", text)


def deriv_command() -> list[str]:
    """The installed ``deriv`` next to this Python, else ``python -m derivcli``."""
    script = Path(sys.executable).with_name("deriv")
    return [str(script)] if script.exists() else [sys.executable, "-m", "derivcli"]


@pytest.fixture
def invoke():
    """invoke(*args, input=None, terminal=False) -> click Result, through the real CLI group."""

    def run(*args, input=None, terminal=False, columns=100):
        runner = CliRunner()
        environment = None
        if terminal:
            environment = Environment(stdout_isatty=True, stderr_isatty=False,
                                      variables={"COLUMNS": str(columns), "NO_COLOR": "1"})
        return runner.invoke(cli, list(args), input=input, obj=environment, catch_exceptions=False)

    return run


@pytest.fixture
def process():
    """process(*args, input=None, timeout=60) -> CompletedProcess of a real ``deriv``."""

    def run(*args, input=None, timeout=60, env=None):
        environment = dict(os.environ)
        environment.pop("FORCE_COLOR", None)
        environment.update(env or {})
        return subprocess.run(
            deriv_command() + list(args), input=input, capture_output=True, text=True,
            timeout=timeout, env=environment,
        )

    return run
