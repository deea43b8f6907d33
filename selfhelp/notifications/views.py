"""Notification centre, notification settings, one-click unsubscribe, and the admin's pages for
failed messages and (in the demo) the mail written to files."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from selfhelp import clock
from selfhelp.channels.email import mail_viewer_enabled
from selfhelp.db import db
from selfhelp.forms import EmptyForm, validates_csrf_in_form
from selfhelp.i18n import current_locale
from selfhelp.notifications import centre, queries, services
from selfhelp.notifications.catalogue import TOPICS, kind_of, topics_for
from selfhelp.notifications.forms import SettingsForm
from selfhelp.notifications.preferences import (
    UnsubscribeLinkExpired, mute, read_unsubscribe_token, save_settings, settings_for,
)
from selfhelp.notifications.registry import people
from selfhelp.security import roles_required

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def centre_page():
    items = centre.latest(current_user.id)
    language = current_locale()
    titles = {n.id: centre.title_of(n, language) for n in items}
    return render_template("notifications/centre.html", items=items, titles=titles,
                           form=EmptyForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    n = centre.open_one(current_user.id, notification_id, clock.now())
    if n is None:
        abort(404)
    link = urlsplit(str(n.context.get("link") or ""))
    # Only ever to a page of our own: the path of the stored link, never another host.
    target = link.path + (f"?{link.query}" if link.query else "") if link.path.startswith("/") else ""
    return redirect(target or url_for("notifications.centre_page"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    centre.mark_all_read(current_user.id, clock.now())
    flash(_("Alle varsler er merket som lest."), "success")
    return redirect(url_for("notifications.centre_page"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
@validates_csrf_in_form
def settings():
    topics = topics_for(current_user.is_staff, current_user.is_resident)
    current = settings_for(db, current_user.id)
    form = SettingsForm(topics, bool(current_user.phone))
    if request.method == "GET":
        form.channel.data = current.channel
        form.wanted.data = [t.name for t in topics if t.can_mute and t.name not in (current.muted or [])]
        form.daily_digest.data = current.daily_digest
        form.quiet_start_hour.data = current.quiet_start_hour
        form.quiet_end_hour.data = current.quiet_end_hour
    elif form.validate_on_submit():
        save_settings(db, current_user.id, topics, channel=form.channel.data,
                      wanted=set(form.wanted.data or []), daily_digest=bool(form.daily_digest.data),
                      quiet_start_hour=form.quiet_start_hour.data,
                      quiet_end_hour=form.quiet_end_hour.data)
        flash(_("Varslingsinnstillingene er lagret."), "success")
        return redirect(url_for("notifications.settings"))
    locked = [t for t in topics if not t.can_mute and t.audience != "any"]
    return render_template("notifications/settings.html", form=form, locked=locked)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@validates_csrf_in_form  # the signed token in the link is the credential (RFC 8058 one-click)
def unsubscribe(token: str):
    try:
        found = read_unsubscribe_token(token)
    except UnsubscribeLinkExpired:
        return render_template("notifications/unsubscribe.html", topic=None, expired=True), 410
    if found is None:
        return render_template("notifications/unsubscribe.html", topic=None), 404
    user_id, topic_name = found
    if people().recipient(db, user_id) is None:
        abort(404)
    done = request.method == "POST"
    if done:  # GET only asks: link checkers in mail systems open links without a person
        mute(db, user_id, topic_name)
    return render_template("notifications/unsubscribe.html", topic=TOPICS[topic_name], done=done,
                           token=token)


# ------------------------------------------------------------------ admin

@bp.route("/admin/notifications")
@roles_required("admin")
def failed():
    items, names = queries.failed_page(current_user, clock.now())
    return render_template("notifications/failed.html", items=items, names=names,
                           topics=TOPICS, kind_of=kind_of, form=EmptyForm())


@bp.route("/admin/notifications/<int:notification_id>/retry", methods=["POST"])
@roles_required("admin")
def retry(notification_id: int):
    if services.retry_failed(notification_id, people().served_by(current_user)) is None:
        abort(404)
    flash(_("Meldingen sendes på nytt i løpet av et minutt."), "success")
    return redirect(url_for("notifications.failed"))


@bp.route("/admin/mail")
@roles_required("admin")
def mail_outbox():
    """The demo's outbox: only in demo mode with the file backend, only mail to people of the
    admin's municipalities, and token links masked (unless the local demo shows them)."""
    if not mail_viewer_enabled():
        abort(404)
    links_shown = bool(current_app.config.get("DEMO_MAIL_SHOW_LINKS"))
    hidden = None if links_shown else "[" + _("lenke skjult") + "]"
    mails = queries.sent_mail(current_user, clock.now(), hidden)
    return render_template("notifications/mail_outbox.html", mails=mails, links_shown=links_shown)


@bp.app_context_processor
def _bell() -> dict:
    """The unread count for the bell in the page header (one COUNT query per page)."""
    def unread() -> int:
        return centre.unread_count(current_user.id) if current_user.is_authenticated else 0

    return {"unread_notifications": unread, "mail_viewer_enabled": mail_viewer_enabled}
