"""The one sanitizer: no script-injection payload survives; harmless formatting does."""
from html.parser import HTMLParser

import pytest

from selfhelp.checkins.services import render_feedback
from selfhelp.sanitize import clean_html, text_to_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">klikk</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">klikk</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<p onmouseover=\"alert(1)\">hei</p>",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>",
    "[klikk](javascript:alert(1))",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
]
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")


class _Inspector(HTMLParser):
    """Collects every tag and attribute the browser would build from the output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ("href", "title", "rel"):
                self.problems.append(f"attribute {name}")
            if name == "href" and not (value or "").strip().lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"href {value}")


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("clean", [clean_html, render_feedback, text_to_html])
def test_no_payload_survives(clean, payload):
    inspector = _Inspector()
    inspector.feed(str(clean(payload)))
    assert not inspector.problems, (payload, str(clean(payload)), inspector.problems)


def test_harmless_formatting_survives():
    html = str(clean_html("<p>Hei <strong>Kari</strong>, <em>godt</em> jobbet!</p>"
                          "<ul><li>en</li></ul><ol><li>to</li></ol><a href=\"https://helsenorge.no\">lenke</a>"))
    for kept in ("<p>", "<strong>Kari</strong>", "<em>godt</em>", "<ul><li>en</li></ul>",
                 "<ol><li>to</li></ol>", 'href="https://helsenorge.no"', 'rel="noopener noreferrer nofollow"'):
        assert kept in html


def test_the_editors_light_formatting_becomes_html():
    html = render_feedback("Hei **Kari**, *godt* jobbet!\n\n- gå tur\n- ring en venn")
    assert "<strong>Kari</strong>" in html and "<em>godt</em>" in html and "<li>gå tur</li>" in html
