"""Error pages in the user's language; JSON for API-style requests."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from selfhelp.db import db, writes_kept

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Noe var galt med forespørselen"),
          _l("Siden fikk noe den ikke forsto. Gå tilbake og prøv igjen.")),
    403: (_l("Du har ikke tilgang"),
          _l("Denne siden er ikke tilgjengelig for deg. Er du logget inn med riktig konto?")),
    404: (_l("Fant ikke siden"),
          _l("Siden finnes ikke, eller den er flyttet. Sjekk adressen, eller gå til forsiden.")),
    405: (_l("Det går ikke an å gjøre det her"),
          _l("Siden kan ikke brukes på denne måten. Gå tilbake og bruk knappene på siden.")),
    413: (_l("Det du sendte, er for stort"),
          _l("Siden tar imot opptil %(size)s om gangen. Del teksten opp, eller gjør den kortere, "
             "og prøv igjen.")),
    429: (_l("For mange forsøk"),
          _l("Du har prøvd mange ganger på kort tid. Vent litt og prøv igjen.")),
    500: (_l("Noe gikk galt hos oss"),
          _l("Det er en feil hos oss, ikke hos deg. Prøv igjen om litt. Trenger du hjelp nå, "
             "se akutthjelp.")),
}
CSRF_MESSAGE = (_l("Siden var utløpt"),
                _l("Av sikkerhetshensyn må siden lastes på nytt før du kan sende. Gå tilbake, "
                   "last siden på nytt og prøv igjen."))


def _rollback(code: int) -> None:
    """A failed statement leaves the session unusable (PendingRollbackError), and the error page
    itself reads the database (the logged-in user, the navigation): start clean first. Writes
    the request asked to keep (``keep_writes``: an idle session ended before the view refused)
    stay for a refusal (4xx); the request's end commits them. A server error keeps nothing."""
    if code < 500 and writes_kept():
        return
    try:
        db.rollback()
    except Exception:  # noqa: BLE001  (the page must still be shown)
        log.exception("rollback before the error page failed")


def _size(limit: int | None) -> str:
    from flask_babel import format_decimal

    if not limit:
        return "?"
    return f"{format_decimal(round(limit / (1024 * 1024), 1))} MB"


def render_error(code: int, title=None, message=None):
    _rollback(code)
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    if code == 413 and message is None:
        from flask import current_app

        message = default_message % {"size": _size(current_app.config.get("MAX_CONTENT_LENGTH"))}
    return render_template("errors/error.html", code=code, title=title or default_title,
                           message=message or default_message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code if error.code in MESSAGES else 400)
        if error.code == 405 and error.valid_methods:
            return (*response, {"Allow": ", ".join(error.valid_methods)})
        return response

    @app.errorhandler(SQLAlchemyError)
    def _database(error):
        log.exception("database error on %s %s", request.method, request.path)
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
