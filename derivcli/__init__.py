"""deriv: derivatives that show their working, for people, scripts and CI."""

__version__ = "0.1.0"
