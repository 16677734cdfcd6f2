"""The README works as written for a newcomer: its shell lines run in a fresh copy of the
repository with nothing installed beforehand (the virtual environment is the README's own, built
once for this module, in a temporary directory), and its terminal examples are what a terminal
shows now.

The fresh install is the slow part (pip unpacking sympy into a new environment: about 40 s on
the 2-core machine, 80 s when it is loaded); CI runs it, as it runs every test.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, strip_ansi

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHELL_BLOCKS = [block.splitlines() for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)]
CI_STEP = re.search(r"```yaml\n.*?run: \|\n(.*?)```", README, flags=re.DOTALL)[1]
PAGE_TITLE = "deriv - derivatives that show their working"


def newcomer_environment() -> dict:
    """This environment without any trace of the test's own virtual environment: no deriv on
    PATH, no VIRTUAL_ENV, no MANPATH; man pages printed instead of paged."""
    ours = str(Path(sys.executable).parent)
    path = os.pathsep.join(part for part in os.environ.get("PATH", "").split(os.pathsep) if part != ours)
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("VIRTUAL_ENV", "PYTHONPATH", "MANPATH", "FORCE_COLOR", "PYTHONHOME")}
    environment.update(PATH=path, MANPAGER="cat", PAGER="cat", MANWIDTH="80")
    return environment


def bash(command: str, checkout: Path):
    return subprocess.run(["bash", "-c", command], cwd=checkout, capture_output=True, text=True,
                          timeout=900, env=newcomer_environment())


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the repository as a clone has it: no virtual environment, no build leftovers."""
    copy = tmp_path_factory.mktemp("newcomer") / "deriv"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "*.egg-info", "build", "__pycache__", ".pytest_cache", ".hypothesis"))
    assert shutil.which("deriv", path=newcomer_environment()["PATH"]) is None
    return copy


def console_output(command: str) -> str:
    """What the README's ```console blocks show under ``$ command``."""
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        lines = block.splitlines()
        if f"$ {command}" in lines:
            start = lines.index(f"$ {command}") + 1
            end = next((index for index in range(start, len(lines)) if lines[index].startswith("$ ")), len(lines))
            return "\n".join(lines[start:end])
    raise AssertionError(f"no console example of {command!r}")


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed: the README's man lines cannot run")
def test_the_install_lines_the_ci_step_and_the_developer_line_work_as_written(checkout):
    install, activate = SHELL_BLOCKS[0]
    (developer,) = SHELL_BLOCKS[1]

    installed = bash(install, checkout)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert installed.stdout.splitlines()[-1] == "6"

    # the second line: a bare deriv and `man deriv` once the environment is active
    activated = bash(activate, checkout)
    assert activated.returncode == 0, activated.stderr
    assert activated.stdout.startswith("6\n") and PAGE_TITLE in activated.stdout

    # the CI step, in that environment, run as the CI runner runs it (a script that stops at the
    # first failing line): it installs from the repository, checks the file and writes the report
    checked = bash(f". .venv/bin/activate\nset -e\n{CI_STEP}", checkout)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert checked.stdout.rstrip("\n").splitlines()[-1] == console_output("deriv check examples/checks.txt")
    assert "<testsuite" in (checkout / "deriv-report.xml").read_text()

    # the developer's line, except that the suite (this test among it) is collected, not run
    assert developer.endswith(" && .venv/bin/python -m pytest")
    developed = bash(developer + " --collect-only -q", checkout)
    assert developed.returncode == 0, developed.stderr[-2000:] + developed.stdout[-2000:]
    collected = re.findall(r"^tests/(test_\w+)\.py: \d+$", developed.stdout, flags=re.MULTILINE)
    assert "test_readme_as_written" in collected and len(collected) >= 10, developed.stdout[-2000:]
    editable = bash(". .venv/bin/activate && deriv diff 'x**2' --at 3", checkout)
    assert editable.stdout == "6\n"
    # as the README says: an editable install has no page for `man deriv`; `man -l` reads it
    assert bash(". .venv/bin/activate && man -w deriv", checkout).returncode != 0
    from_checkout = bash("man -l man/deriv.1", checkout)
    assert from_checkout.returncode == 0 and PAGE_TITLE in from_checkout.stdout


def terminal_examples():
    """(command, the lines shown) of each ```text block that starts with ``$ deriv`` (or with
    ``$ COLUMNS=40 deriv`` for a terminal of that width; 100 columns otherwise)."""
    examples = []
    for block in re.findall(r"```text\n(.*?)```", README, flags=re.DOTALL):
        lines = block.splitlines()
        if lines and re.match(r"\$ (COLUMNS=\d+ )?deriv ", lines[0]):
            examples.append((lines[0][2:], lines[1:]))
    return examples


def width_and_words(command: str) -> tuple[int, list[str]]:
    """The terminal width a README example is shown at, and deriv's arguments."""
    words = shlex.split(command)
    columns = int(words.pop(0).split("=")[1]) if words[0].startswith("COLUMNS=") else 100
    return columns, words[1:]


@pytest.mark.parametrize("command, shown", terminal_examples(), ids=[command for command, _ in terminal_examples()])
def test_terminal_examples_are_what_a_terminal_shows(invoke, command, shown):
    """Each run of lines between two '…' appears, in order, in what the command prints on a
    terminal of the example's width without colour (trailing spaces aside)."""
    columns, words = width_and_words(command)
    result = invoke(*words, terminal=True, columns=columns)
    printed = [line.rstrip() for line in strip_ansi(result.stdout).splitlines()]
    position = 0
    for part in "\n".join(shown).split("…"):
        wanted = [line.rstrip() for line in part.strip("\n").splitlines()]
        if not wanted:
            continue
        found = next((start for start in range(position, len(printed) - len(wanted) + 1)
                      if printed[start:start + len(wanted)] == wanted), None)
        assert found is not None, "not shown as the README says:\n" + "\n".join(wanted)
        position = found + len(wanted)
