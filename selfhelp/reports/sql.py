"""Portable SQL pieces for the reports: time spans and percentiles on SQLite and PostgreSQL.

Percentiles use the nearest-rank method over ROW_NUMBER() windows, so they are computed in the
database on both backends: the median is the mean of the middle one or two values, the 90th
percentile is the value at rank ceil(0.9 × n).
"""
from __future__ import annotations

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.sql import ColumnElement, Select

from selfhelp.db import db


def dialect_name() -> str:
    return db.get_bind().dialect.name


def seconds_between(later, earlier) -> ColumnElement:
    """``later - earlier`` in seconds (a float), for two instant columns or values."""
    if dialect_name() == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return cast(func.extract("epoch", later - earlier), Float)


def percentiles(values: Select, keys: list[str], value: str = "value") -> Select:
    """Per group of ``keys``: n, median and 90th percentile of ``value`` (nulls left out).

    ``values`` must select the key columns and the value column under those names.
    """
    source = values.subquery()
    key_cols = [source.c[k] for k in keys]
    val = source.c[value]
    ranked = (
        select(*key_cols, val.label("value"),
                  func.row_number().over(partition_by=key_cols, order_by=val).label("rn"),
                  func.count().over(partition_by=key_cols).label("n"))
        .where(val.is_not(None))
        .subquery()
    )
    n, rn, v = ranked.c.n, ranked.c.rn, ranked.c.value
    rkeys = [ranked.c[k] for k in keys]
    middle = rn.in_([(n + 1) // 2, (n + 2) // 2])
    return (select(*rkeys, func.max(n).label("n"),
                      func.avg(case((middle, v))).label("median"),
                      func.max(case((rn == (9 * n + 9) // 10, v))).label("p90"))
            .group_by(*rkeys))

