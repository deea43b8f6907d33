"""The example deployment files stay in step with the code."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from selfhelp.config import ROOT

DEPLOY = ROOT / "deploy"


def test_the_environment_template_lists_every_setting_of_the_config():
    settings = set(re.findall(r'_env\("([A-Z_]+)"', (ROOT / "selfhelp" / "config.py").read_text()))
    template = (DEPLOY / "selfhelp.env.example").read_text()
    listed = set(re.findall(r"^#?SELFHELP_([A-Z_]+)=", template, re.MULTILINE))
    assert settings - listed == set(), "add these to deploy/selfhelp.env.example"
    assert listed - settings == set(), "deploy/selfhelp.env.example names settings nobody reads"


def test_the_gunicorn_config_checks_at_start_and_keeps_multiprocess_metrics_right():
    tree = ast.parse((DEPLOY / "gunicorn.conf.py").read_text())
    hooks = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"on_starting", "child_exit"} <= hooks
    assert "check_at_start" in (DEPLOY / "gunicorn.conf.py").read_text()


def test_the_systemd_units_run_the_web_server_and_the_scheduler(app):
    web = (DEPLOY / "selfhelp-web.service").read_text()
    scheduler = (DEPLOY / "selfhelp-scheduler@.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in web
    assert "PROMETHEUS_MULTIPROC_DIR=/run/selfhelp/metrics" in web
    assert "selfhelp scheduler" in scheduler
    backup = (DEPLOY / "selfhelp-backup.service").read_text()
    assert "selfhelp backup" in backup
    for unit in (web, scheduler, backup):
        assert "EnvironmentFile=/etc/selfhelp/selfhelp.env" in unit
    for command in ("scheduler", "backup", "restore", "check", "db-upgrade"):
        assert command in app.cli.commands
    assert Path(ROOT / "wsgi.py").exists()
