"""Text normalisation for stock search: full/half width, case, and katakana vs hiragana."""

from __future__ import annotations

import unicodedata

_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_KANA_OFFSET = ord("ァ") - ord("ぁ")


def normalize_search(text: str | None) -> str:
    """NFKC (full-width → half-width ASCII, half-width kana → full-width), case-fold, katakana → hiragana.

    Applied both to what is stored and to what is searched, so ``ＴＯＹＯＴＡ``, ``toyota``,
    ``トヨタ`` and ``とよた`` all meet.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        chr(ord(ch) - _KANA_OFFSET) if _KATAKANA_START <= ord(ch) <= _KATAKANA_END else ch for ch in folded
    ).strip()


def stock_search_text(code: str, *names: str | None) -> str:
    return " ".join(normalize_search(part) for part in (code, *names) if part)
