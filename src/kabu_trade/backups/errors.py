"""Why a backup or a restore was refused (the CLI prints the detail and exits 1)."""

from __future__ import annotations

from kabu_trade.core.errors import AppError


class BackupError(AppError):
    """A backup could not be made, stored or read: nothing was restored."""

    status_code = 409
    error = "backup_refused"


class NotStored(BackupError):
    """The storage holds no object of that name."""

    status_code = 404
    error = "not_found"
