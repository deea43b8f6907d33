"""What every template can use: crisis contacts, languages, and the date filters of selfhelp.dates."""
from __future__ import annotations

from flask import Flask, request

from selfhelp import dates
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.content.crisis import crisis_contacts
from selfhelp.forms import EmptyForm
from selfhelp.i18n import LANGUAGES, current_locale, localized
from selfhelp.measures.definitions import measure_name


def register(app: Flask) -> None:
    dates.register(app)
    app.jinja_env.filters.update(localized=localized, municipality_name=municipality_name,
                                 lookup=lambda key, mapping: mapping.get(key, key),
                                 measure_name=measure_name)

    @app.context_processor
    def _globals():
        return {
            "crisis_contacts": crisis_contacts(),
            "languages": LANGUAGES,
            "current_language": current_locale(),
            "empty_form": EmptyForm,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
