"""The language of the server's own messages (errors): Japanese or English.

Which language a request gets is decided once, by :func:`negotiate` over the account's saved
language (when the request is signed in) and then ``Accept-Language``; Japanese is the default,
because the app's users are Japanese investors and the first screen (setup) has no account yet.

A message that exists in both languages is a :class:`Text`; an ``AppError`` built from one is
rendered in the request's language by the one error handler (``core/errors.py``), while its
``detail`` stays the English text for logs, the CLI and older callers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["ja", "en"]
LANGUAGES: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANGUAGE: Lang = "ja"


def as_language(value: object, default: Lang = DEFAULT_LANGUAGE) -> Lang:
    """``value`` when it is a supported language (``en-US`` counts as ``en``), else ``default``."""
    if isinstance(value, str):
        language = value.split("-")[0].strip().lower()
        if language in LANGUAGES:
            return "ja" if language == "ja" else "en"
    return default


def negotiate(accept_language: str | None, default: Lang = DEFAULT_LANGUAGE) -> Lang:
    """``ja`` or ``en`` from an ``Accept-Language`` header (RFC 9110: q-values honoured, ``q=0``
    excluded, the earlier of equal q-values wins, ``*`` means ``default``); ``default`` when neither
    language is acceptable or the header is absent."""
    if not accept_language:
        return default
    best: tuple[float, int, Lang] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, *options = (part.strip() for part in item.split(";"))
        q = 1.0
        for option in options:
            if option.lower().startswith("q="):
                try:
                    q = float(option[2:])
                except ValueError:
                    q = 0.0
        if not math.isfinite(q) or q <= 0:
            continue
        language = tag.split("-")[0].lower()
        if language == "*":
            chosen = default
        elif language in LANGUAGES:
            chosen = as_language(language)
        else:
            continue
        candidate = (-q, position, chosen)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else default


@dataclass(frozen=True)
class Text:
    """One message in both languages; ``format`` fills both with the same values."""

    en: str
    ja: str

    def format(self, **values: Any) -> Text:
        return Text(self.en.format(**values), self.ja.format(**values))

    def get(self, lang: Lang) -> str:
        return self.ja if lang == "ja" else self.en
