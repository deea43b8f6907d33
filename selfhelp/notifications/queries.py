"""The read side of the admin's notification pages; each records the staff view in the access
log of the residents it shows."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from selfhelp.audit import services as audit
from selfhelp.channels.email import list_mail_files, mask_token_links
from selfhelp.db import db
from selfhelp.notifications.delivery import failed_notifications
from selfhelp.notifications.models import Notification
from selfhelp.notifications.registry import people


def failed_page(admin: Any, now: datetime) -> tuple[list[Notification], dict[int, str]]:
    """The failed notifications of the admin's people and their names (audited)."""
    items = failed_notifications(people().served_by(admin))
    names = people().names(db, {n.recipient_id for n in items})
    # Names of residents are shown: the visit is in each resident's access log.
    audit.record(admin, "admin", [n.recipient_id for n in items], "failed_notifications",
                 "view", now)
    return items, names


def sent_mail(admin: Any, now: datetime, hide_links_as: str | None) -> list[dict]:
    """The demo's written mail to the admin's people, token links masked unless
    `hide_links_as` is None (audited)."""
    mails = list_mail_files()
    addresses = {(mail["to"] or "").strip().lower() for mail in mails}
    served = people().ids_by_email(db, addresses, people().served_by(admin))
    mails = [m for m in mails if (m["to"] or "").strip().lower() in served]
    if hide_links_as is not None:
        for mail in mails:
            mail["text"] = mask_token_links(mail["text"], hide_links_as)
    audit.record(admin, "admin", list(served.values()), "sent_mail", "view", now)
    return mails
