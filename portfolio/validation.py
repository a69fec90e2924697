"""Errors that services raise and views translate into messages and 4xx statuses."""

from __future__ import annotations


class ServiceValidationError(ValueError):
    """Input breaks a rule. `errors` maps a field key (as the form names it) to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class ConflictError(RuntimeError):
    """Someone else saved first. `changed` lists the fields that differ from what the user saw."""

    def __init__(self, current_version: int, changed: list[str] | None = None):
        self.current_version = current_version
        self.changed = changed or []
        super().__init__(f"version conflict (current version {current_version})")


class PermissionDenied(PermissionError):
    pass
