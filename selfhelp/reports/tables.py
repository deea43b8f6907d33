"""A report table: a title, column headings and rows of cells; rendered to the page and to CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass


from selfhelp.reports.charts import Chart

from selfhelp.reports.suppression import Cell, csv_value, display, is_suppressed


@dataclass
class Table:
    #: Names the table in its CSV link (?format=csv&table=<key>) and in the file name.
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str | None = None
    #: An SVG chart drawn from this table's figures (the table is its text alternative).
    chart: Chart | None = None
    #: How many leading columns name the row (shown as row headers).
    label_columns: int = 1

    def shown_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as (text, suppressed), for the template."""
        return [[(display(c), is_suppressed(c)) for c in row] for row in self.rows]

    def csv(self) -> str:
        """UTF-8 text with a byte-order mark (Excel reads æøå), semicolons as Norwegian Excel
        expects, and the same <5 rule as the page."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([csv_value(c) for c in row])
        return "\ufeff" + out.getvalue()
