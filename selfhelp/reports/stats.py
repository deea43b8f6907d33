"""Statistics on aggregates fetched from the database: a mean with its 95 % confidence interval."""
from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
_Z975 = 1.959964


def t_critical(df: int) -> float:
    """t(0.975, df): the table up to 30, then the Cornish-Fisher expansion (error < 0.001)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return (z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3))


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    low: float | None
    high: float | None


def mean_ci(n: int, total: float, total_sq: float) -> MeanCI:
    """Mean and 95 % CI (t distribution) from n, Σx and Σx², as SQL gives them.

    With fewer than two values there is no interval (low and high are None).
    """
    if n <= 0:
        return MeanCI(0, None, None, None)
    mean = total / n
    if n < 2:
        return MeanCI(n, mean, None, None)
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    half = t_critical(n - 1) * math.sqrt(variance / n)
    return MeanCI(n, mean, mean - half, mean + half)
