"""/metrics: Prometheus text behind a bearer token; the outbox backlog and the rest come from the
database in a fixed number of queries; no personal data anywhere in it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from selfhelp.measures.models import RiskFlag
from selfhelp.notifications.models import Notification
from tests import factories
from tests.operations.helpers import beat
from tests.querycount import count_queries

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TOKEN = "s3cret-metrics-token-for-prometheus"


@pytest.fixture
def token(app):
    app.config["METRICS_TOKEN"] = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def _samples(response) -> dict:
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _notification(db, resident, n, **fields):
    values = dict(recipient_id=resident.id, kind="new_message", occurrence=f"test:{n}",
                  channel="email", created_at=NOW - timedelta(hours=2), due_at=NOW, state="pending")
    values.update(fields)
    db.add(Notification(**values))


def _outbox(db, resident, start=0):
    _notification(db, resident, start + 1, due_at=NOW - timedelta(minutes=30))  # due, oldest
    _notification(db, resident, start + 2, due_at=NOW - timedelta(minutes=5))   # due
    _notification(db, resident, start + 3, due_at=NOW + timedelta(hours=1))     # not due yet
    _notification(db, resident, start + 4, due_at=NOW - timedelta(hours=1),     # retry later
                  next_attempt_at=NOW + timedelta(minutes=10), attempts=1)
    _notification(db, resident, start + 5, state="failed", attempts=5)
    _notification(db, resident, start + 6, state="sent", sent_at=NOW)
    _notification(db, resident, start + 7, state="sent", sent_at=NOW, channel="sms")
    db.commit()


def test_metrics_answer_404_while_no_token_is_configured(app, client, db):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_refuse_a_request_without_the_right_bearer_token(client, db, token, header):
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "selfhelp_outbox" not in response.get_data(as_text=True)


def test_metrics_expose_the_outbox_backlog(client, db, token, clock):
    resident = factories.make_resident(email="rita.resident@example.com", name="Rita Resident")
    _outbox(db, resident)
    response = client.get("/metrics", headers=token)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    found = _samples(response)
    assert found[("selfhelp_outbox_notifications", (("state", "due"),))] == 2
    assert found[("selfhelp_outbox_notifications", (("state", "deferred"),))] == 1
    assert found[("selfhelp_outbox_notifications", (("state", "failed"),))] == 1
    assert found[("selfhelp_outbox_oldest_due_age_seconds", ())] == 30 * 60
    assert found[("selfhelp_notices_sent", (("channel", "email"),))] == 1
    assert found[("selfhelp_notices_sent", (("channel", "sms"),))] == 1


def test_metrics_show_flags_by_age_waiting_lists_scheduler_passes_and_request_latency(
        client, db, token, clock, personas):
    resident = personas["resident"]
    for days in (0, 2, 2, 10):
        db.add(RiskFlag(resident_id=resident.id, reason="self_harm_item", score=12, item_value=1,
                        raised_at=NOW - timedelta(days=days, hours=1), state="open"))
    db.add(RiskFlag(resident_id=resident.id, reason="self_harm_item", score=12, item_value=1,
                    raised_at=NOW, state="acknowledged"))
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], course="KiD", capacity=1,
                                   auto_admit=True)
    factories.make_application(cohort, resident)
    factories.make_application(cohort, personas["other_resident"])
    db.commit()
    beat(NOW - timedelta(seconds=30), seconds=1.5)
    beat(NOW - timedelta(seconds=10), seconds=0.5, failed=True)
    client.get("/")
    found = _samples(client.get("/metrics", headers=token))
    flags = {dict(labels)["age"]: value for (name, labels), value in found.items()
             if name == "selfhelp_open_risk_flags"}
    assert flags == {"under_1d": 1, "1d_to_3d": 2, "over_7d": 1}
    assert found[("selfhelp_waiting_list_length", (("course", "KiD"), ("municipality", "3301")))] == 1
    job = (("job", "send_due_notifications"),)
    assert found[("selfhelp_scheduler_passes_total", job)] == 2
    assert found[("selfhelp_scheduler_failures_total", job)] == 1
    assert found[("selfhelp_scheduler_pass_seconds_total", job)] == 2.0
    assert found[("selfhelp_scheduler_heartbeat_age_seconds", job)] == 10
    assert found[("selfhelp_request_duration_seconds_count",
                  (("endpoint", "pages.index"), ("method", "GET")))] >= 1


def test_metrics_label_endpoints_by_name_never_by_path(client, db, token, personas, as_persona):
    as_persona("resident").get(f"/notifications/{personas['resident'].id}")
    body = client.get("/metrics", headers=token).get_data(as_text=True)
    assert 'endpoint="notifications.open_notification"' in body
    assert "/notifications/" not in body


def test_metrics_carry_no_personal_data(client, db, token, clock, personas):
    resident = factories.make_resident(email="kari.nordmann@example.com", name="Kari Nordmann")
    _outbox(db, resident)
    body = client.get("/metrics", headers=token).get_data(as_text=True)
    for person in [resident, *personas.values()]:
        assert person.email not in body and person.name not in body
    assert "@" not in body


def test_metrics_send_the_same_number_of_queries_however_much_data(app, client, db, token, clock):
    resident = factories.make_resident()
    _outbox(db, resident)
    client.get("/metrics", headers=token)
    with count_queries(app.extensions["db"].engine) as small:
        client.get("/metrics", headers=token)
    _outbox(db, resident, start=100)
    _outbox(db, factories.make_resident(), start=200)
    beat(NOW, worker="other:1", job="plan_notifications")
    with count_queries(app.extensions["db"].engine) as large:
        client.get("/metrics", headers=token)
    assert len(small) == len(large) <= 5
