"""Uploaded CSV files: read and checked by the CSV provider's own code (``check_csv``), every
problem listed by file, row and column. A preview writes nothing; an import keeps the files under
the data directory only when every file passed, for a sync job (source csv) to load them.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kabu_trade.core.clock import tokyo_today
from kabu_trade.datasource.messages import MESSAGES, CsvRejected
from kabu_trade.market.providers.csv_files import CSV_KINDS, CsvCheck, check_csv

#: Where imported files are kept, under KABU_DATA_DIR: one folder per import.
IMPORT_DIR = "imports"
TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Upload:
    kind: str
    filename: str
    data: bytes


def check_uploads(uploads: list[Upload]) -> list[CsvCheck]:
    """Check each file; stocks first, so that every bar's code is looked up in it."""
    by_kind = {upload.kind: upload for upload in uploads}
    checks: list[CsvCheck] = []
    listed: set[str] | None = None
    stocks_name = "the stocks file"
    for kind in CSV_KINDS:
        upload = by_kind.get(kind)
        if upload is None:
            continue
        check = check_csv(
            upload.data,
            kind,
            upload.filename,
            listed_codes=listed if kind == "bars" else None,
            listed_name=stocks_name,
        )
        if kind == "stocks" and check.data is not None:
            listed, stocks_name = set(check.data["code"]), upload.filename
        checks.append(check)
    # Shown in the order of the form: bars, fundamentals, stocks.
    order = {"bars": 0, "fundamentals": 1, "stocks": 2}
    return sorted(checks, key=lambda c: order[c.kind])


def errors_of(checks: list[CsvCheck]) -> list[dict[str, Any]]:
    errors = []
    for check in checks:
        for row, column, message in check.problems:
            errors.append(
                {
                    "file": check.kind,
                    "row": row,
                    "column": column or None,
                    "message": message,
                    "field": ".".join(str(p) for p in (check.kind, row, column) if p != ""),
                }
            )
        hidden = check.total - len(check.problems)
        if hidden > 0:  # a wholly wrong file: its first problems stand for the rest
            errors.append(
                {
                    "file": check.kind,
                    "row": 1,
                    "column": None,
                    "message": f"… and {hidden} more problems in {check.filename}",
                    "field": check.kind,
                }
            )
    return errors


def preview(uploads: list[Upload]) -> dict[str, Any]:
    checks = check_uploads(uploads)
    errors = errors_of(checks)
    return {
        "ok": not errors,
        "files": [
            {
                "kind": c.kind,
                "filename": c.filename,
                "encoding": c.encoding,
                "rows": c.rows,
                "columns": c.columns,
                "preview": c.preview,
                "codes": c.codes,
                "from_date": c.from_date,
                "to_date": c.to_date,
            }
            for c in checks
        ],
        "errors": errors,
    }


def keep_uploads(data_dir: Path, uploads: list[Upload]) -> dict[str, str]:
    """Check every file and keep them all, or raise ``CsvRejected`` listing every problem and keep
    nothing. Returns the job's file params (csv_bars, csv_fundamentals, csv_stocks → path)."""
    checks = check_uploads(uploads)
    errors = errors_of(checks)
    if errors:
        raise CsvRejected(MESSAGES["csv_problems"].format(count=len(errors)), errors)
    folder = (data_dir / IMPORT_DIR / f"{tokyo_today():%Y%m%d}-{uuid.uuid4().hex[:12]}").resolve()
    folder.mkdir(parents=True, exist_ok=False)
    # The bytes as uploaded: the sync's CsvProvider reads them with the same decoding and checks.
    kept = {}
    for upload in uploads:
        path = folder / f"{upload.kind}.csv"
        path.write_bytes(upload.data)
        kept[f"csv_{upload.kind}"] = str(path)
    return kept


def discard(files: dict[str, str]) -> None:
    """Remove an import's folder again (its job could not be queued)."""
    folders = {Path(path).parent for path in files.values()}
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def template(kind: str) -> bytes:
    return (TEMPLATES / f"{kind}.csv").read_bytes()
