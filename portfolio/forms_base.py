"""Form building blocks shared by every feature: the base form that refuses control characters,
checkbox groups, and Swedish-friendly decimal input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from portfolio.numbers import decimal_places, format_number, parse_decimal
from portfolio.text_rules import BIDI_CONTROLS, FORBIDDEN_CHARS

DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Rejects NUL and other control characters in any text field, with a message by the field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = list(unbound_field.kwargs.get("filters", []))
                if strip_text not in filters:
                    unbound_field.kwargs["filters"] = [*filters, strip_text]
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self._all_fields(self):
            if isinstance(field, DateField) and field.data is not None and not (
                    DATE_MIN <= field.data <= DATE_MAX) and not field.errors:
                field.errors = list(field.errors) + [_l("Ange ett datum mellan 1900 och 2100.")]
                ok = False
            raw = field.raw_data or []
            if any(isinstance(v, str) and FORBIDDEN_CHARS & set(v) for v in raw):
                field.errors = list(field.errors) + [
                    _l("Texten innehåller otillåtna tecken (t.ex. NUL). Ta bort dem och försök igen.")]
                ok = False
            elif isinstance(field, StringField) and not isinstance(field, TextAreaField) and any(
                    isinstance(v, str) and BIDI_CONTROLS & set(v) for v in raw):
                field.errors = list(field.errors) + [
                    _l("Texten innehåller osynliga styrtecken för skrivriktning. Ta bort dem och försök igen.")]
                ok = False
        if not self._version_posted():
            self.form_errors.append(_l("Formuläret saknar versionen du utgick från, så ingenting är sparat. "
                                       "Ladda om sidan och gör ändringen igen."))
            ok = False
        return ok

    def _version_posted(self) -> bool:
        """A form that edits a stored row must send back the version it was read at (as the
        API requires), or a stale or tampered form could overwrite someone else's save."""
        field = self._fields.get("version")
        if field is None or field.object_data is None or not self.is_submitted():
            return True
        return bool(field.raw_data)

    @staticmethod
    def _all_fields(form):
        for field in form:
            if hasattr(field, "entries"):  # FieldList
                for entry in field.entries:
                    if hasattr(entry, "form"):
                        yield from BaseForm._all_fields(entry.form)
                    else:
                        yield entry
            elif hasattr(field, "form") and field.type == "FormField":
                yield from BaseForm._all_fields(field.form)
            else:
                yield field

    def error_items(self) -> list[tuple[str, str, str]]:
        """(field id, label, first message) for every field with an error, rows of lists
        included ("Finansiering, rad 2: Belopp"), in the order the fields stand on the page."""
        items = []
        for field in self:
            if field.type == "CSRFTokenField":
                continue
            if field.type == "FieldList":
                for n, entry in enumerate(field.entries, start=1):
                    subfields = entry.form if hasattr(entry, "form") else [entry]
                    for sub in subfields:
                        if sub.errors:
                            label = _l("%(list)s, rad %(n)d: %(field)s", list=field.label.text, n=n,
                                       field=sub.label.text)
                            items.append((sub.id, label, _first(sub.errors)))
            elif field.errors:
                items.append((field.id, field.label.text, _first(field.errors)))
        return items

    def attach_errors(self, errors: dict[str, str]) -> None:
        """Put service-level validation errors on their fields ("funding-0-year" style keys
        address list rows); unknown keys go to the form-level errors."""
        for key, message in errors.items():
            field = self._find(key)
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = list(field.errors) + [message]

    def _find(self, key: str):
        for field in self._all_fields(self):
            if field.id == key or field.name == key:
                return field
        return None


def _first(errors):
    if isinstance(errors, dict):   # a FormField's errors
        return next(iter(errors.values()))[0]
    return errors[0]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset with a legend by the form macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        valid = {self.coerce(choice[0]) for choice in self.choices or []}
        if any(value not in valid for value in self.data or []):
            raise ValidationError(_l("Ett av de valda alternativen finns inte."))


class LocalDecimalField(Field):
    """A decimal typed the Swedish way ("1 234,50") or the English way ("1234.50").

    Refuses more decimals than `places` instead of rounding silently."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, minimum=None, maximum=None,
                 **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(self.data, places=decimal_places(self.data), grouped=False)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            number = parse_decimal(valuelist[0])
            if number is None:
                raise ValueError(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Ange ett tal, t.ex. 1 234,50.")) from None
        if decimal_places(number) > self.places:
            self.data = None
            raise ValueError(_l("Högst %(places)d decimaler.", places=self.places))
        if self.minimum is not None and number < self.minimum:
            self.data = None
            raise ValueError(_l("Talet får inte vara mindre än %(min)s.", min=self.minimum))
        if self.maximum is not None and number > self.maximum:
            self.data = None
            raise ValueError(_l("Talet får inte vara större än %(max)s.", max=self.maximum))
        self.data = number


def positive_int(value, upper: int = 2**31) -> int | None:
    """'42' → 42; anything else (empty, '-1', '²', '٣', '1e9', out of range) → None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number < upper else None
