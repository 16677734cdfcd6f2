"""No path from user text to code: the source itself is checked for the dangerous calls."""

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SOURCES = sorted((ROOT / "derivcli").rglob("*.py"))
BUILTINS = {"eval", "exec", "compile", "__import__"}
SYMPY_PARSERS = {"parse_expr", "sympify", "S", "lambdify"}


def calls(path: Path):
    """Calls of the builtins that run text, and of sympy's functions that may parse it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in BUILTINS | SYMPY_PARSERS:
            yield node.func.id, node
        elif isinstance(node.func, ast.Attribute) and node.func.attr in SYMPY_PARSERS:
            yield node.func.attr, node


@pytest.mark.parametrize("path", SOURCES, ids=[str(path.relative_to(ROOT)) for path in SOURCES])
def test_no_string_parsing_calls(path):
    for name, node in calls(path):
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if name == "sympify":
            strict = [keyword for keyword in node.keywords if keyword.arg == "strict"]
            assert strict and getattr(strict[0].value, "value", None) is True, f"{where}: sympify without strict=True"
        elif name == "lambdify":
            first = node.args[1] if len(node.args) > 1 else None
            assert not isinstance(first, ast.Constant), f"{where}: lambdify of a literal string"
        elif name in ("exec", "compile"):
            # descent's loop is code printed from sympy objects, never from text
            assert path.relative_to(ROOT) == Path("derivcli/descent/compiling.py"), (
                f"{where}: {name}() outside the descent compiler"
            )
        else:
            raise AssertionError(f"{where}: {name}() may not appear in deriv's source")


def test_the_parser_never_hands_text_to_sympy():
    text_functions = {"sympify", "parse_expr", "S", "Symbol", "Function"}
    modules = sorted((ROOT / "derivcli" / "parsing").glob("*.py"))
    assert len(modules) >= 4, "the parser's modules moved: point this test at them"
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in text_functions:
                if node.func.attr in ("Symbol", "Function"):
                    continue  # they take a validated name, not an expression
                raise AssertionError(f"{path.name}:{node.lineno} calls sympy.{node.func.attr}")
