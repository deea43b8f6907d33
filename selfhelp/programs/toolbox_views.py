"""The toolbox: every worksheet the resident filled in, kept after the program ends."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from selfhelp.content import get_catalogue
from selfhelp.db import db
from selfhelp.programs.display import answer_as_text, display_value
from selfhelp.programs.models import Enrolment, WorksheetAnswer, WorksheetVersion
from selfhelp.i18n import current_locale
from selfhelp.programs.worksheets import is_empty
from selfhelp.security import roles_required

bp = Blueprint("programs_toolbox", __name__, url_prefix="/toolbox")


@bp.route("/")
@roles_required("resident")
def index():
    locale = current_locale()
    programs = get_catalogue().programs
    rows = db.execute(select(WorksheetAnswer, Enrolment.program_slug).join(Enrolment)
                      .where(Enrolment.resident_id == current_user.id)
                      .order_by(Enrolment.started_at, WorksheetAnswer.module_slug)).all()
    groups: dict[str, dict] = {}
    for answer, slug in rows:
        program = programs.get(slug)
        module = program.module(answer.module_slug) if program else None
        exercise = module.text(locale).exercise(answer.exercise_key) if module else None
        if exercise is None or is_empty(answer.data):
            continue
        group = groups.setdefault(slug, {"program": program, "entries": []})
        group["entries"].append({"answer": answer, "exercise": exercise,
                                 "module_title": module.text(locale).title})
    return render_template("programs/toolbox.html", groups=list(groups.values()))


def _own_answer(answer_id: int):
    row = db.execute(select(WorksheetAnswer, Enrolment.program_slug).join(Enrolment)
                     .where(WorksheetAnswer.id == answer_id,
                            Enrolment.resident_id == current_user.id)).first()
    if row is None:
        abort(404)
    answer, slug = row
    program = get_catalogue().programs.get(slug)
    module = program.module(answer.module_slug) if program else None
    if module is None or module.text("nb").exercise(answer.exercise_key) is None:
        abort(404)
    return answer, program, module


@bp.route("/<int:answer_id>")
@roles_required("resident")
def show(answer_id: int):
    answer, program, module = _own_answer(answer_id)
    locale = current_locale()
    versions = list(db.scalars(select(WorksheetVersion).where(WorksheetVersion.answer_id == answer.id)
                               .order_by(WorksheetVersion.saved_at)))
    return render_template(
        "programs/toolbox_entry.html", answer=answer, program=program, versions=versions,
        exercise=module.text(locale).exercise(answer.exercise_key),
        module_title=module.text(locale).title,
        show_value=lambda field, column, value: display_value(
            module, locale, answer.exercise_key, field, column, value))


@bp.route("/<int:answer_id>/download")
@roles_required("resident")
def download(answer_id: int):
    answer, _program, module = _own_answer(answer_id)
    text = answer_as_text(module, current_locale(), answer.exercise_key, answer.data)
    return Response(text, mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{answer.exercise_key}.txt"'})
