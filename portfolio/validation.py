"""Errors that services raise and views translate into messages and 4xx statuses."""

from __future__ import annotations


class ServiceValidationError(ValueError):
    """Input breaks a rule. `errors` maps a field key (as the form names it) to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class ConflictError(RuntimeError):
    """Someone else saved first. `entity` (type, id) and the version the user saw let the view
    look up in the change log what was saved in between."""

    def __init__(self, current_version: int, changed: list[str] | None = None, *,
                 expected=None, entity: tuple[str, int] | None = None):
        self.current_version = current_version
        self.changed = changed or []
        self.expected = expected
        self.entity = entity
        super().__init__(f"version conflict (current version {current_version})")

    @property
    def saves_since(self) -> int:
        """How many saves happened after the version the user saw (0 when unknown)."""
        try:
            return max(0, int(self.current_version) - int(self.expected))
        except (TypeError, ValueError):
            return 0


class ConcurrentSaveError(ConflictError):
    """The database refused a write because another transaction saved the same thing at the
    same moment (a unique or foreign-key constraint the service's own check could not see yet,
    e.g. two first saves of one needs analysis). There is no version or entity to compare, so
    the user gets `message()` instead of a list of changed fields."""

    def __init__(self) -> None:
        super().__init__(0)

    @staticmethod
    def message() -> str:
        from flask_babel import gettext as _

        return _("Någon annan sparade samma sak samtidigt. Ladda om sidan och försök igen.")


class PermissionDenied(PermissionError):
    pass
