"""Evidence photos (after-sales): validated and re-encoded, counted against a quota, owned. Invoice PDFs
(finance), kept where only their downloads reach them.

Validation (here and adapters/images.py) is kept apart from where the bytes go: photos go through the
storage interface (adapters/storage.py, UPLOAD_STORAGE = local | postgres | s3), the only thing this
module and the serving route use for them, so several API hosts share the photos.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..adapters.images import NotAnImage, reencode
from ..adapters.storage import Storage, StorageError, build_storage, valid_name
from ..config import VAR_DIR
from ..db import Upload
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from .context import deps
from .uow import transaction

URL_PATH = "/api/mp/uploads/"


STORAGE_KEY = "shop.upload_storage"


def upload_dir() -> Path:
    """This host's upload folder (UPLOAD_DIR): where UPLOAD_STORAGE=local keeps the photos."""
    folder = Path(current_app.config.get("UPLOAD_DIR") or VAR_DIR / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def storage() -> Storage:
    """The app's photo storage, built once per app from its settings."""
    found = current_app.extensions.get(STORAGE_KEY)
    if found is None:
        found = current_app.extensions[STORAGE_KEY] = build_storage(
            current_app.config, lambda: db.engine, VAR_DIR / "uploads")
    return found


def _unavailable(exc: StorageError) -> DomainError:
    current_app.logger.warning("upload storage unavailable: %s", exc)
    return DomainError(ErrorCode.SERVICE_UNAVAILABLE, "图片存储暂时不可用，请稍后重试", {"retry_after_seconds": 5})


def _store(name: str, data: bytes) -> None:
    try:
        storage().put(name, data)
    except StorageError as exc:
        raise _unavailable(exc) from exc


def read_photo(name: str) -> bytes:
    """The stored bytes of an uploaded photo (404 when there is none by that name)."""
    try:
        data = storage().get(name) if valid_name(name) else None
    except StorageError as exc:
        raise _unavailable(exc) from exc
    if data is None:
        raise DomainError(ErrorCode.NOT_FOUND, "图片不存在")
    return data


def url_of(name: str) -> str:
    return f"{deps().public_base_url}{URL_PATH}{name}"


def save_evidence_photo(shopper_id: int, data: bytes) -> str:
    """Store one photo for the shopper; returns its URL."""
    limit = deps().policy.upload_daily_count
    since = clock.now() - timedelta(hours=24)
    recent = db.session.scalar(select(func.count()).select_from(Upload)
                               .where(Upload.shopper_id == shopper_id, Upload.created_at >= since))
    if recent >= limit:
        raise DomainError(ErrorCode.UPLOAD_QUOTA_EXCEEDED, f"24 小时内最多上传 {limit} 张图片，请稍后再试",
                          {"limit": limit})
    try:
        image, extension = reencode(data)
    except NotAnImage:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "只支持 jpg、png、webp、gif 图片",
                          {"file": "不是有效的图片"}) from None
    name = f"{shopper_id}-{secrets.token_hex(12)}{extension}"
    _store(name, image)
    with transaction():
        db.session.add(Upload(shopper_id=shopper_id, name=name, size_bytes=len(image), created_at=clock.now()))
    return url_of(name)


def own_photos_only(shopper_id: int, photos: list[str]) -> list[str]:
    """An application may cite only photos this shopper uploaded here (no other hosts, no one else's)."""
    names = []
    for url in photos:
        name = url.removeprefix(deps().public_base_url).removeprefix(URL_PATH) if _is_ours(url) else ""
        if not name or "/" in name:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "凭证图片须通过小程序上传", {"photos": url[:80]})
        names.append(name)
    owned = set(db.session.scalars(select(Upload.name).where(Upload.shopper_id == shopper_id,
                                                              Upload.name.in_(names)))) if names else set()
    for url, name in zip(photos, names):
        if name not in owned:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "凭证图片须通过小程序上传", {"photos": url[:80]})
    return [url_of(name) for name in names]


INVOICE_FILE = re.compile(r"invoice-[0-9a-f]{24}\.pdf")


def invoice_dir() -> Path:
    """Invoice PDFs sit apart from the photos, which are served to anyone: only the order's shopper and
    finance download one (services/invoices.py)."""
    folder = upload_dir().parent / "invoices"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_invoice_pdf(data: bytes) -> str:
    """Store an invoice PDF finance uploaded; returns the name an issued invoice refers to."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请上传 PDF 格式的电子发票", {"file": "不是有效的 PDF"})
    name = f"invoice-{secrets.token_hex(12)}.pdf"
    (invoice_dir() / name).write_bytes(data)
    return name


def invoice_pdf_exists(name: str) -> bool:
    return bool(INVOICE_FILE.fullmatch(name)) and (invoice_dir() / name).is_file()


def _is_ours(url: str) -> bool:
    return url.startswith(deps().public_base_url + URL_PATH) or url.startswith(URL_PATH)
