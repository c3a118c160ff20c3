"""A report's tables as CSV or XLSX, safe to open in a spreadsheet.

Texts in a report come partly from people (department names, a store's name typed on
a ticket), and a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) as a formula. Both formats write the cells
:func:`cells` gives, which neutralises such texts with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import xlsxwriter

from portal.reports.tables import Cell, Rate, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


Row = list[str | int | float | None]


def cells(tables: list[Table]) -> Iterator[tuple[str, Row, list[bool]]]:
    """The rows to write, each with its role (``title``, ``head``, ``row``, ``gap``)
    and which of its cells are rates; every text neutralised, numbers left as numbers,
    rates as fractions."""

    def clean(cell: Cell) -> str | int | float | None:
        if isinstance(cell, Rate):
            return cell.value
        if isinstance(cell, str):
            return neutralise(cell)
        return cell

    for n, table in enumerate(tables):
        if n:
            yield "gap", [], []
        yield "title", [neutralise(table.title)], [False]
        yield "head", [neutralise(c) for c in table.columns], [False] * len(table.columns)
        for row in table.rows:
            yield "row", [clean(cell) for cell in row], [isinstance(c, Rate) for c in row]


def to_csv(tables: list[Table]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for _role, row, _rates in cells(tables):
        writer.writerow(row)
    # With the BOM, spreadsheet programs read the Chinese as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(tables: list[Table], sheet: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = book.add_worksheet(sheet[:31])
    formats = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "head": book.add_format({"bold": True}),
    }
    percent = book.add_format({"num_format": "0.0%"})
    for r, (role, row, rates) in enumerate(cells(tables)):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                worksheet.write_string(r, c, value, formats.get(role))
            else:
                worksheet.write_number(r, c, value, percent if rates[c] else formats.get(role))
    worksheet.set_column(0, 0, 36)
    worksheet.set_column(1, 6, 14)
    book.close()
    return buffer.getvalue()
