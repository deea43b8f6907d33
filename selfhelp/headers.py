"""Security headers on every response.

The Content-Security-Policy allows scripts and styles only from our own static files: no inline
<script>, no <style> blocks, no style="" attributes, no on*= handlers, nothing from other sites.
Images may also be data: URIs (the QR code for setting up two-factor login is drawn on the
server and sent inline).

Every response but a static file says `Cache-Control: no-store`: pages and CSV exports carry
health and personal data, which must not stay in a shared browser's cache or a proxy. Static
files (CSS, scripts, images) keep the normal caching.
"""
from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"


def _is_static() -> bool:
    return request.endpoint == "static" or (request.endpoint or "").endswith(".static")


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure and app.config.get("HSTS", True):
            headers.setdefault("Strict-Transport-Security", HSTS)
        if not _is_static():
            headers["Cache-Control"] = NO_STORE
            headers.setdefault("Pragma", "no-cache")  # for HTTP/1.0 caches
        return response


class SecureCookiesOverHttps:
    """WSGI middleware: on an https request, every Set-Cookie gets the Secure flag (the session
    cookie's flag otherwise follows only BASE_URL). Sits inside ProxyFix, so behind trusted
    proxies it sees the scheme the browser used."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [(name, _secure(value) if name.lower() == "set-cookie" else value)
                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def _secure(cookie: str) -> str:
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in flags else cookie + "; Secure"
