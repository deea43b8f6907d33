"""URL converters every route uses: a record id is 1 .. 2^31-1, text has no control characters.
Registered by create_app before any blueprint adds its rules."""
from werkzeug.routing import IntegerConverter, UnicodeConverter

#: The largest id the database holds (PostgreSQL's integer); larger would overflow the driver.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a record id, 1 .. 2^31-1. Anything else (too large, negative,
    zero) matches no route, so it is a 404 — never an integer overflow in the database (a 500)."""

    def __init__(self, map, min=1, max=MAX_ID, **kwargs):  # noqa: A002  (werkzeug's names)
        super().__init__(map, min=min, max=max, **kwargs)


class TextConverter(UnicodeConverter):
    """`<name>` / `<string:name>`: a path segment without control characters (a NUL byte would
    reach PostgreSQL, which refuses it with an error: a 500). Such an address is a 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]", 1)


def register_converters(app) -> None:
    """Before any blueprint adds its rules: `int` means a record id everywhere, and text in a
    path has no control characters."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
