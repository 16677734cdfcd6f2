"""deriv: derivatives that show their working, for people at a terminal, scripts and CI.

The package's folders are its layers, and imports run one way (tests/test_layout.py keeps it so):
the shell (``cli``, ``jobs``, ``checking``, ``api``) and the renderers (``render/``) call the
engines (``evaluation``, ``derivation/``, ``analysis/``, ``descent/``), which stand on the
exact-math base (``calculus/``), which stands on the foundation (``parsing``, ``guard``,
``output``, ``errors``, ``notation``).  Importing this package loads nothing heavy: start-up is
measured.

The Python API, loaded on first use (PEP 562), returns the result objects the commands render::

    import derivcli
    derivcli.derivative("sin(x)**2").derivation.result        # sin(2*x)
    derivcli.evaluate("x**2", at=3).points[0].values          # [9]
    derivcli.critical_points("x**3 - 3*x").points             # x = -1, x = 1
    derivcli.classify("x**2 - y**2").classifications[0].kind  # 'saddle'
    derivcli.descend("(x - 3)**2", start=0).point             # (2.99999…,)

Text is read by deriv's own parser, never ``sympify``; ``guarded=True`` runs the work under the
guard's time and memory limits. See :mod:`derivcli.api`.
"""

from derivcli import tensor_placeholder as _tensor_placeholder

__version__ = "0.1.0"
_tensor_placeholder.install()  # before sympy's first sum: see tensor_placeholder
API = ("derivative", "evaluate", "critical_points", "classify", "descend")


def __getattr__(name: str):
    """``derivcli.derivative`` and the rest of the API, imported when first used."""
    if name in API:
        import derivcli.api as api  # lazy: the API loads sympy; importing derivcli must not

        return getattr(api, name)
    raise AttributeError(f"module 'derivcli' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(API))
