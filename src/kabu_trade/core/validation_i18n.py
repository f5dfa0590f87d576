"""Validation errors (422) in the request's language, field by field.

English is pydantic's own message. Japanese comes from :data:`JA` by pydantic's error ``type``
and its context (``min_length``, ``ge`` …), naming the field by its Japanese label
(:data:`FIELD_LABELS`, else the field's name as sent). A type without an entry — pydantic has
~110, most of which no request can raise — gets :data:`GENERIC_JA`, which is still Japanese and
still names the field. Domains add labels and their custom error types with :func:`register`; a
custom type without Japanese text keeps its English explanation (better than a vague Japanese one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

from kabu_trade.core.i18n import Lang

#: Every error type pydantic itself raises.
PYDANTIC_TYPES = frozenset(get_args(ErrorType))

GENERIC_JA = "{label}の値が正しくありません。"
# A custom error (PydanticCustomError in a domain's validator) that has no Japanese text yet: the
# English explanation is the only one there is, so it is kept after the Japanese lead-in.
CUSTOM_JA = "{label}の値が正しくありません（{msg}）。"

_INT = "{label}は整数で入力してください。"
_NUMBER = "{label}は数値で入力してください。"
_OBJECT = "{label}はオブジェクト（{{…}}）で指定してください。"
_ARRAY = "{label}は配列（[…]）で指定してください。"
_DATE = "{label}は日付（YYYY-MM-DD、例: 2024-06-28）で入力してください。"
_DATETIME = "{label}は日時（ISO 8601、例: 2024-06-28T09:00:00+09:00）で入力してください。"
_TIME = "{label}は時刻（HH:MM または HH:MM:SS）で入力してください。"
_URL = "{label}は正しいURLで入力してください。"
_UUID = "{label}は正しいUUIDで入力してください。"
_BYTES = "{label}はバイト列で指定してください。"

JA: dict[str, str] = {
    # presence and shape
    "missing": "{label}を入力してください。",
    "extra_forbidden": "{label}という項目は受け付けていません。",
    "json_invalid": "リクエストの本文がJSONとして読めません（{error}）。",
    "json_type": "JSONの文字列またはバイト列が必要です。",
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "dataclass_exact_type": _OBJECT,
    "dict_type": _OBJECT,
    "mapping_type": _OBJECT,
    "none_required": "{label}には値を指定できません（null のみ）。",
    "frozen_field": "{label}は変更できません。",
    "frozen_instance": "{label}は変更できません。",
    "invalid_key": "{label}のキーは文字列にしてください。",
    "is_instance_of": GENERIC_JA,
    "recursion_loop": "{label}が循環参照しています。",
    "union_tag_invalid": (
        "{label}の {discriminator} は {expected_tags} のいずれかにしてください（{tag} は使えません）。"
    ),
    "union_tag_not_found": "{label}に {discriminator} を指定してください。",
    # numbers
    "greater_than": "{label}は{gt}より大きい値にしてください。",
    "greater_than_equal": "{label}は{ge}以上にしてください。",
    "less_than": "{label}は{lt}未満にしてください。",
    "less_than_equal": "{label}は{le}以下にしてください。",
    "multiple_of": "{label}は{multiple_of}の倍数にしてください。",
    "finite_number": "{label}は有限の数値にしてください（NaN や無限大は使えません）。",
    "int_type": _INT,
    "int_parsing": _INT,
    "int_from_float": "{label}は小数部のない整数で入力してください。",
    "int_parsing_size": "{label}の数値が大きすぎます。",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": "{label}は全体で{max_digits}桁以内にしてください。",
    "decimal_max_places": "{label}の小数部は{decimal_places}桁以内にしてください。",
    "decimal_whole_digits": "{label}の整数部は{whole_digits}桁以内にしてください。",
    "bool_type": "{label}は true または false で指定してください。",
    "bool_parsing": "{label}は true または false で指定してください。",
    # text
    "string_type": "{label}は文字列で入力してください。",
    "string_unicode": "{label}は正しいUnicode文字列にしてください。",
    "string_too_short": "{label}は{min_length}文字以上で入力してください。",
    "string_too_long": "{label}は{max_length}文字以内で入力してください。",
    "string_pattern_mismatch": "{label}の形式が正しくありません。",
    "string_not_ascii": "{label}は半角の英数字・記号（ASCII）で入力してください。",
    "enum": "{label}は {expected} のいずれかにしてください。",
    "literal_error": "{label}は {expected} のいずれかにしてください。",
    # collections
    "too_short": "{label}は{min_length}件以上にしてください（{actual_length}件）。",
    "too_long": "{label}は{max_length}件以内にしてください（{actual_length}件）。",
    "list_type": _ARRAY,
    "tuple_type": _ARRAY,
    "set_type": _ARRAY,
    "frozen_set_type": _ARRAY,
    "iterable_type": _ARRAY,
    "set_item_not_hashable": "{label}の要素に使えない値があります。",
    # dates and times
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "{label}は時刻を含まない日付（YYYY-MM-DD）で入力してください。",
    "date_past": "{label}は過去の日付にしてください。",
    "date_future": "{label}は未来の日付にしてください。",
    "time_type": _TIME,
    "time_parsing": _TIME,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_past": "{label}は過去の日時にしてください。",
    "datetime_future": "{label}は未来の日時にしてください。",
    "timezone_naive": "{label}にはタイムゾーンを付けないでください。",
    "timezone_aware": "{label}にはタイムゾーン（例: +09:00）を付けてください。",
    "timezone_offset": "{label}のタイムゾーンが違います。",
    "time_delta_type": "{label}は期間（ISO 8601、例: P1D）で入力してください。",
    "time_delta_parsing": "{label}は期間（ISO 8601、例: P1D）で入力してください。",
    # others a request may carry
    "url_type": _URL,
    "url_parsing": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": "{label}のURLは{max_length}文字以内にしてください。",
    "url_scheme": "{label}のURLは {expected_schemes} で始めてください。",
    "uuid_type": _UUID,
    "uuid_parsing": _UUID,
    "uuid_version": "{label}はバージョン{expected_version}のUUIDにしてください。",
    "bytes_type": _BYTES,
    "bytes_too_short": "{label}は{min_length}バイト以上にしてください。",
    "bytes_too_long": "{label}は{max_length}バイト以内にしてください。",
    "bytes_invalid_encoding": "{label}の符号化が正しくありません。",
    "value_error": CUSTOM_JA,
    "assertion_error": CUSTOM_JA,
}

#: Japanese names of request fields (the last name of the field's path).
FIELD_LABELS: dict[str, str] = {
    "username": "ユーザー名",
    "password": "パスワード",  # nosec B105 - a field's label, not a secret
    "new_password": "新しいパスワード",  # nosec B105 - a field's label, not a secret
    "current_password": "現在のパスワード",  # nosec B105 - a field's label, not a secret
    "setup_token": "セットアップトークン",  # nosec B105 - a field's label, not a secret
    "refresh_token": "リフレッシュトークン",  # nosec B105 - a field's label, not a secret
    "is_admin": "管理者",
    "language": "表示言語",
    "name": "名前",
    "code": "銘柄コード",
    "codes": "銘柄コード",
    "policy_id": "投資方針",
    "note": "メモ",
    "limit": "件数",
    "offset": "開始位置",
    "q": "検索語",
    "from": "開始日",
    "to": "終了日",
    "start": "開始日",
    "end": "終了日",
    "date": "日付",
    "sector": "業種",
    "market": "市場区分",
    "style": "投資スタイル",
    "rules": "ルール",
    "weights": "重み",
    "value": "値",
    "min": "下限",
    "max": "上限",
    "description": "説明",
    "expected_version": "バージョン",
}

#: Messages for one field and error type, where the generic one would be vague.
FIELD_JA: dict[tuple[str, str], str] = {
    ("username", "string_pattern_mismatch"): (
        "ユーザー名は3〜64文字の半角英数字と _ . - で入力してください（日本語や空白は使えません）。"
    ),
}


def register(
    *,
    labels: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
    field_messages: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """A domain's field labels and the Japanese texts of its custom error types (by type)."""
    FIELD_LABELS.update(labels or {})
    JA.update(messages or {})
    FIELD_JA.update(field_messages or {})


