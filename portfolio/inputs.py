"""Typed service inputs (frozen dataclasses, one per save verb) from what callers have: a form,
the API's loaded data, the demo loader's values."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

Input = TypeVar("Input")


def as_input(cls: type[Input], data: Input | Mapping[str, Any]) -> Input:
    """The typed input itself, or one made from a dict of values (the API's loaded data, the
    demo loader, tests); keys the input does not have are ignored."""
    if isinstance(data, cls):
        return data
    values = cast("Mapping[str, Any]", data)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in dict(values).items() if k in names})


def form_input(form, cls: type[Input], **extra) -> Input:
    """The typed input from a WTForms form's fields of the same names (fields a view removed
    are left at their defaults); `extra` overrides."""
    names = [f.name for f in dataclasses.fields(cls) if f.name in form]  # type: ignore[arg-type]
    return cls(**{name: form[name].data for name in names} | extra)


class FromValues:
    """Mixin for an input dataclass: `Input.of(values)` is the input itself, or one made from a
    mapping of field → value (other keys ignored, missing ones at their defaults)."""

    @classmethod
    def of(cls, values: Self | Mapping[str, Any]) -> Self:
        return as_input(cls, values)


def days_setting(value: Any, name: str) -> int | None:
    """A setting that holds a number of days (`name`, e.g. CHANGE_LOG_RETENTION_DAYS): None when
    it is not set; ValueError, in Swedish, when it is not a whole number of at least 1."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if days < 1 or isinstance(value, bool | float):
        raise ValueError(f"{name} (PORTFOLIO_{name}) ska vara ett helt antal dagar (minst 1), "
                         f"inte {value!r}.")
    return days
