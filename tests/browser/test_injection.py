"""Script injection, checked in the real browser.

People's text is stored with hostile payloads (names, worksheet answers, check-ins, messages,
feedback, course applications, cohort places, snippets), then resident, guide, course leader and
admin walk the pages they can reach, type payloads into every text field of every form they find
and send it. On every page: no payload ran (window.__xss stays unset, no dialog opened), and the
page holds no inline script, no on*= attribute and no javascript: link — so the text was escaped
or sanitised, not merely blocked by the Content-Security-Policy.
"""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from selfhelp.checkins import services as checkins
from selfhelp.checkins.models import Snippet
from selfhelp.clock import local, now
from tests import factories
from tests.browser.people import fill_birth_date, log_in
from tests.programs.helpers import enrol

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "'><svg onload=window.__xss=1>",
    "<a href=\"javascript:window.__xss=1\">klikk</a>",
    "[lenke](javascript:window.__xss=1)",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "</textarea><script>alert(1)</script>",
    "<body onload=alert(1)>",
    "{{ 7*7 }}<style>*{display:none}</style>",
    "**fet** <b onmouseover=alert(1)>x</b>",
]
SKIP_LINKS = re.compile(r"/logout|/static/|\.csv|\.ics|/download|/language|/calendar/")
MAX_PAGES = 22
MAX_FORMS = 22

FIND_PROBLEMS = """() => {
  const bad = [];
  if (window.__xss !== undefined) bad.push('window.__xss was set');
  (window.__csp || []).forEach(v => bad.push('blocked by the CSP: ' + v));
  document.querySelectorAll('script:not([src])').forEach(
      s => bad.push('inline script: ' + s.textContent.slice(0, 60)));
  document.querySelectorAll('iframe, object, embed, style').forEach(e => bad.push('element ' + e.tagName));
  document.querySelectorAll('*').forEach(e => {
    for (const a of e.attributes) {
      if (a.name.startsWith('on')) bad.push(e.tagName + ' has ' + a.name);
      if (['href', 'src', 'action', 'formaction'].includes(a.name)
          && a.value.trim().toLowerCase().startsWith('javascript:')) bad.push(e.tagName + ' ' + a.name + '=' + a.value);
    }
  });
  return bad;
}"""

FILLABLE = ("input[type=text], input:not([type]), input[type=search], input[type=url], "
            "input[type=tel], textarea")


@pytest.fixture
def hostile_world(live_db):
    """Text typed by people, stored with payloads, where every persona will see it."""
    admin = factories.make_staff(roles=["admin"], email="admin@example.com", name="Ada Admin")
    guide = factories.make_staff(roles=["guide"], email="guide@example.com",
                                 name="Gro Guide", display_name=PAYLOADS[1])
    leader = factories.make_staff(roles=["course_leader"], email="leder@example.com",
                                  name="Lise Leder", qualifications=["kid_leader", "du_leader"])
    rita = factories.make_resident(email="rita@example.com", name="Rita " + PAYLOADS[0])
    enrolment = enrol(rita, "depression", now() - timedelta(weeks=1))
    enrolment.start_date = local(now()).date() - timedelta(weeks=1)
    checkins.assign_guide(admin, enrolment, guide, now())
    cohort = factories.make_cohort(leaders=[leader], place=PAYLOADS[2], room=PAYLOADS[3])
    factories.make_application(cohort, rita, motivation=PAYLOADS[4] + PAYLOADS[5])
    factories.make_cohort(leaders=[leader], publish=False)  # a draft the leader edits
    live_db.add(Snippet(owner_id=guide.id, title=PAYLOADS[6], body=PAYLOADS[7] + " {fornavn}",
                        created_at=now()))
    live_db.commit()


