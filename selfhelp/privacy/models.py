"""How long clinical records of closed accounts are kept, set by the admin per municipality."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from selfhelp.db import Base

DEFAULT_RETENTION_YEARS = 10


class RetentionSettings(Base):
    __tablename__ = "retention_settings"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    #: Years a closed account's clinical records are kept before the purge job deletes them.
    retention_years: Mapped[int] = mapped_column(Integer, default=DEFAULT_RETENTION_YEARS)
