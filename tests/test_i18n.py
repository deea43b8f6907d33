"""The one locale fallback every text in two languages goes through."""
from selfhelp.i18n import in_language, localized


def test_a_text_is_shown_in_the_asked_language_else_in_bokmal_else_in_any():
    assert localized({"nb": "Mål", "en": "Goal"}, "en") == "Goal"
    assert localized({"nb": "Mål", "en": "Goal"}, "de") == "Mål"
    assert localized({"nb": "Mål", "en": ""}, "en") == "Mål"
    assert localized({"en": "Goal"}, "nb") == "Goal"


def test_no_text_is_an_empty_string_and_a_plain_string_stays_as_it_is():
    assert localized(None, "en") == "" and localized({}, "en") == ""
    assert localized("Bare bokmål", "en") == "Bare bokmål"


def test_without_a_locale_the_request_language_is_used(app):
    # A fresh app context each: Flask-Babel keeps the locale it picked for the app context.
    with app.app_context(), app.test_request_context(headers={"Cookie": "lang=en"}):
        assert localized({"nb": "Mål", "en": "Goal"}) == "Goal"
    with app.app_context(), app.test_request_context():
        assert localized({"nb": "Mål", "en": "Goal"}) == "Mål"


def test_in_language_keeps_any_kind_of_value():
    modules = {"nb": ["bokmål"], "en": ["english"]}
    assert in_language(modules, "en") == ["english"] and in_language(modules, "se") == ["bokmål"]
    assert in_language(None, "nb") is None