class Walker:
    """One logged-in person clicking around: every page checked, every text form sent."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.dialogs: list[str] = []
        self.visited: list[str] = []
        self.sent = 0
        self.payload_no = 0
        page.on("dialog", self._dialog)
        # Anything the Content-Security-Policy had to block is a finding too (our own inline
        # code, or a payload that reached the page unescaped).
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                             " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def check(self) -> None:
        self.page.wait_for_load_state()
        problems = self.page.evaluate(FIND_PROBLEMS)
        assert not problems, f"{self.page.url}: {problems}"
        assert not self.dialogs, self.dialogs

    def links(self) -> list[str]:
        found = []
        for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urljoin(self.page.url, href).split("#")[0]
            if urlsplit(url).netloc == urlsplit(self.base).netloc and not SKIP_LINKS.search(url):
                found.append(url)
        return found

    def _fill_and_send(self, url: str, index: int) -> bool:
        self.page.goto(url)
        form = self.page.locator("main form[method=post], main form[method=POST]").nth(index)
        fields = [f for f in form.locator(FILLABLE).all() if f.is_visible() and f.is_editable()]
        if not fields or re.search(r"logout|language", form.get_attribute("action") or ""):
            return False
        for field in fields:
            field.fill(PAYLOADS[self.payload_no % len(PAYLOADS)])
            self.payload_no += 1
        button = form.locator("button[type=submit], button:not([type]), input[type=submit]")
        if button.count() == 0:
            return False
        button.first.click()
        self.check()  # what comes back (saved, or the form again with the text in it)
        self.sent += 1
        return True

    def walk(self, starts: list[str], send_forms: bool = True) -> None:
        queue, seen = list(starts), set()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            self.page.goto(url)
            self.check()
            self.visited.append(url)
            queue.extend(u for u in self.links() if u not in seen)
            if not send_forms:
                continue
            count = self.page.locator("main form[method=post], main form[method=POST]").count()
            for index in range(count):
                if self.sent >= MAX_FORMS:
                    break
                if self._fill_and_send(url, index):
                    queue.extend(u for u in self.links() if u not in seen)


def _walker(browser, browser_context_args, base, email=None) -> Walker:
    page = browser.new_context(**browser_context_args).new_page()
    walker = Walker(page, base)
    if email:
        log_in(page, base, email)
    return walker


def test_no_injected_script_runs_anywhere(browser, browser_context_args, live_server, hostile_world):
    base = live_server.url

    # Signing up with a hostile name, through the real form.
    newcomer = _walker(browser, browser_context_args, base)
    page = newcomer.page
    page.goto(base + "/signup")
    page.get_by_label("Fullt navn").fill(PAYLOADS[1] + " Nina")
    page.get_by_label("E-post").fill("nina@example.com")
    page.get_by_label("Passord", exact=True).fill(factories.PASSWORD)
    page.get_by_label("Gjenta passordet").fill(factories.PASSWORD)
    fill_birth_date(page, "17", "5", "1990")
    page.get_by_label("Kommune du bor i").select_option("3301")
    page.get_by_label("Jeg fant det selv").check()
    page.get_by_label(re.compile("godtar vilkårene")).check()
    page.get_by_role("button", name="Opprett konto").click()
    page.wait_for_url(re.compile(r".*/signup/check-email"))
    newcomer.check()
    log_in(page, base, "nina@example.com")  # sign-up never logs in (it must not reveal accounts)
    newcomer.walk([base + "/dashboard"])

    # Everyone types payloads into every text field they reach, resident first so the
    # staff see the resident's fresh text.
    starts = {"rita@example.com": ["/dashboard", "/checkin", "/messages"],
              "guide@example.com": ["/dashboard", "/guide/"],
              "leder@example.com": ["/dashboard", "/leader/cohorts/2/edit",
                                    "/leader/cohorts/1/applications/1", "/leader/cohorts/1/roster"],
              "admin@example.com": ["/dashboard", "/staff/"]}
    walkers = {}
    for email, paths in starts.items():
        walkers[email] = _walker(browser, browser_context_args, base, email)
        walkers[email].walk([base + path for path in paths])
        assert walkers[email].sent > 0, f"{email} found no form to send"

    # Then everyone looks again at what the others wrote.
    for walker in walkers.values():
        for url in list(dict.fromkeys(walker.visited)):
            walker.page.goto(url)
            walker.check()

    rita = walkers["rita@example.com"].page
    rita.goto(base + "/dashboard")
    expect(rita.locator("body")).to_contain_text("Hei")
