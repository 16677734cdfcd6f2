"""The engine of `deriv diff`: the derivative as a tree that names the rule at every node.

What it does: builds the derivation rule by rule (one small class per rule in ``rules``, chosen
by ``engine``), simplifies the result, cross-checks it against an engine other than the rules,
evaluates the slope at a point and runs ``--expect`` and ``--strict`` (``answer``).  In several
variables it builds the gradient, the Hessian (with its eigenvalues at a point: ``curvature``) and
the Jacobian (``several``); it gives the tangent line or plane at a point (``tangent``) and
differentiates an equation implicitly (``implicit``).  It exports ``answer`` and
``Differentiation`` for the commands, ``derive`` and ``differentiate`` for the trees, the result
dataclasses, and the ``Step`` nodes.  Import from the package, not from the modules.
"""

from .answer import Differentiation, answer
from .curvature import Curvature
from .differentiation import derive, differentiate
from .second_engine import load as load_second_engine, use_in_bulk
from .elementwise import ElementwiseComparison, check_shape, expect_elements
from .implicit import ImplicitDerivative, answer_implicit, choose_implicit_variables, oracle
from .several import Gradient, Hessian, Jacobian, SecondPartial, gradient, hessian, jacobian
from .step import CrossCheck, Derivation, Step
from .tangent import Tangent, expect_tangent, tangent

__all__ = ["load_second_engine", "use_in_bulk",
    "CrossCheck", "Curvature", "Derivation", "Differentiation", "ElementwiseComparison", "Gradient", "Hessian",
    "ImplicitDerivative", "Jacobian", "SecondPartial", "Step", "Tangent", "answer", "answer_implicit",
    "check_shape", "choose_implicit_variables", "derive", "differentiate", "expect_elements", "expect_tangent",
    "gradient", "hessian", "jacobian", "oracle", "tangent",
]
