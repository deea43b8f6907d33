#!/usr/bin/env python3
"""One-command setup for developers, using only the Python standard library.

    python3 dev.py          set up .venv, migrate, load demo data, run web + scheduler on :5000
    python3 dev.py test     set up .venv with test tools and run the whole test suite, one
                            pytest-xdist worker per CPU (-n 0, or -p no:xdist, runs it serially)
    python3 dev.py screenshots [FOLDER]
                            every main page for every role at 390 and 1280 px, into FOLDER
                            (default screenshots/); needs Chromium (apt-get install chromium)

Everything is installed into .venv next to this file; run it again at any time.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (editable) when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit("selfhelp needs Python 3.11 or newer.")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing dependencies into .venv (first run takes a minute) ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def run_app() -> int:
    ensure_venv("")
    # The local demo shows verification, reset and invitation links in the mail viewer, so a
    # newcomer can try everything offline. Never set this on a server.
    env = {**os.environ, "FLASK_APP": "selfhelp", "SELFHELP_DEMO_MODE": "1",
           "SELFHELP_DEMO_MAIL_SHOW_LINKS": "1"}
    selfhelp = str(BIN / "selfhelp")
    subprocess.run([selfhelp, "setup", "--demo"], check=True, cwd=ROOT, env=env)
    # The scheduler sends due notifications (reminders land in instance/mail, shown on the admin
    # page). It is its own process, as in production: web workers never run jobs.
    scheduler = subprocess.Popen([selfhelp, "scheduler"], cwd=ROOT, env=env)
    print("\nselfhelp runs at http://127.0.0.1:5000  (Ctrl+C stops it)\n", flush=True)
    try:
        return subprocess.call([selfhelp, "serve", "--host", "127.0.0.1", "--port", "5000"],
                               cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process(scheduler)


def stop_process(process: subprocess.Popen) -> None:
    """Ask a child to stop (it finishes what it is doing), and insist after ten seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_reachable(url: str) -> bool:
    probe = f"import psycopg; psycopg.connect({url!r}, connect_timeout=3).close()"
    return subprocess.call([PY, "-c", probe], stderr=subprocess.DEVNULL) == 0


def cpu_count() -> int:
    """The CPUs this process may use (a container's limit, not the host's), at least one."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


#: Options that want one process: a debugger, or listing what would run.
SERIAL_OPTIONS = ("--pdb", "--trace", "--co", "--collect-only", "--setup-plan", "--fixtures")


def parallel_options(args: list[str]) -> list[str]:
    """`-n <CPUs> --dist worksteal`, unless the developer chose (their own `-n`/`--numprocesses`,
    `-p no:xdist`) or asked for something that wants one process. worksteal: a worker that has
    finished its share takes tests queued for another, so the few slow multi-process tests do not
    leave one worker running alone at the end."""
    plugins = {b for a, b in zip(args, args[1:]) if a == "-p"} | {a[2:] for a in args if a.startswith("-p")}
    if "no:xdist" in plugins or any(a in SERIAL_OPTIONS for a in args):
        return []
    if any(a.startswith(("-n", "--numprocesses")) for a in args):
        return []
    dist = [] if any(a.startswith("--dist") for a in args) else ["--dist", "worksteal"]
    return ["-n", str(cpu_count()), *dist]


def run_tests(args: list[str]) -> int:
    ensure_venv("test")
    env = dict(os.environ)
    if not env.get("SELFHELP_TEST_DATABASE_URL") and _postgres_reachable(LOCAL_POSTGRES):
        env["SELFHELP_TEST_DATABASE_URL"] = LOCAL_POSTGRES
    where = env.get("SELFHELP_TEST_DATABASE_URL")
    print(f"Databases: SQLite{' and PostgreSQL (' + where + ')' if where else ' only (no PostgreSQL found)'}",
          flush=True)
    parallel = parallel_options(args)
    if parallel and where:
        print(f"Workers: {parallel[1]}, each on its own PostgreSQL database ({where}_gw0, ...)",
              flush=True)
    return subprocess.call([PY, "-m", "pytest", *parallel, *args], cwd=ROOT, env=env)


def run_screenshots(args: list[str]) -> int:
    ensure_venv("test")  # Playwright and pyotp come with the test tools
    return subprocess.call([PY, str(ROOT / "scripts" / "screenshots.py"), *args], cwd=ROOT)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "test":
        sys.exit(run_tests(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "screenshots":
        sys.exit(run_screenshots(sys.argv[2:]))
    sys.exit(run_app())
