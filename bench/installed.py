"""Benchmarks time deriv as it runs once installed: with its bytecode compiled.

``pip install`` compiles a package's modules when it installs them, and Python caches the
bytecode of a module it imports. An editable checkout run where ``PYTHONDONTWRITEBYTECODE`` is
set (as on some CI machines and containers) has neither, and recompiles every deriv module on
every start, about 0.18 s that no installed deriv spends, while sympy and numpy in the same
environment were compiled at their install. Each benchmark compiles the package first, as pip
would, so that both sides of a ratio start from compiled code.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "derivcli"


def compile_package() -> None:
    """Write deriv's bytecode into its __pycache__ folders (Python reads it even where it is told
    not to write any)."""
    if not compileall.compile_dir(str(PACKAGE), quiet=1):
        raise SystemExit(f"could not compile {PACKAGE}")
