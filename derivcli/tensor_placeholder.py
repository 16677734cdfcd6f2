"""A stand-in for ``sympy.tensor.tensor`` until something really needs it.

Every sum sympy builds runs ``from sympy.tensor.tensor import TensExpr, TensAdd``, only to see
whether a term is a tensor. That import loads sympy.combinatorics, which builds the symmetry
groups of the five regular solids while it loads: about 30 ms, a tenth of a short command, for
tensors that deriv never makes. The stand-in answers that question (nothing is a tensor, since
nothing could have made one yet) and, the first time anything asks it for another name, loads
the real module in its place and answers from it, so a program that does use tensors gets them.
"""

from __future__ import annotations

import importlib
import sys
import types

NAME = "sympy.tensor.tensor"


class TensExpr:
    """No expression is an instance: only the real module makes tensors."""


class TensAdd(TensExpr):
    """No expression is an instance: only the real module makes tensors."""


class _Placeholder(types.ModuleType):
    """The module in ``sys.modules`` until another name than the two above is asked for. It holds
    no attributes of its own: ``from sympy.tensor.tensor import Tensor, TensExpr`` keeps this
    object for both names, and once the first has loaded the real module the second must come
    from it too."""

    def __getattr__(self, name):
        real = sys.modules.get(NAME)
        if real is not self and real is not None:
            return getattr(real, name)
        if name in _STANDING_IN:
            return _STANDING_IN[name]
        if name.startswith("__"):  # the import machinery probing for __path__, __file__, ...
            raise AttributeError(name)
        return getattr(load_real(), name)


_STANDING_IN = {"TensExpr": TensExpr, "TensAdd": TensAdd}


def install() -> None:
    """Put the stand-in in place, unless the real module is loaded already."""
    if NAME not in sys.modules:
        sys.modules[NAME] = _Placeholder(NAME, __doc__)


def load_real() -> types.ModuleType:
    """Replace the stand-in by the real module (from then on every import gets the real one)."""
    module = sys.modules.get(NAME)
    if isinstance(module, _Placeholder):
        del sys.modules[NAME]
        module = importlib.import_module(NAME)
    return module
