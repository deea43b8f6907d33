"""The demo municipality has enough made-up use for every report to show figures."""
from sqlalchemy import select

from selfhelp.accounts.models import User
from tests.conftest import login


def test_the_demo_admin_sees_figures_in_every_report(app, db, clock):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    admin = db.scalar(select(User).where(User.email == "admin@demo.no"))
    client = app.test_client()
    login(client, admin)
    text = client.get("/reports/outcomes?format=csv&table=people").get_data(as_text=True)
    depression = next(line for line in text.splitlines() if "Mestring av depresjon" in line)
    assert int(depression.split(";")[2]) >= 5  # started, shown as a number (not "<5")
    for page, table in (("engagement", "completion"), ("reach", "age"), ("workload", "checkins")):
        lines = client.get(f"/reports/{page}?format=csv&table={table}").get_data(as_text=True).splitlines()
        assert len(lines) > 2, page
    # Running the demo again adds no one.
    before = len(db.scalars(select(User.id)).all())
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    assert len(db.scalars(select(User.id)).all()) == before
