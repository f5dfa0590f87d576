"""The token-signing key of an install that was given none (development and embedded use).

A key written in the source would let anyone who reads the source sign an administrator's token,
so an install without ``KABU_SECRET_KEY`` makes its own random key on first start and keeps it in
``KABU_DATA_DIR``. Production must be given the key (see ``Settings``): a container's data
directory may be thrown away, which would sign everybody out at every deploy.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

# bandit B105 takes this for a password: it is the key file's name, not a key.
SECRET_KEY_FILE = "secret.key"  # nosec B105
MIN_SECRET_LENGTH = 32


class SecretKeyError(ValueError):
    """The key file cannot be used as it is; the message says what to do."""


def load_or_create_secret_key(path: Path) -> str:
    """The key kept at ``path``, made there (mode 0600) if there is none yet.

    Several processes may start at once (``serve --workers 2``): the key is written whole to a
    private temporary file and then hard-linked into place, which fails if another process got there
    first; everyone then reads the one file that won, so all processes sign with the same key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, secrets.token_urlsafe(48))
    return _read(path)


def _create(path: Path, key: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made the key first: read theirs
        except OSError:
            # A file system without hard links: create-exclusive is the next best guard.
            with contextlib.suppress(FileExistsError):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(key + "\n")
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _read(path: Path) -> str:
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SecretKeyError(
                f"{path} is readable by other users (mode {mode:o}); anyone who can read it can sign "
                f"in as any account. Run `chmod 600 {path}` (or delete it to make a new key, which "
                "signs everybody out)."
            )
    try:
        key = path.read_text(encoding="ascii").strip()
    except UnicodeDecodeError:
        key = ""
    if len(key) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"{path} holds no usable key (fewer than {MIN_SECRET_LENGTH} characters); delete it and a "
            "new one is made at the next start."
        )
    return key