def field_path(loc: Sequence[Any]) -> str:
    """``body.rules.0.value`` → ``rules.0.value``: where the value was is said by the route."""
    parts = [str(p) for p in loc]
    return ".".join(parts[1:]) if len(parts) > 1 else (parts[0] if parts else "")


def _name(loc: Sequence[Any]) -> str:
    """The field's own name: the last part of its path that is not a list index."""
    names = [str(p) for p in loc[1:] if not isinstance(p, int)] or [str(p) for p in loc]
    return names[-1] if names else ""


def _choices(expected: object) -> str:
    # pydantic lists choices as "'ja' or 'en'" / "'a', 'b' or 'c'"
    return str(expected).replace(" or ", "、")


def japanese_message(error: Mapping[str, Any]) -> str | None:
    """One pydantic error in Japanese, naming the field; None for a domain's custom error type that
    has no Japanese text registered (its English explanation is then shown as it is)."""
    loc = error.get("loc", ())
    name = _name(loc)
    label = FIELD_LABELS.get(name) or name or "値"
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind == "weak_password":
        return weak_password_ja(label, context)
    template = FIELD_JA.get((name, kind)) or JA.get(kind)
    if template is None:
        if kind not in PYDANTIC_TYPES:
            return None
        template = GENERIC_JA
    if "expected" in context:
        context["expected"] = _choices(context["expected"])
    if "expected_tags" in context:
        context["expected_tags"] = _choices(context["expected_tags"])
    try:
        return template.format(label=label, msg=error.get("msg", ""), **context)
    except (KeyError, IndexError, ValueError):
        # A domain re-raised a pydantic type with its own explanation and without the context
        # (policies/rule_language.py does, to add "did you mean …"): that explanation says more
        # than a generic Japanese line would.
        return None


