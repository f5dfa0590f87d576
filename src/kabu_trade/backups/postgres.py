"""PostgreSQL: ``pg_dump --format=custom`` of one snapshot, restored into a fresh database that
replaces the live one by rename only once it has been checked.

Consistency: the backup opens a REPEATABLE READ transaction, exports its snapshot and hands it to
``pg_dump --snapshot``; the row counts and checksums of the manifest are read in that same
transaction, so they describe exactly the rows in the dump even while a sync writes.

All or nothing: ``pg_restore --single-transaction`` into a database created for the purpose,
then the restored tables are compared with the manifest, and only then are the two databases
swapped by two renames in one transaction. ``pg_restore --clean --single-transaction`` into the
live database was rejected: it is atomic too, but drops only what the archive contains (tables a
newer schema added would survive beside an older backup's version table), it can only be checked
after it committed, and it holds locks on the live tables while it runs. The price of the rename:
the database's owner privileges (RDS's master user has them), and no one connected to it during
the swap, so connections are refused and the remaining sessions ended for that moment.

libpq gets the connection from ``PG*`` environment variables: the password never appears on a
command line (``ps``) or in a log line.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - pg_dump/pg_restore run with argument lists, never a shell
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import NullPool

from kabu_trade.backups.digest import TableDigest, schema_revision, table_digests
from kabu_trade.backups.errors import BackupError
from kabu_trade.backups.manifest import describe_mismatch

# PostgreSQL truncates identifiers at 63 bytes: keep room for the suffixes below.
_NAME_ROOM = 40


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not on PATH: install the PostgreSQL client (postgresql-client-15)")
    return path


def _libpq_env(url: URL) -> dict[str, str]:
    # The rest of PG* (PGSSLMODE, PGPASSFILE…) stays: psycopg's own libpq reads the same ones.
    env = dict(os.environ)
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
        "PGSSLROOTCERT": url.query.get("sslrootcert"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command: list[str], url: URL, what: str) -> str:
    # Argument lists of our own options and file paths, no shell; the connection is in the env.
    done = subprocess.run(  # nosec B603
        command, env=_libpq_env(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        message = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit status {done.returncode}"
        raise BackupError(f"{what} failed: {message}")
    return done.stdout


def _engine(url: URL, **options: object) -> sa.Engine:
    return sa.create_engine(url, poolclass=NullPool, **options)  # type: ignore[arg-type]


def _describe(connection: Connection) -> tuple[dict[str, TableDigest], str | None]:
    return table_digests(connection), schema_revision(connection)


def dump(database_url: str, target: Path) -> tuple[dict[str, TableDigest], str | None]:
    """Write the database to TARGET (custom format); the digests describe the same snapshot."""
    url = make_url(database_url)
    pg_dump = _binary("pg_dump")
    engine = _engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            # The first statement of the transaction fixes its snapshot; pg_dump joins it.
            snapshot_id = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot_id}"]
            _run([*command, f"--file={target}"], url, "pg_dump")
            described = _describe(connection)
            connection.rollback()
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"PostgreSQL: {exc.orig}".strip()) from None
    finally:
        engine.dispose()
    return described


def check(copy: Path) -> None:
    """Refuse a file pg_restore cannot read as an archive (foreign or corrupt), touching nothing."""
    done = subprocess.run(  # nosec B603 - our own arguments, no shell
        [_binary("pg_restore"), "--list", str(copy)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        message = " ".join(done.stderr.strip().splitlines()[-2:])
        raise BackupError(f"the data file is not a pg_dump archive ({message}), nothing restored")


def _admin_url(url: URL) -> URL:
    return url.set(database="template1" if url.database == "postgres" else "postgres")


def restore(copy: Path, database_url: str, expected: dict[str, TableDigest], revision: str) -> None:
    """Replace the database of DATABASE_URL by the archive COPY, or leave it exactly as it was."""
    url = make_url(database_url)
    target = url.database
    if not target:
        raise BackupError("KABU_DATABASE_URL names no database")
    pg_restore = _binary("pg_restore")
    suffix = uuid.uuid4().hex[:8]
    fresh = f"{target[:_NAME_ROOM]}_restore_{suffix}"
    previous = f"{target[:_NAME_ROOM]}_previous_{suffix}"
    admin = _engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        _restore_and_swap(admin, copy, url, fresh, previous, pg_restore, expected, revision)
        try:
            with admin.connect() as connection:
                _drop(connection, previous)
        except sa.exc.DBAPIError as exc:
            raise BackupError(
                f"restored, but the previous content, kept as database {previous}, could not be "
                f"dropped ({exc.orig}): drop it by hand"
            ) from None
    finally:
        admin.dispose()


def _restore_and_swap(
    admin: sa.Engine,
    copy: Path,
    url: URL,
    fresh: str,
    previous: str,
    pg_restore: str,
    expected: dict[str, TableDigest],
    revision: str,
) -> None:
    target = url.database or ""
    try:
        with admin.connect() as connection:
            _create_like(connection, fresh, target)
        try:
            command = [pg_restore, "--no-password", "--single-transaction", "--exit-on-error"]
            # Objects belong to the restoring user (KABU_DATABASE_URL's), as after `db upgrade`.
            command += ["--no-owner", "--no-acl", f"--dbname={fresh}", str(copy)]
            _run(command, url.set(database=fresh), "pg_restore")
            _compare(url.set(database=fresh), expected, revision)
            with admin.connect() as connection:
                _swap(connection, target, fresh, previous)
        except BaseException:
            with admin.connect() as connection:
                _drop(connection, fresh)
            raise
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"PostgreSQL: {exc.orig}".strip() + "; the database is unchanged") from None


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _exists(connection: Connection, name: str) -> bool:
    query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
    return connection.execute(query, {"name": name}).first() is not None


def _create_like(connection: Connection, fresh: str, target: str) -> None:
    """An empty database with the target's encoding and locale (template0: nothing copied in)."""
    options = ""
    row = connection.execute(
        sa.text(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = :name"
        ),
        {"name": target},
    ).first()
    if row is not None:
        encoding, collate, ctype = (str(value).replace("'", "''") for value in row)
        options = f" ENCODING '{encoding}' LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
    # Names are ours (target + random suffix), quoted by the dialect; locale values from pg_database.
    connection.exec_driver_sql(f"CREATE DATABASE {_quote(connection, fresh)} TEMPLATE template0{options}")


