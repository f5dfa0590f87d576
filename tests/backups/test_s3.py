"""Backups to S3 through real boto3 calls, against moto's S3 server on a free local port."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer

from kabu_trade.backups import service
from kabu_trade.backups.errors import BackupError
from kabu_trade.backups.storage import S3Storage, open_storage
from kabu_trade.core.config import Settings
from tests.backups.conftest import digests_of, execute

BUCKET = "kabu-trade-backups-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty bucket; boto3 finds (fake) credentials where it would find real ones."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield s3_endpoint
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_round_trip_through_s3(s3: str, database_factory: Callable[..., Settings]) -> None:
    settings = database_factory(
        "sqlite", backup_s3_uri=f"s3://{BUCKET}/kabu/daily", backup_s3_endpoint_url=s3
    )
    storage = open_storage(settings.backup_location, settings.backup_s3_endpoint_url)
    assert isinstance(storage, S3Storage)
    before = digests_of(settings)

    manifest = service.create(settings, storage)
    execute(settings, "DELETE FROM daily_bars", "DELETE FROM stocks")
    service.restore(settings, storage, manifest.name)

    assert digests_of(settings) == before
    keys = sorted(
        item["Key"] for item in boto3.client("s3", endpoint_url=s3).list_objects_v2(Bucket=BUCKET)["Contents"]
    )
    assert keys == [f"kabu/daily/{manifest.name}.manifest.json", f"kabu/daily/{manifest.data_file}"]


def test_list_and_prune_in_s3(s3: str, database_factory: Callable[..., Settings]) -> None:
    settings = database_factory("sqlite")
    storage = open_storage(f"s3://{BUCKET}/prune", s3)
    start = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # a Monday
    made = [service.create(settings, storage, now=start + timedelta(days=day)) for day in range(16)]
    # Another prefix "below" this one is not this prefix's business.
    service.create(settings, open_storage(f"s3://{BUCKET}/prune/older", s3), now=start)

    listed, unreadable = service.list_backups(storage)
    assert [manifest.name for manifest in listed] == [manifest.name for manifest in reversed(made)]
    assert unreadable == {}

    # Daily: days 15..9 (Nov 17..11); weekly: the newest of weeks 47, 46, 45: days 15, 13, 6.
    dropped = [made[day].name for day in (8, 7, 5, 4, 3, 2, 1, 0)]
    plans = service.prune(storage, daily=7, weekly=4, dry_run=True)
    assert plans["sqlite"].drop == dropped
    assert plans["sqlite"].keep[made[6].name] == ["weekly 2026-W45"]
    assert len(service.list_backups(storage)[0]) == 16

    service.prune(storage, daily=7, weekly=4, dry_run=False)
    kept = [manifest.name for manifest in service.list_backups(storage)[0]]
    assert kept == [manifest.name for manifest in reversed(made) if manifest.name not in dropped]
    client = boto3.client("s3", endpoint_url=s3)
    left = {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix="prune/")["Contents"]}
    assert f"prune/{made[0].data_file}" not in left
    assert f"prune/{made[6].data_file}" in left
    assert len(left) == 2 * 8 + 2  # 8 backups here, 1 in prune/older


def test_a_missing_bucket_is_a_clear_refusal(s3: str, database_factory: Callable[..., Settings]) -> None:
    settings = database_factory("sqlite")
    storage = open_storage("s3://no-such-bucket/backups", s3)

    with pytest.raises(BackupError, match="NoSuchBucket"):
        service.create(settings, storage)
