"""The README's examples run: every ```console block's `$ deriv …` line is run in a shell, piped,
and must print exactly what the README shows under it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def examples():
    cases = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    cases.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            cases.append((command, "\n".join(expected)))
    return cases


EXAMPLES = examples()


def test_the_readme_has_examples_for_every_command():
    commands = {command.split()[1] for command, _ in EXAMPLES if command.startswith("deriv ")}
    assert {"diff", "eval", "critical", "classify", "descend"} <= commands


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[command for command, _ in EXAMPLES])
def test_example(command, expected):
    bin_directory = str(Path(sys.executable).parent)
    environment = {**os.environ, "PATH": bin_directory + os.pathsep + os.environ.get("PATH", "")}
    environment.pop("FORCE_COLOR", None)
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                            env=environment, cwd=ROOT)
    assert result.stdout.rstrip("\n") == expected.rstrip("\n"), result.stderr
