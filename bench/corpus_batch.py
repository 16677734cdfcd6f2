"""The corpus of bench_batch.py: varied one-variable expressions of the kinds a course derives.

Each family is a few templates filled with small random coefficients from a fixed seed, so the
corpus is the same on every run: polynomials, products, quotients, trig powers, exp·trig, logs,
roots, atan, hyperbolic, and plain exponentials of other bases.
"""

from __future__ import annotations

import random

FAMILIES = {
    "polynomial": [
        "{a}*x**{n} + {b}*x**{m} - {c}", "(x + {a})**{n}", "{a}*x**{n} - {b}*x + {c}",
        "(x**2 - {a})*(x + {b})", "x**{n} - {a}*x**{m} + {b}*x**2",
    ],
    "product": [
        "x**{n}*sin({a}*x)", "(x**2 + {a})*cos({b}*x)", "x**{n}*exp({a}*x)", "x*log({a}*x)",
        "(x + {a})*(x**2 + {b})**{n}", "x**{n}*atan(x)", "sqrt(x)*sin(x)",
    ],
    "quotient": [
        "(x + {a})/(x**2 + {b})", "sin(x)/(x + {a})", "({a}*x**2 - {b})/(x - {c})**2",
        "x/(x**2 + {a})", "(x**2 + {a})/(x**2 - {b})", "exp(x)/(x**{n} + {a})", "log(x)/x**{n}",
        "({a}*x + {b})/({c}*x - 1)", "cos(x)/(1 + sin(x))",
    ],
    "trig power": [
        "sin({a}*x)**{n}", "cos(x)**{n}*sin(x)", "tan({a}*x)**2", "sec(x)**{n}",
        "sin(x)**2*cos(x)**2", "cot(x)**{n}", "csc({a}*x)",
    ],
    "exp trig": [
        "exp({a}*x)*sin({b}*x)", "exp(-x**2)*cos(x)", "exp(-{a}*x)*cos({b}*x + {c})",
        "exp(sin(x))", "exp(x)*tan(x)",
    ],
    "log": [
        "log(x**2 + {a})", "log(sin(x))", "x**2*log({a}*x)", "log(x, {b})", "log(({a}*x + 1)/(x + {b}))",
        "log(cos(x)**2)", "log(x)**{n}",
    ],
    "root": [
        "sqrt(x**2 + {a})", "(x + {a})**(1/3)", "x*sqrt({a} - x**2)", "-{a}*x**5/sqrt(x**7)",
        "sqrt({a}*x + {b})/x", "1/sqrt(x**2 + {a})", "(x**2 + {a})**(3/2)",
    ],
    "atan": [
        "atan({a}*x)", "atan(x/{a})", "x*atan(x)", "atan(sqrt(x))", "atan(x**2 + {a})",
        "acsc(x) - asin(1/x)",
    ],
    "hyperbolic": [
        "sinh({a}*x)**2", "tanh(x)", "cosh(x)*sinh(x)", "asinh(x)", "tanh({a}*x)**{n}",
        "x*cosh({a}*x)", "sech(x)**2",
    ],
    "exponential": [
        "{b}**x", "10**x - 9**x", "2**({a}*x)", "x*{b}**x", "exp(x)/(1 + exp(x))",
    ],
}


def _filled(template: str, generator: random.Random) -> str:
    return template.format(
        a=generator.randint(2, 9), b=generator.randint(2, 9), c=generator.randint(1, 9),
        n=generator.randint(2, 6), m=generator.randint(2, 5),
    )


def corpus(count: int = 320, seed: int = 2026) -> list[str]:
    """``count`` distinct expressions, the families taken in turn."""
    generator = random.Random(seed)
    templates = [template for family in FAMILIES.values() for template in family]
    lines, seen = [], set()
    attempts = 0
    while len(lines) < count and attempts < 100 * count:
        template = templates[attempts % len(templates)]
        attempts += 1
        text = _filled(template, generator)
        if text not in seen:
            seen.add(text)
            lines.append(text)
    return lines
