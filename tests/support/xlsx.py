"""Read an .xlsx the way Excel sees it, with the standard library only: each cell's value and type."""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _column(ref: str) -> int:
    index = 0
    for letter in re.match(r"[A-Z]+", ref).group():
        index = index * 26 + ord(letter) - 64
    return index - 1


def sheet_cells(body: bytes) -> list[list[tuple[str, str]]]:
    """Rows of (type, text): type "s" for text (shared or inline), "n" for a number, "f" for a formula."""
    book = zipfile.ZipFile(io.BytesIO(body))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.findall("m:si", NS)]
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{NS['m']}}}row"):
        cells: list[tuple[str, str]] = []
        for cell in row.findall("m:c", NS):
            while len(cells) < _column(cell.get("r")):
                cells.append(("", ""))
            if cell.find("m:f", NS) is not None:
                cells.append(("f", cell.find("m:f", NS).text or ""))
                continue
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                cells.append(("s", "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))))
                continue
            value = cell.find("m:v", NS)
            text = value.text if value is not None else ""
            cells.append(("s" if kind in ("s", "str") else kind, shared[int(text)] if kind == "s" else text))
        rows.append(cells)
    return rows


def sheet_values(body: bytes) -> list[list[str]]:
    return [[text for _, text in row] for row in sheet_cells(body)]
