"""Run Alembic migrations from code (the run command migrates automatically)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import Flask

from selfhelp.config import ROOT


def alembic_config(app: Flask) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["engine"] = app.extensions["db"].engine
    cfg.attributes["cipher"] = app.extensions["cipher"]  # migrations that encrypt stored secrets
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)
