"""The data page's messages in Japanese and English (``core/i18n.py``), and its 422 errors."""

from __future__ import annotations

from typing import Any

from kabu_trade.core.errors import InvalidInput
from kabu_trade.core.i18n import Text


class Unprocessable(InvalidInput):
    """A value the schema accepts but the data page cannot use (a refused key, a bad code): 422."""

    status_code = 422


class CsvRejected(Unprocessable):
    """Uploaded CSV files with problems: every one is listed in ``errors``; nothing was written."""

    def __init__(self, detail: Text, errors: list[dict[str, Any]]) -> None:
        super().__init__(detail, field="files")
        self.errors = errors


MESSAGES: dict[str, Text] = {
    "key_refused": Text(
        "J-Quants refused this API key (HTTP {status}). Check the key on the J-Quants dashboard and "
        "that the {plan} plan is the one subscribed.",
        "J-Quants がこの APIキーを受け付けませんでした（HTTP {status}）。J-Quants のダッシュボードで"
        "キーと、契約しているプラン（{plan}）を確認してください。",
    ),
    "key_unreadable": Text(
        "The stored J-Quants API key cannot be read: it was saved under another secret key "
        "(KABU_SECRET_KEY changed, or the database came from another install). Enter the key again.",
        "保存済みの J-Quants APIキーを読み出せません。別の秘密鍵（KABU_SECRET_KEY の変更、または別の"
        "環境のデータベース）で保存されています。APIキーをもう一度入力してください。",
    ),
    "key_missing": Text(
        "No J-Quants API key is stored or configured: enter one.",
        "J-Quants の APIキーが保存・設定されていません。APIキーを入力してください。",
    ),
    "key_blank": Text("The API key is empty.", "APIキーが空です。"),
    "bad_codes": Text(
        "Not 4-character TSE codes (e.g. 7203, 130A): {codes}",
        "東証の4桁の銘柄コード（例: 7203, 130A）ではありません: {codes}",
    ),
    "no_codes": Text(
        "No stock codes are set for yfinance: save the codes first.",
        "yfinance の銘柄コードが未設定です。先に銘柄コードを保存してください。",
    ),
    "confirm": Text(
        "Switching the data source replaces what the next syncs load: send confirm=true.",
        "データソースの切り替えには確認が必要です（confirm=true）。",
    ),
    "csv_problems": Text(
        "{count} problem(s) in the CSV files; nothing was imported.",
        "CSVファイルに {count} 件の問題があります。何も取り込んでいません。",
    ),
    "csv_demo_held": Text(
        "The database holds demo data; demo and real data are never mixed. Import with replace=true "
        "to delete it first.",
        "データベースにはデモデータがあります。デモと実データは混在させません。"
        "先に削除するには replace=true で取り込んでください。",
    ),
    "upload_too_large": Text(
        "The file {name} is larger than the upload limit of {limit:,} bytes.",
        "ファイル {name} がアップロードの上限（{limit:,}バイト）を超えています。",
    ),
    # Estimate notes
    "note_free_delay": Text(
        "The Free plan serves data with a 12-week delay: the newest {weeks} weeks are not available.",
        "Freeプランのデータは12週間遅れです。直近{weeks}週間のデータは取得できません。",
    ),
    "note_history": Text(
        "The {plan} plan serves {years} years of history; older sessions are not fetched.",
        "{plan}プランで取得できる過去データは{years}年分です。それより古い営業日は取得しません。",
    ),
    "note_rate": Text(
        "At most {rpm} requests a minute on the {plan} plan (financial summaries: at most {fins} a "
        "minute on every plan); the first sync takes about {minutes} minutes, later daily syncs a few "
        "requests.",
        "{plan}プランは1分あたり最大{rpm}リクエスト（決算サマリーはどのプランでも1分あたり最大{fins}）"
        "です。初回の同期は約{minutes}分、その後の日次同期は数リクエストです。",
    ),
    "note_yf_unofficial": Text(
        "Yahoo Finance is not an official data service: its unofficial API may change or stop "
        "without notice.",
        "Yahoo Finance は公式のデータサービスではありません。非公式のAPIは予告なく変更・停止される"
        "ことがあります。",
    ),
    "note_yf_personal": Text(
        "Yahoo's terms allow personal use only; do not redistribute the data.",
        "Yahoo の利用規約上、個人利用に限られます。データを再配布しないでください。",
    ),
    "note_yf_requests": Text(
        "One request per code ({codes} codes), about {pause} s apart.",
        "銘柄コードごとに1リクエスト（{codes}銘柄）、約{pause}秒間隔です。",
    ),
}
