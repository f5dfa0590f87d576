from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kabu_trade.core.config import ProviderName

JobKind = Literal["sync", "refresh"]
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: JobStatus
    params: dict[str, Any]
    requested_by: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    worker: str | None = Field(description="host:pid of the process running it")
    progress_done: int
    progress_total: int
    progress_label: str
    result: dict[str, Any] | None = Field(description="what the job did, e.g. rows written by a sync")
    error: str | None
    eta_seconds: float | None = Field(
        description="seconds left in the current phase at the rate so far; null until there is progress"
    )
    attempt: int = Field(description="1, or the run after a worker died (a sync resumes where it was)")


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: JobKind
    source: ProviderName | None = Field(
        default=None, description="sync only: the data source (default: the server's KABU_DATA_SOURCE)"
    )
    replace: bool = Field(
        default=False, description="sync only: delete demo data before loading real data (or the reverse)"
    )
