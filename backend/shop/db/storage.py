"""Uploaded files kept in the database (UPLOAD_STORAGE=postgres, adapters/storage.py): every API host
serves what any of them stored."""
from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class UploadBlob(db.Model):
    __tablename__ = "upload_blobs"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    size_bytes: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
