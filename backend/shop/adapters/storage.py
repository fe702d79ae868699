"""Where uploaded files (evidence photos) are kept: one interface, three places (UPLOAD_STORAGE).

- `local`: a folder on this host (UPLOAD_DIR, default var/uploads). The default; one host only.
- `postgres` (or `database`): the table `upload_blobs` in the shop's own database, so every API host
  serves what any of them stored. Fine for evidence photos (a few hundred kB each, a handful per
  application); the database backup then holds them too.
- `s3`: any S3-compatible object storage through boto3 (UPLOAD_S3_ENDPOINT_URL, UPLOAD_S3_BUCKET,
  UPLOAD_S3_REGION, UPLOAD_S3_ACCESS_KEY_ID, UPLOAD_S3_SECRET_ACCESS_KEY, UPLOAD_S3_PREFIX).

Names are chosen by the shop (services/uploads.py), never by the client; every backend refuses a name
that could leave its folder, table or prefix. A name that was never stored reads as None.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
STORAGE_KINDS = ("local", "postgres", "database", "s3")
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class StorageError(RuntimeError):
    """The storage could not be reached or refused the operation (the caller answers 503)."""


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


def valid_name(name: str) -> bool:
    return bool(NAME.match(name)) and ".." not in name


class Storage(Protocol):
    kind: str

    def put(self, name: str, data: bytes) -> None:
        """Store `data` under `name` (replacing what was there)."""

    def get(self, name: str) -> bytes | None:
        """The bytes stored under `name`, or None."""

    def delete(self, name: str) -> None:
        """Forget `name` (nothing happens when it was never stored)."""


def _checked(name: str) -> str:
    if not valid_name(name):
        raise ValueError(f"not a storage name: {name!r}")
    return name


class LocalStorage:
    """A folder on this host. Written to a temporary file first, then renamed: a reader never sees half a file."""

    kind = "local"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        return self.folder / _checked(name)

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes | None:
        if not valid_name(name):
            return None
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


class DatabaseStorage:
    """The table `upload_blobs` (migration 0014_storage) in the shop's database, through its own short
    transaction on the app's engine: the bytes are stored before the upload's row is written, so a row
    never points at nothing."""

    kind = "postgres"

    def __init__(self, engine: Callable[[], object]):
        self._engine = engine  # called each time: the app's engine exists only inside an app context

    def put(self, name: str, data: bytes) -> None:
        from sqlalchemy import delete, insert
        from sqlalchemy.exc import SQLAlchemyError

        from ..db.storage import UploadBlob
        table = UploadBlob.__table__
        try:
            with self._engine().begin() as conn:
                conn.execute(delete(table).where(table.c.name == _checked(name)))
                conn.execute(insert(table).values(name=name, size_bytes=len(data), data=data))
        except SQLAlchemyError as exc:
            raise StorageError(f"database storage: {exc.__class__.__name__}") from exc

    def get(self, name: str) -> bytes | None:
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from ..db.storage import UploadBlob
        if not valid_name(name):
            return None
        table = UploadBlob.__table__
        try:
            with self._engine().connect() as conn:
                data = conn.scalar(select(table.c.data).where(table.c.name == name))
        except SQLAlchemyError as exc:
            raise StorageError(f"database storage: {exc.__class__.__name__}") from exc
        return bytes(data) if data is not None else None

    def delete(self, name: str) -> None:
        from sqlalchemy import delete

        from ..db.storage import UploadBlob
        table = UploadBlob.__table__
        with self._engine().begin() as conn:
            conn.execute(delete(table).where(table.c.name == _checked(name)))


class S3Storage:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, Aliyun OSS / Tencent COS in S3 mode). boto3 is
    imported on first use, so processes that never touch uploads don't pay for it at start-up."""

    kind = "s3"

    def __init__(self, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None, prefix: str = "",
                 timeout: float = 10.0):
        if not bucket:
            raise ValueError("UPLOAD_S3_BUCKET is required for UPLOAD_STORAGE=s3")
        self.bucket, self.prefix = bucket, prefix
        self._options = {"endpoint_url": endpoint_url or None, "region_name": region or None,
                         "aws_access_key_id": access_key_id or None,
                         "aws_secret_access_key": secret_access_key or None}
        self._timeout = timeout
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config
            config = Config(connect_timeout=self._timeout, read_timeout=self._timeout,
                            retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"})
            self._client = boto3.session.Session().client("s3", config=config, **self._options)
        return self._client

    def _key(self, name: str) -> str:
        return self.prefix + _checked(name)

    def put(self, name: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data,
                                   ContentType=content_type_of(name))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"s3 storage: {exc}") from exc

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError
        if not valid_name(name):
            return None
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
            return reply["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise StorageError(f"s3 storage: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"s3 storage: {exc}") from exc

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))


def build_storage(config: dict, engine: Callable[[], object], default_folder: Path) -> Storage:
    """The storage UPLOAD_STORAGE names (config.py reads the settings)."""
    kind = (config.get("UPLOAD_STORAGE") or "local").strip().lower()
    if kind == "local":
        return LocalStorage(config.get("UPLOAD_DIR") or default_folder)
    if kind in ("postgres", "database"):
        return DatabaseStorage(engine)
    if kind == "s3":
        return S3Storage(bucket=config.get("UPLOAD_S3_BUCKET") or "",
                         endpoint_url=config.get("UPLOAD_S3_ENDPOINT_URL"),
                         region=config.get("UPLOAD_S3_REGION"),
                         access_key_id=config.get("UPLOAD_S3_ACCESS_KEY_ID"),
                         secret_access_key=config.get("UPLOAD_S3_SECRET_ACCESS_KEY"),
                         prefix=config.get("UPLOAD_S3_PREFIX") or "")
    raise ValueError(f"UPLOAD_STORAGE must be one of {', '.join(STORAGE_KINDS)}, not {kind!r}")
