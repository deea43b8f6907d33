"""Applying to a cohort the way a resident does, one step per page (courses/apply_views.py)."""
from __future__ import annotations

from tests.conftest import post_form

#: Complete PHQ-9 answers without a risk answer (score 8).
ANSWERS = {f"q{i}": "1" for i in range(1, 10)} | {"q9": "0"}


def step_url(cohort_id: int, step: str = "") -> str:
    return f"/courses/{cohort_id}/apply" + (f"/{step}" if step else "")


def apply_in_steps(client, cohort_id: int, motivation: str = "Komme meg ut av sengen",
                   answers: dict | None = ANSWERS, guardian: tuple[str, str] | None = None):
    """Motivation, screening (when `answers`), guardian (when given), then send from the check
    page. Returns the response to the send."""
    response = post_form(client, step_url(cohort_id, "motivation"), {"motivation": motivation})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    if answers is not None:
        response = post_form(client, step_url(cohort_id, "screening"), answers)
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    if guardian is not None:
        name, contact = guardian
        response = post_form(client, step_url(cohort_id, "guardian"),
                             {"guardian_name": name, "guardian_contact": contact})
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return post_form(client, step_url(cohort_id, "send"), {}, page=step_url(cohort_id, "check"))
