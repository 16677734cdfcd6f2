"""The renderer of `deriv diff`: picks the view for the kind of answer (one derivative, a
gradient, Hessian or Jacobian, an implicit derivative), since in a batch each line may be another
kind (an equation among formulas)."""

from __future__ import annotations

from derivcli.derivation import Differentiation, ImplicitDerivative
from derivcli.render import derivation, implicit, several


def _view(result):
    if isinstance(result, Differentiation):
        return derivation
    if isinstance(result, ImplicitDerivative):
        return implicit
    return several


def plain(result, output) -> list[str]:
    return _view(result).plain(result, output)


def to_json(result, output) -> dict:
    return _view(result).to_json(result, output)


def latex(result, output) -> str:
    return _view(result).latex(result, output)


def rich(result, output):
    return _view(result).rich(result, output)
