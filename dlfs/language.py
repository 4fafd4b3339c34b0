"""The language of dlfs's messages to learners: English, or Korean (한국어) for the Korean edition.

The Korean notebooks (notebooks/ko/) start with ``dlfs.set_language("ko")``; from then on the
exercise feedback of :mod:`dlfs.exercises` speaks Korean. Error messages stay in English.
"""

from __future__ import annotations

LANGUAGES = ("en", "ko")

_current = {"language": "en"}  # one setting per Python process, like a notebook kernel


def set_language(language: str) -> None:
    """Choose the language of learner-facing feedback: ``"en"`` (default) or ``"ko"``."""
    if language not in LANGUAGES:
        raise ValueError(f"set_language: language must be one of {LANGUAGES}, got {language!r}.")
    _current["language"] = language


def get_language() -> str:
    """The language chosen by :func:`set_language` (``"en"`` until then)."""
    return _current["language"]
