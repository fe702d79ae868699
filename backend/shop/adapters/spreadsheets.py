"""Rows out of a file staff upload: CSV (UTF-8 with or without BOM, or GBK as Excel saves it in China) or .xlsx."""
from __future__ import annotations

import csv
import io
import zipfile

from ..domain.errors import DomainError, ErrorCode

NOT_READABLE = "无法读取文件：请上传 CSV 或 Excel（.xlsx）文件"


def read_rows(filename: str, content: bytes) -> list[list]:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return _xlsx_rows(content)
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(content)
    raise DomainError(ErrorCode.VALIDATION_ERROR, NOT_READABLE)


def _csv_rows(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(ErrorCode.VALIDATION_ERROR, NOT_READABLE)
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DomainError(ErrorCode.VALIDATION_ERROR, NOT_READABLE) from exc
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
