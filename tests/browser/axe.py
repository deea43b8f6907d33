"""axe-core accessibility check (axe-playwright-python ships axe.min.js; nothing is fetched)."""
from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def assert_accessible(page) -> None:
    """Fail on serious or critical WCAG violations on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
    bad = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad)
    assert not bad, f"accessibility violations on {page.url}:\n{report}"
    assert_fits_width(page)


def assert_fits_width(page) -> None:
    """Nothing makes the page scroll sideways (wide tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
