"""Stored codes with their labels, declared once: a `Code` is a `StrEnum` whose members carry
their (translatable) Swedish label. The value is what the database, the API and the import
files hold; the label is what people read.

    class Direction(Code):
        HIGHER = "hogre", _l("Högre är bättre")
        LOWER = "lagre", _l("Lägre är bättre")

    Direction.HIGHER == "hogre"; Direction("hogre").label; Direction.choices() for a form;
    Direction.values() for a check or a database constraint."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    _label: object

    def __new__(cls, value: str, label: object = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, label) pairs in declaration order, for a SelectField or RadioField (the
        labels stay lazy, so they follow the user's language)."""
        return [(member.value, member._label) for member in cls]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, object]:
        return {member.value: member._label for member in cls}

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; an unknown value is shown as it is."""
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return "" if value is None else str(value)
