"""Bounded request parameters shared by the routers.

Ids are PostgreSQL ``integer`` (and SQLite's 64-bit integer): a larger one in a URL made the
driver raise and the API answer 500, so every id is bounded here and an out-of-range one is a 422
that names the parameter. Offsets are bounded so that a query never asks the database to skip
an absurd number of rows.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator
from pydantic_core import PydanticKnownError

MAX_ID = 2_147_483_647  # PostgreSQL integer
MAX_OFFSET = 1_000_000
MAX_VERSION = 1_000_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    # Pydantic's lax mode reads "0" as 1970-01-01 (a Unix time): a query date must be written out.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        # pydantic's own date error, so that it is translated like any other (core/validation_i18n.py).
        raise PydanticKnownError("date_parsing", {"error": "write it out, e.g. 2024-06-28"})
    return value


IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="id (1 to 2,147,483,647)")]
VersionPath = Annotated[int, Path(ge=1, le=MAX_VERSION)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip (at most 1,000,000)")]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
