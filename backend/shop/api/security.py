"""What every response carries, and which client address to believe (issue 14).

- Security headers on every response: the admin may load only its own scripts (Element Plus
  injects inline styles, so styles may be inline), may not be framed, and nothing is sniffed.
- No cookie session: shoppers and staff sign every request with a bearer token, nothing is kept in a
  cookie, so Flask's signed-cookie session is never opened (it built a signing serializer per request).
- `PROXY_COUNT` trusted reverse proxies (default 0): X-Forwarded-For is believed only for the
  hops those proxies add, so audit IPs and per-IP limits cannot be forged by a client.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class NoCookieSession(SessionInterface):
    """Flask's session as a null session (writing to it raises): the API keeps no state in cookies."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:
        return None


def install(app: Flask) -> None:
    app.session_interface = NoCookieSession()
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}  # a route may set a stricter one (uploads)
        headers.extend([(name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present])
        return response
