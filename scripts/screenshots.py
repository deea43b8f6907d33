"""Screenshots of every main page for every role, at phone (390 px) and desktop (1280 px) width.

    python3 dev.py screenshots [FOLDER]        (default: screenshots/, which git ignores)

Builds a fresh demo installation in a temporary folder (SQLite, the demo people), serves it on a
free local port, and drives Debian's Chromium (SELFHELP_CHROMIUM, else `chromium` on PATH) with
Playwright. For each role it opens every page without an id in its address that the role may
open, plus the first detail page a role reaches from its lists (a cohort, a resident, a program),
and saves FOLDER/<role>/<page>-<width>.png (whole page) and FOLDER/index.html to look at them all
at once. Nothing leaves the machine.
"""
from __future__ import annotations

import html
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (390, 1280)
PASSWORD = "demo-passord"
ROLES = {  # role -> (email, links to follow from which page for a detail page)
    "anonymous": (None, []),
    "resident": ("innbygger@demo.no", [("/courses", r"^/courses/\d+$"), ("/programs", r"^/programs/[\w-]+$")]),
    "resident-guided": ("deltaker@demo.no", [("/dashboard", r"^/programs/[\w-]+/modules/[\w-]+$")]),
    "guide": ("veileder@demo.no", [("/guide/", r"^/guide/residents/\d+$")]),
    "course-leader": ("kursleder@demo.no", [("/leader/cohorts", r"^/leader/cohorts/\d+$")]),
    "admin": ("admin@demo.no", []),
}
#: Addresses that are not pages to look at.
SKIP = re.compile(r"^/(static|healthz|readyz|metrics|logout|login/two-factor)|\.(csv|ics|txt|json)$|/export|/download")


def _app_and_server(instance: Path):
    """A demo installation of its own: database and mail in `instance`, nothing written to the
    checkout's instance folder."""
    from werkzeug.serving import make_server

    from selfhelp import clock, create_app
    from selfhelp.db import unit_of_work
    from selfhelp.demo import load_demo
    from selfhelp.migrate import upgrade

    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'demo.db'}", "DEMO_MODE": True,
                      "MAIL_DIR": str(instance / "mail"), "SMS_DIR": str(instance / "sms")})
    upgrade(app)
    with app.app_context(), unit_of_work():
        load_demo(clock.now())
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def _paths(app) -> list[str]:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments]
    return sorted({r.rule for r in rules if not SKIP.search(r.rule)})


def _log_in(page, base: str, email: str) -> None:
    import pyotp

    from selfhelp.demo import DEMO_TOTP_SECRET

    page.goto(base + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    if "/login/two-factor/" in page.url:
        page.get_by_label("Kode").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()


def _name(path: str) -> str:
    return re.sub(r"[^\w-]+", "_", path.strip("/")) or "front"


def _shoot(page, base: str, path: str, folder: Path, shots: list) -> bool:
    response = page.goto(base + path)
    final = page.url.removeprefix(base)
    if response is None or response.status != 200 or final.split("?")[0] != path.split("?")[0]:
        return False  # not for this role (refused, or sent elsewhere)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        file = folder / f"{_name(path)}-{width}.png"
        page.screenshot(path=str(file), full_page=True)
        shots.append((folder.name, path, width, file))
    return True


def _details(page, base: str, follow) -> list[str]:
    found = []
    for start, pattern in follow:
        page.goto(base + start)
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        match = next((h for h in hrefs if re.match(pattern, h or "")), None)
        if match:
            found.append(match)
    return found


def _index(folder: Path, shots: list) -> None:
    rows = []
    for role, path, width, file in shots:
        rel = file.relative_to(folder).as_posix()
        rows.append(f'<figure><a href="{rel}"><img src="{rel}" width="{min(width, 390) // 2}" loading="lazy" alt=""></a>'
                    f"<figcaption>{html.escape(role)} {html.escape(path)} {width}px</figcaption></figure>")
    (folder / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>selfhelp screenshots</title>"
        "<style>body{font-family:sans-serif;display:flex;flex-wrap:wrap;gap:12px}"
        "figure{margin:0;font-size:12px;max-width:200px}img{border:1px solid #ccc}</style>"
        + "".join(rows), encoding="utf-8")


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "screenshots").resolve()
    shutil.rmtree(folder, ignore_errors=True)
    chromium = os.environ.get("SELFHELP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        sys.exit(f"Chromium not found at {chromium} (apt-get install chromium, or set SELFHELP_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    shots: list = []
    with tempfile.TemporaryDirectory() as tmp:
        app, server, base = _app_and_server(Path(tmp))
        paths = _paths(app)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                for role, (email, follow) in ROLES.items():
                    role_folder = folder / role
                    role_folder.mkdir(parents=True, exist_ok=True)
                    context = browser.new_context(locale="nb-NO")
                    page = context.new_page()
                    if email:
                        _log_in(page, base, email)
                    for path in paths + _details(page, base, follow):
                        _shoot(page, base, path, role_folder, shots)
                    print(f"{role}: {sum(1 for s in shots if s[0] == role)} screenshots", flush=True)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    _index(folder, shots)
    print(f"{len(shots)} screenshots in {folder} (open {folder / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
