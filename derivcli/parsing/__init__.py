"""Text to sympy, safely: the foundation every command reads its input with.

What it does: reads a formula (``x^2``, ``2x``, ``√x``, a leading ``f(x) =``) into a sympy
expression together with the domain of the formula as written (every denominator, even root,
real power and logarithm, kept as conditions, since sympy's own simplification forgets them:
``x/x`` is 1), or into an equation; reads points, families of points and intervals; chooses the
variable.  User text never reaches ``sympify``, ``parse_expr`` or ``eval``: it is scanned,
parsed by ``ast`` (parse only) and built from fixed tables of names.

Modules: ``formulas`` (text to formulas, points and families), ``building`` (ast to sympy, with the
conditions), ``conditions`` (the conditions and their test at a point), ``vectors`` (bracketed vectors
and matrices), ``vocabulary`` (the names and limits).  Import from the package, not from the modules.
"""

from .conditions import NONNEGATIVE, NONZERO, POSITIVE, Condition, domain_symbols, domain_violation, undecided_conditions
from .formulas import (
    Formula,
    PointFamily,
    choose_variables,
    decimal_places,
    format_point,
    is_family,
    is_stretch,
    parse_expression,
    parse_family,
    parse_formula,
    parse_interval,
    parse_point,
    parse_stretch,
    parse_value,
    sorted_symbols,
    symbol_named,
)
from .vectors import is_vector, parse_matrix, split_elements
from .vocabulary import CONSTANTS, FUNCTIONS, GREEK_NAMES, MAX_DEPTH, MAX_NAME_LENGTH, OTHERWISE_NAMES, PIECEWISE_NAMES

__all__ = [
    "CONSTANTS", "FUNCTIONS", "GREEK_NAMES", "MAX_DEPTH", "MAX_NAME_LENGTH", "OTHERWISE_NAMES", "PIECEWISE_NAMES",
    "Condition", "Formula", "PointFamily", "choose_variables", "decimal_places", "domain_symbols",
    "domain_violation", "format_point", "is_family", "is_stretch", "is_vector", "parse_expression", "parse_family",
    "parse_formula", "parse_interval", "parse_matrix", "parse_point", "parse_stretch", "parse_value", "sorted_symbols",
    "split_elements", "symbol_named",
    "undecided_conditions", "NONNEGATIVE", "NONZERO", "POSITIVE",
]
