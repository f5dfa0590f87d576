"""Where backups live: a folder or an S3 prefix, behind the same five operations.

Objects are written data first, manifest last (each atomically: a folder writes a temporary name
and renames it; S3 makes an object visible only once its upload completed), so a reader never
sees a manifest whose data is still on its way.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlparse

from kabu_trade.backups.errors import BackupError, NotStored
from kabu_trade.backups.manifest import MANIFEST_SUFFIX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef


class Storage(Protocol):
    def describe(self) -> str: ...

    def put_file(self, source: Path, key: str) -> None: ...

    def put_bytes(self, data: bytes, key: str) -> None: ...

    def get_file(self, key: str, target: Path) -> None: ...

    def get_bytes(self, key: str) -> bytes: ...

    def manifest_names(self) -> list[str]:
        """Names of the backups whose manifest is stored (unsorted)."""
        ...

    def delete(self, keys: list[str]) -> None: ...


@dataclass
class FolderStorage:
    root: Path

    def describe(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def _write(self, key: str, write: Path | bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f".{key}.{uuid.uuid4().hex[:8]}.partial"
        try:
            if isinstance(write, Path):
                shutil.copyfile(write, partial)
            else:
                partial.write_bytes(write)
            os.replace(partial, self._path(key))
        finally:
            partial.unlink(missing_ok=True)

    def put_file(self, source: Path, key: str) -> None:
        self._write(key, source)

    def put_bytes(self, data: bytes, key: str) -> None:
        self._write(key, data)

    def get_file(self, key: str, target: Path) -> None:
        try:
            shutil.copyfile(self._path(key), target)
        except FileNotFoundError:
            raise NotStored(f"{key} is not in {self.root}") from None

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotStored(f"{key} is not in {self.root}") from None

    def manifest_names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return [p.name.removesuffix(MANIFEST_SUFFIX) for p in self.root.glob("*" + MANIFEST_SUFFIX)]

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)


class S3Storage:
    """``s3://bucket/prefix`` through boto3 (credentials from its usual chain: role, env, profile)."""

    def __init__(self, uri: str, endpoint_url: str | None = None) -> None:
        import boto3

        self.bucket, self.prefix = parse_s3_uri(uri)
        self.uri = uri
        self.client: S3Client = boto3.client("s3", endpoint_url=endpoint_url)

    def describe(self) -> str:
        return self.uri

    @contextmanager
    def _s3(self, what: str, key: str = "") -> Iterator[None]:
        """S3's and boto3's failures as one clear message (no credentials, no bucket, no key…)."""
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "?"), error.get("Message", "")
            if code in {"NoSuchKey", "404"}:
                raise NotStored(f"{key} is not in {self.uri}") from None
            raise BackupError(f"S3 {what} {self.uri}: {code} {message}".rstrip()) from None
        except (BotoCoreError, Boto3Error) as exc:
            # Boto3Error: upload_file's wrapper (S3UploadFailedError) around the ClientError.
            raise BackupError(f"S3 {what} {self.uri}: {exc}") from None

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_file(self, source: Path, key: str) -> None:
        # upload_file switches to a multipart upload for large files; the object appears whole.
        with self._s3("upload to", key):
            self.client.upload_file(str(source), self.bucket, self._key(key))

    def put_bytes(self, data: bytes, key: str) -> None:
        with self._s3("upload to", key):
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get_file(self, key: str, target: Path) -> None:
        with self._s3("download from", key):
            self.client.download_file(self.bucket, self._key(key), str(target))

    def get_bytes(self, key: str) -> bytes:
        with self._s3("download from", key):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def manifest_names(self) -> list[str]:
        names = []
        prefix = self._key("")
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        with self._s3("list"):
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"].removeprefix(prefix)
                    # Only this prefix's own objects, not those of a "sub-folder" below it.
                    if "/" not in key and key.endswith(MANIFEST_SUFFIX):
                        names.append(key.removesuffix(MANIFEST_SUFFIX))
        return names

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # S3 deletes at most 1,000 keys per request
            chunk: list[ObjectIdentifierTypeDef] = [
                {"Key": self._key(key)} for key in keys[start : start + 1000]
            ]
            with self._s3("delete in"):
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True}
                )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise BackupError(f"S3 refused to delete {first.get('Key')}: {first.get('Message')}")


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """(bucket, prefix without slashes at either end) of ``s3://bucket[/prefix]``."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
        raise ValueError(f"{uri!r} is not an S3 location such as s3://bucket/prefix")
    return parsed.netloc, parsed.path.strip("/")


def open_storage(location: str | Path, endpoint_url: str | None = None) -> Storage:
    """A folder path or an ``s3://`` URI."""
    if isinstance(location, str) and location.startswith("s3://"):
        try:
            return S3Storage(location, endpoint_url)
        except ValueError as exc:
            raise BackupError(str(exc), field="to") from None
    return FolderStorage(Path(location).expanduser())
