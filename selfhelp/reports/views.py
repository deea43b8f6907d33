"""Service reports: /reports/ and one page per report; ?format=csv&table=<key> downloads a table."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from selfhelp import clock
from selfhelp.accounts.models import Role
from selfhelp.reports import services
from selfhelp.reports.forms import PeriodForm
from selfhelp.reports.scope import Period, Scope
from selfhelp.security import roles_required

bp = Blueprint("reports", __name__, url_prefix="/reports")

STAFF = (Role.ADMIN, Role.COURSE_LEADER, Role.GUIDE)


@bp.route("/")
@roles_required(*STAFF)
def index():
    return render_template("reports/index.html", reports=services.REPORTS)


def _filter_args():
    """The query string when it carries a filter; None shows the default period."""
    return request.args if any(k in request.args for k in ("start", "end", "scope")) else None


def _today():
    return clock.local(clock.now()).date()


def _report(name: str):
    info = services.REPORTS[name]
    form = PeriodForm(current_user, _today(), _filter_args())
    valid = form.validate() if _filter_args() else True
    tables = []
    if valid:
        period = Period(form.start.data, form.end.data, clock.now())
        tables = services.build(name, Scope.for_user(current_user, form.scope.data), period)
        if request.args.get("format") == "csv":
            table = next((t for t in tables if t.key == request.args.get("table")), None)
            if table is None:
                abort(404)
            filename = (f"{name}-{table.key}-{form.start.data.isoformat()}-"
                        f"{form.end.data.isoformat()}.csv")
            return Response(table.csv(), mimetype="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return render_template("reports/report.html", info=info, reports=services.REPORTS, form=form,
                           tables=tables, valid=valid)


@bp.route("/outcomes")
@roles_required(*STAFF)
def outcomes():
    return _report("outcomes")


@bp.route("/engagement")
@roles_required(*STAFF)
def engagement():
    return _report("engagement")


@bp.route("/reach")
@roles_required(*STAFF)
def reach():
    return _report("reach")


@bp.route("/workload")
@roles_required(*STAFF)
def workload():
    return _report("workload")


@bp.route("/stepped-care")
@roles_required(*STAFF)
def stepped_care():
    return _report("stepped_care")
