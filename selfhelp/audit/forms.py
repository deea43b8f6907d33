"""The admin's audit search (a GET form: filters belong in the address)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from selfhelp.forms import DateInput


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False

    staff = SelectField(_l("Ansatt"), validate_choice=False)
    resident = StringField(_l("Innbygger (e-post eller ID)"), filters=[lambda v: v.strip() if v else v],
                           validators=[Optional(), Length(max=254)])
    start = DateInput(_l("Fra og med dato"), validators=[Optional()])
    end = DateInput(_l("Til og med dato"), validators=[Optional()])
