"""What every CSV download shares (the roster, the audit log, the reports)."""
from __future__ import annotations

#: A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading quote stops a cell that starts like a formula
    (a name such as "=HYPERLINK(...)") from running when the file is opened."""
    return "'" + value if value[:1] in FORMULA_STARTS else value
