"""Small helpers shared by the admin routes: JSON of rows, paging, CSV."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, stream_with_context
from sqlalchemy import inspect as sa_inspect

from ...domain.clock import to_shanghai


def plain(value):
    """JSON-ready: ORM rows become dicts of their columns, times are shown in Asia/Shanghai."""
    if isinstance(value, datetime):
        return to_shanghai(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if hasattr(value, "__table__"):
        return {attr.key: plain(getattr(value, attr.key)) for attr in sa_inspect(value).mapper.column_attrs}
    return value


def page_of(result, page: int, per_page: int) -> dict:
    """Normalise what a list service returns ((rows, total), {"items": ...} or a list) to one page shape."""
    if isinstance(result, dict) and "items" in result:
        body = dict(result)
    elif isinstance(result, tuple) and len(result) == 2:
        body = {"items": result[0], "total": result[1]}
    else:
        rows = list(result)
        body = {"items": rows, "total": len(rows)}
    body.setdefault("page", page)
    body.setdefault("per_page", per_page)
    return plain(body)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # an amount such as -12.50 stays a number


def spreadsheet_cell(value):
    """A value safe to put in a spreadsheet cell (CSV or xlsx): text a spreadsheet would run as a
    formula (=HYPERLINK(...), +1, -1, @SUM, or hidden behind a tab or CR) is kept as text by a
    leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """UTF-8 with a BOM so Excel opens Chinese text correctly; streamed row by row; no formulas."""
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        writer.writerow([spreadsheet_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([spreadsheet_cell(cell) for cell in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, body: bytes) -> Response:
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
