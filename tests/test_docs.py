"""The manual, the help and the program agree (the habit of sqlite-utils' test_docs.py)."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import click
import pytest

from conftest import ROOT, deriv_command
from derivcli.cli import cli

sys.path.insert(0, str(ROOT / "scripts"))
import generate_man_page  # noqa: E402

PAGE = ROOT / "man" / "deriv.1"
COMMANDS = ["diff", "eval", "critical", "classify", "descend", "check"]
JSON_COMMANDS = ["diff", "eval", "critical", "classify", "descend"]


def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def options_of(name):
    command = cli.commands[name]
    return [option for parameter in command.params if isinstance(parameter, click.Option)
            for option in parameter.opts + parameter.secondary_opts]


def test_committed_page_is_what_the_generator_writes():
    assert page_text() == generate_man_page.build(), "run: python scripts/generate_man_page.py"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_in_the_page_and_the_help(name, invoke):
    text = page_text()
    section = text.split(f".SS deriv {name}\n", 1)[1].split(".SS ", 1)[0].split(".SH ", 1)[0]
    help_text = invoke(name, "--help").output
    for option in options_of(name):
        assert option.replace("-", "\\-") in section, f"{option} of {name} missing from the man page"
        assert option in help_text, f"{option} of {name} missing from --help"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_names_its_environment_variable_in_the_page(name):
    section = page_text().split(f".SS deriv {name}\n", 1)[1].split(".SS ", 1)[0].split(".SH ", 1)[0]
    for parameter in cli.commands[name].params:
        if isinstance(parameter, click.Option):
            assert parameter.envvar.startswith(f"DERIV_{name.upper()}_")
            assert f"Environment: \\%{parameter.envvar}." in section, parameter.envvar


def test_every_option_the_page_names_exists():
    known = {option for name in COMMANDS for option in options_of(name)} | {"--help", "--version"}
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", page_text().replace("\\-", "-")))
    assert named - known == set()


def test_sections():
    text = page_text()
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXPRESSION SYNTAX", "OUTPUT",
                    "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"]:
        assert f".SH {section}\n" in text
    for variable in ["NO_COLOR", "FORCE_COLOR", "COLUMNS"]:
        assert variable in text


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_has_no_warnings():
    result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", str(PAGE)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_the_page():
    result = subprocess.run(["man", "-l", str(PAGE)], capture_output=True, text=True,
                            env={**os.environ, "MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"})
    assert result.returncode == 0
    assert "deriv - derivatives that show their working" in result.stdout
    assert "EXIT STATUS" in result.stdout


SAMPLES = {
    "diff": ["x**2", "--at", "3"],
    "eval": ["x**2", "--at", "3"],
    "critical": ["x**3 - 3*x"],
    "classify": ["x**3 - 3*x"],
    "descend": ["x**2", "--from", "3"],
}


@pytest.mark.parametrize("name", JSON_COMMANDS)
def test_json_keys_in_the_page_are_the_real_ones(name, invoke):
    result = invoke(name, *SAMPLES[name], "--json")
    assert list(json.loads(result.output)) == generate_man_page.JSON_KEYS[name]


def test_wheel_ships_the_page_and_man_finds_it_from_the_path(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "build"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("deriv-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith(".data/data/share/man/man1/deriv.1") for name in names)
    if shutil.which("man") is None:
        pytest.skip("man is not installed: the wheel ships the page (checked), but whether man "
                    "finds it from PATH is not")
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q", "--prefix", str(prefix), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    found = subprocess.run(["man", "-w", "deriv"], capture_output=True, text=True,
                           env={**os.environ, "PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}",
                                "MANPATH": ""})
    assert found.stdout.strip() == str(prefix / "share" / "man" / "man1" / "deriv.1")


def complete(words: str, index: int) -> list[str]:
    environment = {**os.environ, "_DERIV_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(index)}
    result = subprocess.run(deriv_command(), capture_output=True, text=True, env=environment, timeout=60)
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_completion_of_commands_and_choices():
    assert complete("deriv d", 1) == ["descend", "diff"]
    assert complete("deriv descend x --method ", 4) == ["gd", "momentum", "newton"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    environment = {**os.environ, "_DERIV_COMPLETE": f"{shell}_source"}
    result = subprocess.run(deriv_command(), capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0
    assert "_DERIV_COMPLETE" in result.stdout
