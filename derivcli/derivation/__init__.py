"""The engine of `deriv diff`: the derivative as a tree that names the rule at every node.

What it does: builds the derivation rule by rule (one small class per rule in ``rules``, chosen
by ``engine``), simplifies the result, cross-checks it against an engine other than the rules,
evaluates the slope at a point and runs ``--expect`` and ``--strict`` (``answer``).  It exports
``answer`` and ``Differentiation`` for the commands, ``derive`` and ``differentiate`` for the
trees, and the ``Step`` nodes.  Import from the package, not from the modules.
"""

from .answer import Differentiation, answer
from .differentiation import derive, differentiate
from .step import CrossCheck, Derivation, Step

__all__ = ["CrossCheck", "Derivation", "Differentiation", "Step", "answer", "derive", "differentiate"]
