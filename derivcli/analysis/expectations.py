"""What ``--expect`` means for classify: the kind of point named, and the failure when it differs."""

from __future__ import annotations

from derivcli.errors import ExpectationFailed, UsageError

from .results import KINDS, WORDS


def expected_kind(text: str) -> str:
    """The kind named by ``--expect`` for classify: a JSON kind or a stable phrase
    (``minimum``, ``local minimum``, ``saddle point``, ``not critical`` …)."""
    wanted = " ".join(text.lower().replace("_", " ").split())
    for kind in KINDS:
        if wanted in (kind.replace("_", " "), WORDS[kind]):
            return kind
    words = ", ".join(WORDS[kind] for kind in KINDS)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise UsageError(f"--expect {shown!r} names no kind of point", hint=f"one of: {words}")


def compare_kind(actual_kind: str, kind: str, where: str) -> ExpectationFailed | None:
    """None when the point is of the expected kind (as expected_kind reads it); else the failure
    to report (exit 1)."""
    if kind == actual_kind:
        return None
    return ExpectationFailed(f"expected {WORDS[kind]} at {where}, got {WORDS[actual_kind]}")
