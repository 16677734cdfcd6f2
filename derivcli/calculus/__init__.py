"""The exact-math base every engine stands on.

What it does: reads a formula's real branches (odd roots as real roots) and its corners; decides
values, signs and finiteness of exact constants; tells where and why a formula has no real value
at a point; looks just beside a point (one-sided forms and limits); takes the analysis'
derivatives; compares answers for ``--expect`` by mathematical equivalence; and does the small
dense linear algebra of Newton steps.  It knows nothing of commands or rendering.

Modules: ``branches`` (real readings, corners), ``constants`` (signs, floats, tidy forms),
``domain`` (where a value does not exist), ``values`` (value_at, real_value), ``scale``
(zero tests relative to a quantity's size nearby), ``sides``
(one-sided behaviour), ``derivatives``, ``equivalence``, ``linear_algebra``.  Import from the
package, not from the modules.
"""

from .branches import branches_at, corner_arguments, is_odd_root, kinks_at, real_branch, real_function
from .constants import (
    attempt,
    is_finite_real,
    real_algebraic,
    same_real_root,
    sign_of,
    tidy,
    to_float,
)
from .derivatives import HIGHEST_ORDER, clear_caches, derivative, derivative_values, first_nonzero_derivative
from .domain import LIMIT_SECONDS, check_computable, shown, spaced
from .equivalence import (
    Comparison, ExpectedValue, compare, compare_answer, compare_expected, compare_point_near, compare_point_sets, compare_values,
)
from .linear_algebra import is_positive_definite, solve_linear, symmetric_eigen
from .scale import RELATIVE_ZERO, local_scale, negligible, tolerance_for
from .sides import STEP, beside, defined_near, limit_from_above, localize, one_sided_limit, sign_near_zero
from .values import derivative_sides, derivative_value_at, real_value, value_at

__all__ = [
    "HIGHEST_ORDER", "LIMIT_SECONDS", "STEP", "Comparison", "ExpectedValue",
    "attempt", "beside", "branches_at", "check_computable", "clear_caches", "compare", "compare_answer", "compare_expected",
    "compare_point_near", "compare_point_sets", "compare_values", "corner_arguments",
    "defined_near", "derivative", "derivative_sides", "derivative_value_at", "derivative_values",
    "first_nonzero_derivative", "is_finite_real", "is_odd_root", "is_positive_definite",
    "kinks_at", "limit_from_above", "localize", "one_sided_limit", "real_algebraic",
    "real_branch", "real_function", "real_value", "same_real_root", "shown", "sign_near_zero",
    "sign_of", "solve_linear", "spaced", "symmetric_eigen", "tidy", "to_float", "value_at",
    "RELATIVE_ZERO", "local_scale", "negligible", "tolerance_for",
]