def message(error: Mapping[str, Any], lang: Lang) -> tuple[str, bool]:
    """The error's message in ``lang``, and whether it names the field itself (a Japanese one
    does; pydantic's English messages do not, so the detail line adds the field's path)."""
    if lang == "ja":
        text = japanese_message(error)
        if text is not None:
            return text, True
    return str(error.get("msg", "invalid value")), False


# --- passwords -----------------------------------------------------------------------------------

#: zxcvbn's feedback (zxcvbn/feedback.py, English only) in Japanese.
ZXCVBN_JA: dict[str, str] = {
    "Use a few words, avoid common phrases.": (
        "よくある言い回しを避け、いくつかの単語を組み合わせてください。"
    ),
    "No need for symbols, digits, or uppercase letters.": "記号・数字・大文字は必須ではありません。",
    "Add another word or two. Uncommon words are better.": (
        "単語をもう1〜2語足してください。珍しい単語ほど安全です。"
    ),
    "Straight rows of keys are easy to guess.": "キーボードの横一列の並びは推測されやすいです。",
    "Short keyboard patterns are easy to guess.": "短いキーボードのパターンは推測されやすいです。",
    "Use a longer keyboard pattern with more turns.": (
        "キーボードのパターンを使うなら、長く曲がりの多いものにしてください。"
    ),
    'Repeats like "aaa" are easy to guess.': "「aaa」のような繰り返しは推測されやすいです。",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "「abcabcabc」のような繰り返しは「abc」とほとんど変わらず推測されやすいです。"
    ),
    "Avoid repeated words and characters.": "同じ単語や文字の繰り返しは避けてください。",
    'Sequences like "abc" or "6543" are easy to guess.': (
        "「abc」や「6543」のような連続は推測されやすいです。"
    ),
    "Avoid sequences.": "連続した文字や数字は避けてください。",
    "Recent years are easy to guess.": "最近の年号は推測されやすいです。",
    "Avoid recent years.": "最近の年号は避けてください。",
    "Avoid years that are associated with you.": "ご自身に関係する年号は避けてください。",
    "Dates are often easy to guess.": "日付は推測されやすいことが多いです。",
    "Avoid dates and years that are associated with you.": "ご自身に関係する日付や年号は避けてください。",
    "This is a top-10 common password.": "よく使われるパスワードの上位10位に入っています。",
    "This is a top-100 common password.": "よく使われるパスワードの上位100位に入っています。",
    "This is a very common password.": "非常によく使われているパスワードです。",
    "This is similar to a commonly used password.": "よく使われるパスワードに似ています。",
    "A word by itself is easy to guess.": "単語1つだけでは推測されやすいです。",
    "Names and surnames by themselves are easy to guess.": "名前や名字だけでは推測されやすいです。",
    "Common names and surnames are easy to guess.": "よくある名前や名字は推測されやすいです。",
    "Capitalization doesn't help very much.": "大文字にしてもあまり強くなりません。",
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "すべて大文字でも、すべて小文字とほぼ同じく推測されやすいです。"
    ),
    "Reversed words aren't much harder to guess.": "単語を逆さにしてもあまり強くなりません。",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "「a」の代わりに「@」のような置き換えはあまり効果がありません。"
    ),
}


def weak_password_ja(label: str, context: Mapping[str, Any]) -> str:
    """Why a password is refused, as a Japanese sentence: the reason first, then what helps."""
    parts = [f"この{label}は推測されやすすぎます。"]
    if context.get("user_input"):
        parts.append("ユーザー名をそのまま、または一部に使わないでください。")
    for text in (context.get("warning") or "", *(context.get("suggestions") or ())):
        # A sentence zxcvbn may add in a later version is left out rather than shown in English.
        if text in ZXCVBN_JA:
            parts.append(ZXCVBN_JA[text])
    return "".join(parts)
