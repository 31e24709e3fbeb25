"""What `synthtab inspect` shows: instants as dates, notes in full."""

from __future__ import annotations

import io

import pandas as pd
from rich.console import Console

from synthtab import infer_schema
from synthtab.cli.render import fit_report_table, schema_table


def rendered(table) -> str:
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text()


def test_datetime_bounds_are_shown_as_dates_and_instants() -> None:
    df = pd.DataFrame(
        {
            "day": pd.to_datetime(["2021-01-01", "2021-03-05", "2022-12-31"] * 10),
            "at": pd.to_datetime(
                ["2021-01-01 08:30:00", "2021-01-02 17:45:10", "2021-02-01 00:00:00"] * 10
            ),
        }
    )
    text = rendered(schema_table(infer_schema(df)))
    assert "2021-01-01 to 2022-12-31" in text
    assert "2021-01-01 08:30:00 to 2021-02-01 00:00:00" in text
    assert "1.6094" not in text  # no epoch seconds


def test_every_note_of_the_fit_report_is_shown_whole() -> None:
    notes = ["auto chose 'trees': " + "a long reason " * 20, "second note"]
    text = rendered(fit_report_table({"rows": 10, "notes": notes}))
    assert notes[0].strip() in text
    assert "note 2" in text and "second note" in text
    assert "…" not in text