def _compare(url: URL, expected: dict[str, TableDigest], revision: str) -> None:
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            found, found_revision = _describe(connection)
    finally:
        engine.dispose()
    problem = describe_mismatch(expected, found)
    if problem is None and found_revision != revision:
        problem = f"schema revision {found_revision}, the manifest says {revision}"
    if problem:
        raise BackupError(f"the restored copy does not match the manifest ({problem}), nothing restored")


def _swap(connection: Connection, target: str, fresh: str, previous: str) -> None:
    quoted = {name: _quote(connection, name) for name in (target, fresh, previous)}
    if not _exists(connection, target):
        connection.exec_driver_sql(f"ALTER DATABASE {quoted[fresh]} RENAME TO {quoted[target]}")
        return
    # No new sessions, then end those left: a database is renamed only when no one is in it.
    connection.exec_driver_sql(f"ALTER DATABASE {quoted[target]} ALLOW_CONNECTIONS false")
    try:
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": target},
        )
        # Both renames or neither, in one transaction (the connection is in autocommit mode, so
        # it is opened by hand): the name always holds either the old or the restored content.
        connection.exec_driver_sql("BEGIN")
        try:
            connection.exec_driver_sql(f"ALTER DATABASE {quoted[target]} RENAME TO {quoted[previous]}")
            connection.exec_driver_sql(f"ALTER DATABASE {quoted[fresh]} RENAME TO {quoted[target]}")
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")
    except BaseException:
        if _exists(connection, target):
            connection.exec_driver_sql(f"ALTER DATABASE {quoted[target]} ALLOW_CONNECTIONS true")
        raise


def _drop(connection: Connection, name: str) -> None:
    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quote(connection, name)} WITH (FORCE)")
