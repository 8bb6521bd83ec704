"""Our CSV layout refused, every problem at its line (the header is line 1), in English and French."""

from __future__ import annotations

import pytest

from bascule.inventory.csv_layout import read_csv_layout

HEADER = "id,name,kind,type,segment,needs,restore_hours,count\n"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("a,A,asset,server,lan,,,\n,B,asset,,,,,\n", ["in.csv:3: the id is empty"]),
        (
            "a,A,assett,server,lan,,,\n",
            ['in.csv:2: kind "assett" is neither asset nor application (did you mean "asset"?)'],
        ),
        (
            "a,A,asset,,,,6,\nb,B,asset,,,,,\na,C,application,,,,,\n",
            ['in.csv:4: duplicate id "a" (first at line 2)'],
        ),
        ("a,A,asset,,,,six,\n", ['in.csv:2: restore_hours "six" is not a positive number of hours']),
        ("a,A,asset,,,,-1,\n", ['in.csv:2: restore_hours "-1" is not a positive number of hours']),
        ("a,A,asset,,,,,0\n", ['in.csv:2: count "0" is not a whole number, at least 1']),
        ("a,A,asset,,,,,2.5\n", ['in.csv:2: count "2.5" is not a whole number, at least 1']),
        ("a,A,asset,,,,,,extra\n", ["in.csv:2: the row has 9 cells but the header names 8 columns"]),
        (
            # Every problem in one run, in line order; a blank line still counts.
            "a,A,asset,,,,,\n\n,B,asset,,,,,\nc,C,app,,,,nan,\n",
            [
                "in.csv:4: the id is empty",
                'in.csv:5: kind "app" is neither asset nor application',
                'in.csv:5: restore_hours "nan" is not a positive number of hours',
            ],
        ),
    ],
)
def test_row_problems_are_located(rows: str, expected: list[str]) -> None:
    inventory = read_csv_layout(HEADER + rows, "in.csv")
    assert [p.located() for p in inventory.problems] == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "id,kind,segmnt\n",
            [
                'in.csv:1: unknown column "segmnt" (did you mean "segment"?); the columns are '
                "id, name, kind, type, site, segment, supplier, needs, restore_hours, skills, count"
            ],
        ),
        ("id,name\n", ['in.csv:1: the column "kind" is missing; only id and kind are required']),
        ("id,kind,id\n", ['in.csv:1: the column "id" is given twice']),
        ("", ["in.csv:1: the file is empty; its first line names the columns (id, kind, ...)"]),
    ],
)
def test_header_problems_are_located(header: str, expected: list[str]) -> None:
    assert [p.located() for p in read_csv_layout(header, "in.csv").problems] == expected


def test_problems_read_in_french() -> None:
    inventory = read_csv_layout(HEADER + "a,A,assett,,,,,\nb,B,asset,,,,,0\n", "in.csv")
    assert [p.located("fr") for p in inventory.problems] == [
        "in.csv:2: le genre (kind) « assett » n'est ni asset ni application (vouliez-vous dire « asset » ?)",
        "in.csv:3: count « 0 » n'est pas un nombre entier, au moins 1",
    ]
