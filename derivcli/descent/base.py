"""The parts of deriv's exact-math base that descent stands on, imported in this one place.

Real branches (odd roots are real roots) and exact values for the compiler and the start check;
small dense linear algebra for Newton's step, the curvature and the classification of the end.
"""

from derivcli.evaluation import real_branch, value_at
from derivcli.linear_algebra import is_positive_definite, solve_linear, symmetric_eigen

__all__ = ["is_positive_definite", "real_branch", "solve_linear", "symmetric_eigen", "value_at"]
