"""Security headers on every response and CSRF protection for every form post.

CSRF: the session (a signed cookie) holds a random value; forms carry that value signed again
with its own salt and a time stamp (itsdangerous). A post is accepted only when the form's
token is genuine, recent, and carries the value of the poster's own session.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, current_app, request, session
from itsdangerous import BadData, URLSafeTimedSerializer

# A form older than this must be reloaded before it can be sent.
CSRF_MAX_AGE_SECONDS = 7 * 24 * 3600

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="morgue-csrf")


def csrf_token() -> str:
    """The token to put in a form's ``csrf_token`` field (starts a session when needed)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return _serializer().dumps(session["csrf"])


def check_csrf() -> None:
    """Refuse (400) a form post without a valid token from this browser's session."""
    if request.method != "POST":
        return
    token = request.form.get("csrf_token", "")
    try:
        value = _serializer().loads(token, max_age=CSRF_MAX_AGE_SECONDS)
    except BadData:
        abort(
            400, "This form has expired or did not come from Morgue; reload the page and try again."
        )
    expected = session.get("csrf", "")
    if not (isinstance(value, str) and expected and hmac.compare_digest(value, expected)):
        abort(
            400,
            "This form did not come from this browser's session; reload the page and try again.",
        )


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
