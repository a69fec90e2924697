"""Issue #15: one huge cell in a small xlsx is refused before it is loaded (it took ~440 MB)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from portfolio.imports.reader import MAX_CELL_TEXT, ReadError, read_table


def _xlsx(text: str) -> bytes:
    """An xlsx with `text` in one cell, written into the sheet's XML directly (Excel and
    openpyxl stop at 32 767 characters; a crafted file does not)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Titel", "Beskrivning"])
    sheet.append(["Ett initiativ", "PLATSHALLARE"])
    out = io.BytesIO()
    book.save(out)
    source, crafted = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"PLATSHALLARE", text.encode())
            target.writestr(info.filename, content)
    return crafted.getvalue()


def test_a_huge_cell_is_refused_with_a_message(app):
    data = _xlsx("a" * (MAX_CELL_TEXT * 20))
    assert len(data) < 200_000           # small on the wire, huge unpacked
    with app.test_request_context(), pytest.raises(ReadError) as refused:
        read_table(data, "stor.xlsx")
    assert refused.value.status == 413 and "mer än" in str(refused.value.message)


def test_ordinary_text_is_read(app):
    with app.test_request_context():
        table = read_table(_xlsx("Vanlig beskrivning " * 200), "ok.xlsx")
    assert table.rows[0][1][1].startswith("Vanlig beskrivning")
