"""selfhelp: the municipal platform for guided self-help, group courses and guides."""
from __future__ import annotations

from flask import Flask, request

from selfhelp import db as database
from selfhelp import i18n
from selfhelp.config import ROOT, load_config
from selfhelp.extensions import babel, csrf, login_manager


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(load_config(app.instance_path))
    # The app-wide CSRF check runs in _csrf_check below, so form views can show it as a form error.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    if config:
        app.config.update(config)

    import selfhelp.models  # noqa: F401  (every table known before anything queries)
    from selfhelp import routing

    routing.register_converters(app)  # before the blueprints add their rules

    from selfhelp import crypto

    crypto.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=lambda: "Europe/Oslo")
    csrf.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_notices(app)
    _register_csrf_check(app)
    _register_session_rules(app)
    from selfhelp import errors, templating
    errors.register(app)
    templating.register(app)
    from selfhelp.operations import banner, logs

    logs.init_app(app)
    banner.init_app(app)
    from selfhelp import cli
    cli.register(app)
    _behind_proxies(app)
    return app


def _behind_proxies(app: Flask) -> None:
    """Trust X-Forwarded-* from exactly TRUSTED_PROXIES proxies (none by default), so an https
    request that a proxy passed on as http is still known to be https: HSTS is sent and every
    cookie is marked Secure."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from selfhelp.headers import SecureCookiesOverHttps

    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted,  # type: ignore[method-assign]
                                x_host=trusted, x_port=trusted)


def _init_login(app: Flask) -> None:
    from flask import g, session

    from selfhelp.accounts import devices

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        ident, _, stamp = user_id.partition(".")
        if not ident.isdigit() or int(ident) > 2**31 - 1:
            return None
        # One query: the person and the open session row the cookie names (accounts/devices.py).
        found = devices.load(int(ident), session.get(devices.SESSION_KEY))
        if found is None:
            return None
        user, record = found
        if user.security_stamp != stamp or not user.is_active:
            return None
        g.user_session = record
        return user


def _register_blueprints(app: Flask) -> None:
    from selfhelp.accounts.staff_views import bp as staff_bp
    from selfhelp.accounts.profile_views import bp as account_bp
    from selfhelp.accounts.twofactor_views import bp as twofactor_bp
    from selfhelp.accounts.views import bp as accounts_bp
    from selfhelp.checkins.admin_views import bp as guide_admin_bp
    from selfhelp.checkins.resident_views import bp as checkin_bp
    from selfhelp.checkins.views import bp as guide_bp
    from selfhelp.courses.apply_views import bp as apply_bp
    from selfhelp.courses.leader_views import bp as leader_bp
    from selfhelp.courses.views import bp as courses_bp
    from selfhelp.measures.views import bp as measures_bp
    from selfhelp.notifications.views import bp as notifications_bp
    from selfhelp.pages.views import bp as pages_bp
    from selfhelp.programs.toolbox_views import bp as toolbox_bp
    from selfhelp.programs.views import bp as programs_bp
    from selfhelp.reports.views import bp as reports_bp
    from selfhelp.audit.views import bp as audit_bp
    from selfhelp.care.views import bp as care_bp
    from selfhelp.privacy.views import bp as privacy_bp
    from selfhelp.pathway.views import bp as pathway_bp
    from selfhelp.operations.views import bp as operations_bp

    for bp in (pathway_bp, twofactor_bp, account_bp, reports_bp, pages_bp, accounts_bp, staff_bp,
               notifications_bp, programs_bp, toolbox_bp, measures_bp, courses_bp, apply_bp,
               leader_bp, guide_bp, checkin_bp, guide_admin_bp, audit_bp, privacy_bp, care_bp,
               operations_bp):
        app.register_blueprint(bp)


def _register_notices(app: Flask) -> None:
    """Each domain tells the notification system its notice kinds, planners and (accounts) who
    the recipients are; the notification system imports no domain."""
    from selfhelp.accounts import notices as account_notices
    from selfhelp.care import notices as care_notices
    from selfhelp.checkins import notices as checkin_notices
    from selfhelp.courses import notices as course_notices
    from selfhelp.notifications import kinds, registry
    from selfhelp.programs import notices as program_notices

    notices = registry.init_app(app)
    kinds.register(notices)
    # Planners run in this order (course reminders first, as before); daily digests after all.
    for domain in (account_notices, course_notices, program_notices, checkin_notices, care_notices):
        domain.register(notices)


def _register_session_rules(app: Flask) -> None:
    from selfhelp import headers
    from selfhelp.accounts.session import enforce_session_rules, just_logged_out
    from selfhelp.forms import strip_nul_characters

    app.before_request(strip_nul_characters)
    app.before_request(enforce_session_rules)
    app.jinja_env.globals["just_logged_out"] = just_logged_out
    headers.init_app(app)


def _register_csrf_check(app: Flask) -> None:
    @app.before_request
    def _csrf_check():
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "csrf_in_form", False):
            return None  # the view's FlaskForm checks the token and keeps the typed text
        csrf.protect()
        return None


