"""Om tjenesten and the tilgjengelighetserklæring: open to everyone, in both languages, linked
from the footer of every page."""
import pytest

ABOUT, STATEMENT = "/om", "/tilgjengelighet"


@pytest.mark.parametrize("lang, path, texts", [
    ("nb", ABOUT, ("<h1", "Om tjenesten", "behandlingsansvarlig", "Når teamet er på jobb", "08.00", "16.00")),
    ("en", ABOUT, ("About the service", "data controller", "When the team is at work", "08:00", "16:00")),
    ("nb", STATEMENT, ("Tilgjengelighetserklæring", "WCAG 2.1", "Det vi vet at ikke virker godt nok",
                       "Tilsynet for universell utforming av ikt", "uutilsynet.no", "6. desember 2026")),
    ("en", STATEMENT, ("Accessibility statement", "WCAG 2.1", "What we know does not work well enough",
                       "Authority for Universal Design of ICT", "uutilsynet.no", "6 December 2026")),
])
def test_trust_pages_open_to_anonymous_visitors_in_both_languages(client, db, lang, path, texts):
    client.set_cookie("lang", lang)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    for text in texts:
        assert text in html, text


def _plain_get_pages(app):
    """Every route a GET without URL arguments reaches (the pages one can link to as they are)."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            yield rule.rule


def test_every_page_links_both_trust_pages_in_its_footer(app, as_persona):
    checked = 0
    for persona in ("anonymous", "resident", "guide", "course_leader", "admin"):
        client = as_persona(persona)
        for path in (*_plain_get_pages(app), "/no-such-page"):
            response = client.get(path)
            if not response.mimetype == "text/html" or response.status_code in (301, 302, 303):
                continue
            footer = response.get_data(as_text=True).partition('<footer class="site-footer">')[2]
            assert f'href="{ABOUT}"' in footer and f'href="{STATEMENT}"' in footer, (persona, path)
            checked += 1
    assert checked > 40
