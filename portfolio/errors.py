"""Error pages in the user's language; JSON for API-style requests."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from portfolio.extensions import db
from portfolio.validation import ConcurrentSaveError, ConflictError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Felaktig begäran"), _("Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen.")),
        403: (_("Åtkomst nekad"), _("Du har inte behörighet att göra detta. "
                                    "Kontakta projektkontoret om du behöver ändrad behörighet.")),
        404: (_("Sidan finns inte"), _("Sidan eller posten du söker finns inte, eller har flyttats.")),
        405: (_("Metoden är inte tillåten"), _("Åtgärden går inte att göra på det här sättet.")),
        409: (_("Konflikt"), _("Någon annan sparade samma sak samtidigt. Ladda om sidan och försök igen.")),
        413: (_("För stor fil"), _("Det du skickade är för stort.")),
        429: (_("För många försök"), _("Vänta en stund och försök igen.")),
        500: (_("Något gick fel"), _("Ett oväntat fel inträffade. Ingenting har sparats. Försök igen, "
                                     "och kontakta förvaltningen av systemet om felet kvarstår.")),
    }


def render_error(code: int, detail: str | None = None):
    title, text = _messages().get(code, (str(code), ""))
    if (request.path.startswith("/api/") or request.path.endswith(".json")
            or request.accept_mimetypes.best == "application/json"):
        return jsonify(status=code, title=title, message=detail or text), code
    return render_template("errors/error.html", code=code, title=title,
                           text=detail or text), code


def _nearest_page(app: Flask, path: str) -> str | None:
    """The closest page above a form's POST-only address (…/costs → the benefit case), so that
    opening the address a refused form was shown at leads somewhere instead of to a 405."""
    adapter = app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        for attempt in (candidate, candidate + "/"):
            try:
                adapter.match(attempt, method="GET")
            except HTTPException:
                continue
            return attempt
    return None


def _is_api() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return render_error(400, _("Formuläret har gått ut eller saknar säkerhetstoken. "
                                   "Ladda om sidan och försök igen."))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code == 405 and request.method in ("GET", "HEAD") and not _is_api():
            target = _nearest_page(app, request.path)
            if target:
                return redirect(target)
        if _is_api():
            from portfolio.api.errors import error_response

            return error_response(err)
        if isinstance(err, RateLimitExceeded):     # its message (Retry-After is added after)
            return render_error(429, err.description)
        return render_error(err.code or 500)

    @app.errorhandler(ConflictError)
    def conflict(err: ConflictError):
        """A conflict that no form or API call answered itself (a view with its own
        `transaction()`): a 409 that says so, never a 500. Nothing was saved."""
        db.session.rollback()
        message = err.message() if isinstance(err, ConcurrentSaveError) else None
        if _is_api():
            from portfolio.api.errors import error_response

            answer = Conflict()
            answer.data = {"message": message} if message else {}  # type: ignore[attr-defined]
            return error_response(answer)
        return render_error(409, message)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=err)
        if _is_api():
            from portfolio.api.errors import error_response

            return error_response(InternalServerError())
        return render_error(InternalServerError.code)
