"""Small dense linear algebra in floats: the Newton steps of `descend` and of the numeric root
search, and the definiteness and eigenvalues `descend` reports. Pure Python: the matrices are
at most a few variables wide, and numpy is not a dependency.
"""

from __future__ import annotations

import math
from typing import Sequence


def solve_linear(matrix: Sequence[Sequence[float]], vector: Sequence[float]) -> list[float] | None:
    """Solve A·d = b by Gaussian elimination with partial pivoting; None when A is singular."""
    n = len(vector)
    rows = [list(map(float, matrix[i])) + [float(vector[i])] for i in range(n)]
    scale = max((abs(v) for row in rows for v in row[:n]), default=0.0)
    if scale == 0 or not math.isfinite(scale):
        return None
    for column in range(n):
        pivot = max(range(column, n), key=lambda r: abs(rows[r][column]))
        if abs(rows[pivot][column]) <= 1e-14 * scale:
            return None
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for r in range(column + 1, n):
            factor = rows[r][column] / rows[column][column]
            if factor:
                for c in range(column, n + 1):
                    rows[r][c] -= factor * rows[column][c]
    solution = [0.0] * n
    for r in range(n - 1, -1, -1):
        total = rows[r][n] - sum(rows[r][c] * solution[c] for c in range(r + 1, n))
        solution[r] = total / rows[r][r]
    return solution


def is_positive_definite(matrix: Sequence[Sequence[float]]) -> bool:
    """True when a Cholesky factorisation of the symmetric matrix succeeds."""
    n = len(matrix)
    lower = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i][j] - sum(lower[i][k] * lower[j][k] for k in range(j))
            if i == j:
                if not total > 0:
                    return False
                lower[i][i] = math.sqrt(total)
            else:
                lower[i][j] = total / lower[j][j]
    return True


def symmetric_eigen(matrix: Sequence[Sequence[float]]) -> tuple[list[float], list[list[float]]]:
    """Eigenvalues (ascending) and unit eigenvectors of a small symmetric matrix (Jacobi)."""
    n = len(matrix)
    # work on the matrix scaled to entries of at most 1, so that squares cannot overflow
    scale = max((abs(float(v)) for row in matrix for v in row), default=0.0) or 1.0
    a = [[float(v) / scale for v in row] for row in matrix]
    vectors = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _sweep in range(100):
        off = sum(a[i][j] * a[i][j] for i in range(n) for j in range(i + 1, n))
        total = off + sum(a[i][i] * a[i][i] for i in range(n))
        if off == 0 or off <= 1e-32 * total:
            break
        for p in range(n):
            for q in range(p + 1, n):
                if a[p][q] == 0:
                    continue
                theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(n):
                    akp, akq = a[k][p], a[k][q]
                    a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
                for k in range(n):
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
                for k in range(n):
                    vkp, vkq = vectors[k][p], vectors[k][q]
                    vectors[k][p], vectors[k][q] = c * vkp - s * vkq, s * vkp + c * vkq
    order = sorted(range(n), key=lambda i: a[i][i])
    return [a[i][i] * scale for i in order], [[vectors[k][i] for k in range(n)] for i in order]
