"""deriv: derivatives that show their working, for people at a terminal, scripts and CI.

The package's folders are its layers, and imports run one way (tests/test_layout.py keeps it so):
the shell (``cli``, ``jobs``) and the renderers (``render/``) call the engines (``evaluation``,
``derivation/``, ``analysis/``, ``descent/``), which stand on the exact-math base
(``calculus/``), which stands on the foundation (``parsing``, ``guard``, ``output``, ``errors``,
``notation``).  Importing this package loads nothing heavy: start-up is measured.
"""

__version__ = "0.1.0"
