"""Photo uploads for after-sales applications (wx.uploadFile → URL the application refers to)."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, g, request, send_from_directory
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ...config import VAR_DIR
from ...domain.errors import DomainError, ErrorCode
from ..auth import shopper_required

blp = Blueprint("mp_uploads", __name__, url_prefix="/api/mp", description="小程序：凭证图片上传")

MAX_BYTES = 5 * 1024 * 1024
# Accept only real images, recognised by their first bytes rather than the name the client sent.
SIGNATURES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png", b"RIFF": ".webp", b"GIF8": ".gif"}


class UploadOutSchema(Schema):
    url = fields.String()


def upload_dir() -> Path:
    folder = Path(current_app.config.get("UPLOAD_DIR") or VAR_DIR / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _extension(head: bytes) -> str | None:
    for signature, extension in SIGNATURES.items():
        if head.startswith(signature):
            return extension
    return None


@blp.post("/uploads")
@blp.response(201, UploadOutSchema)
@shopper_required
def upload():
    """上传一张凭证图片（multipart 字段 file，jpg/png/webp/gif，不超过 5MB）"""
    file = request.files.get("file")
    if file is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择要上传的图片", {"file": "必填"})
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "图片不能超过 5MB", {"file": "图片不能超过 5MB"})
    extension = _extension(data[:12])
    if extension is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "只支持 jpg、png、webp、gif 图片", {"file": "格式不支持"})
    name = f"{g.shopper.id}-{secrets.token_hex(12)}{extension}"
    (upload_dir() / name).write_bytes(data)
    return {"url": f"{current_app.config['PUBLIC_BASE_URL']}/api/mp/uploads/{name}"}


@blp.get("/uploads/<path:name>")
def serve_upload(name):
    return send_from_directory(upload_dir(), name)
