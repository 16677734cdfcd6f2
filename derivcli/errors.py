"""Exception types and exit statuses: the one place a failure gets its number."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """The documented exit statuses of every deriv command."""

    SUCCESS = 0
    EXPECTATION_FAILED = 1
    USAGE = 2
    NO_ANSWER = 3
    RESOURCE_LIMIT = 4
    INTERNAL = 70
    INTERRUPTED = 130


class DerivError(Exception):
    """A failure that deriv reports as one line on stderr with an exit status.

    ``hint`` is an optional second sentence that tells the user what to do.
    """

    status = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self):
        return (type(self), (self.message, self.hint))


class UsageError(DerivError):
    """Bad options or arguments (exit 2)."""

    status = ExitStatus.USAGE


class ParseError(UsageError):
    """An expression or point that cannot be parsed or is not allowed (exit 2)."""


class NoAnswerError(DerivError):
    """No mathematical answer exists: undefined at a point, not real, diverged (exit 3)."""

    status = ExitStatus.NO_ANSWER


class ResourceLimitError(DerivError):
    """A time or memory limit of the guard was hit (exit 4)."""

    status = ExitStatus.RESOURCE_LIMIT


class ExpectationFailed(DerivError):
    """An ``--expect`` check found a different answer (exit 1)."""

    status = ExitStatus.EXPECTATION_FAILED


class InternalError(DerivError):
    """A bug in deriv, such as a derivation that disagrees with sympy (exit 70).

    ``details`` carries a traceback for ``--debug``.
    """

    status = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str | None = None, details: str | None = None):
        super().__init__(message, hint)
        self.details = details

    def __reduce__(self):
        return (type(self), (self.message, self.hint, self.details))
