"""The rule tree of `deriv diff`: derivations built rule by rule, checked against sympy.diff."""

from .differentiation import derive, differentiate
from .step import CrossCheck, Derivation, Step

__all__ = ["CrossCheck", "Derivation", "Step", "derive", "differentiate"]
