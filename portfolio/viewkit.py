"""The one pattern every form view follows: validate the form, call one service, then redirect
on success or show the form again with messages by the fields and a 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, redirect
from flask_babel import gettext as _

from portfolio.transactions import transaction
from portfolio.validation import ConcurrentSaveError, ConflictError, PermissionDenied, ServiceValidationError

Saved = TypeVar("Saved")


def conflict_message() -> str:
    return _("Någon annan har sparat ändringar medan du redigerade. Ladda om sidan för att se den "
             "senaste versionen; dina ändringar är inte sparade.")


def conflict_details(err) -> list[str]:
    """One line per field someone else changed after the version the user was editing."""
    from portfolio.changelog.queries import changes_since
    from portfolio.labels import FIELD_LABELS

    lines = []
    for row in changes_since(err.entity, err.saves_since):
        who = row.user.name if row.user else _("okänd")
        lines.append(_("%(field)s ändrades av %(user)s %(time)s: nu ”%(value)s”.",
                       field=FIELD_LABELS.get(row.field, row.field) if row.field else "–", user=who,
                       time=row.changed_at.strftime("%Y-%m-%d %H:%M"),
                       value=(row.new_value or "–")[:200]))
    return lines


def run_form(form, save: Callable[[], Saved], *, success: str, redirect_to: Callable[[Saved], str],
             render: Callable[[int], object], check: Callable[[], object] | None = None):
    """`save` runs in one transaction (committed when it returns, rolled back when it raises).
    `check`: the service's own validation without writing. When the form's types are wrong,
    it still runs, so the user sees every problem in one pass (not one round per layer)."""
    status = 200
    if form.is_submitted():
        status = 422
        if not form.validate():
            if check is not None:
                _add_service_errors(form, check)
        else:
            try:
                with transaction():
                    result = save()
            except ServiceValidationError as err:
                form.attach_errors(err.errors)
                form.gate_missing = getattr(err, "missing", [])
            except ConcurrentSaveError as err:
                form.form_errors.append(err.message())
                status = 409
            except ConflictError as err:
                form.form_errors.append(conflict_message())
                form.form_errors.extend(conflict_details(err))
                status = 409
            except PermissionDenied:
                abort(403)
            else:
                flash(success, "success")
                return redirect(redirect_to(result))
    return render(status)


def _add_service_errors(form, check: Callable[[], object]) -> None:
    """Attach the service's messages to the fields the form found nothing wrong with."""
    try:
        check()
    except ServiceValidationError as err:
        fresh = {key: message for key, message in err.errors.items()
                 if (field := form._find(key)) is None or not field.errors}
        form.attach_errors({k: v for k, v in fresh.items() if form._find(k) is not None})
    except (PermissionDenied, ConflictError, TypeError, ValueError):
        pass   # the save itself answers these once the form is valid


def load_child(model, child_id: int, ini):
    """A risk, benefit or cost line of this initiative, or 404 (never another initiative's)."""
    from portfolio.extensions import db

    obj = db.session.get(model, child_id) if 0 < child_id < 2**31 else None
    owner = getattr(obj, "initiative_id", None)
    if owner is None and obj is not None and hasattr(obj, "case"):
        owner = obj.case.initiative_id
    if obj is None or owner != ini.id:
        abort(404)
    return obj


def safe_next(target: str | None, default: str) -> str:
    """A local path to continue to after a form, never another site."""
    from urllib.parse import urlsplit

    if not target or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return default      # browsers drop tabs and newlines: "/\t/evil.example" is "//evil.example"
    if target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return default


def get_or_404(model, object_id: int):
    """A row by id, or 404 (ids outside the integer range too, never a 500)."""
    from portfolio.extensions import db

    obj = db.session.get(model, object_id) if 0 < object_id < 2**31 else None
    if obj is None:
        abort(404)
    return obj


def login_required_for(blueprint) -> None:
    """Every view of the blueprint needs a logged-in user (permissions are checked per view)."""
    from flask_login import login_required

    @blueprint.before_request
    @login_required
    def _require_login():
        return None
