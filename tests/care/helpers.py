"""Raising flags the way residents do: answering PHQ-9 with item 9 above 0."""
from __future__ import annotations

from datetime import datetime

from selfhelp.clock import now as real_now
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.services import record_result


def phq9(values: list[int]) -> dict[str, str]:
    return {f"q{i}": str(v) for i, v in enumerate(values, start=1)}


RISK_ANSWER = phq9([1, 1, 1, 1, 1, 1, 1, 1, 1])


def raise_flag(db, resident, context: str = "program:while-you-wait", occasion: str = "week-1",
               at: datetime | None = None):
    """The resident answers item 9 above 0; returns the self-harm flag."""
    _result, flags = record_result(resident, get_measure("PHQ-9"), context, occasion, RISK_ANSWER,
                                   at or real_now())
    db.commit()
    return next(f for f in flags if f.reason == "self_harm_item")
