"""Photo uploads for after-sales applications (wx.uploadFile → URL the application refers to)."""
from __future__ import annotations

from flask import Response, g, request
from marshmallow import Schema, fields

from ...adapters.storage import content_type_of
from ...domain.errors import DomainError, ErrorCode
from ...services import uploads
from ..auth import shopper_required
from ..blueprint import Blueprint

blp = Blueprint("mp_uploads", __name__, url_prefix="/api/mp", description="小程序：凭证图片上传")

# Served back as inert images: never sniffed as HTML, never run as a page even if opened directly.
SERVED_HEADERS = {"X-Content-Type-Options": "nosniff",
                  "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox"}


class UploadOutSchema(Schema):
    url = fields.String()


@blp.post("/uploads")
@blp.response(201, UploadOutSchema)
@shopper_required
def upload():
    """上传一张凭证图片（multipart 字段 file，jpg/png/webp/gif，不超过 5MB；图片会重新编码并去除 EXIF/GPS 信息；
    每人 24 小时内有数量上限）。请求体超过上限时返回 413"""
    file = request.files.get("file")
    if file is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择要上传的图片", {"file": "必填"})
    return {"url": uploads.save_evidence_photo(g.shopper.id, file.read())}


@blp.get("/uploads/<path:name>")
@blp.doc(responses={"200": {"description": "图片（重新编码后的 JPEG 或 PNG）",
                            "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                                        for kind in ("image/jpeg", "image/png")}}})
def serve_upload(name):
    """From the upload storage (UPLOAD_STORAGE), whichever host stored it; a name is never reused, so
    the photo may be cached for good."""
    response = Response(uploads.read_photo(name), mimetype=content_type_of(name))
    response.headers.update(SERVED_HEADERS)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
