"""Admin page listing mail written by the file backend, so the offline demo shows its emails."""
from flask import Blueprint, current_app, render_template

from selfhelp.notifications.email import list_mail_files
from selfhelp.security import roles_required

bp = Blueprint("notifications", __name__)


@bp.route("/admin/mail")
@roles_required("admin")
def mail_outbox():
    return render_template("notifications/mail_outbox.html", mails=list_mail_files(),
                           backend=current_app.config["MAIL_BACKEND"])
