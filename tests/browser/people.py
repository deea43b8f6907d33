"""Shared steps for browser tests: logging in as someone."""
import re

from tests import factories


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/dashboard"))
