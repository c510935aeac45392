"""Form fields for Iranian identifiers and Jalali dates, accepting Persian, Arabic and Latin digits.

Each field cleans its input to the normalised stored form (core.validators) and answers bad input with the
validator's translated message; a Jalali date field turns "۱۴۰۳/۰۷/۱۵" into a Gregorian ``date``.
"""

import datetime
from decimal import InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import validators
from core.digits import to_latin_digits
from core.jalali import format_jalali, parse_jalali_date


class _NormalisingField(forms.CharField):
    normalise = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return self.normalise(value)


class NationalCodeField(_NormalisingField):
    normalise = staticmethod(validators.normalize_national_code)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)


class LegalEntityIdField(NationalCodeField):
    normalise = staticmethod(validators.normalize_legal_entity_id)


class MobileField(NationalCodeField):
    normalise = staticmethod(validators.normalize_mobile)

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}))
        super().__init__(**kwargs)


class PostalCodeField(NationalCodeField):
    normalise = staticmethod(validators.normalize_postal_code)


class IbanField(_NormalisingField):
    normalise = staticmethod(validators.normalize_iban)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "placeholder": "IR…"}))
        super().__init__(**kwargs)


class JalaliDateInput(forms.TextInput):
    """A text input showing a date in the Jalali calendar (yyyy/mm/dd); works without JavaScript."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "۱۴۰۳/۰۱/۰۱", "inputmode": "numeric", "dir": "ltr", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return format_jalali(value, persian_digits=True)
        return super().format_value(value)


class JalaliDateField(forms.Field):
    """A date typed in the Jalali calendar, in any digits, cleaned to a Gregorian ``datetime.date``."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter a valid Jalali date such as 1403/07/15."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_jalali_date(str(value))
        except (ValueError, TypeError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def apply_service(form, call):
    """Runs ``call`` (a service); its refusal becomes a non-field error of ``form`` instead of a 500. Returns
    the service's result, or None when it refused."""
    try:
        return call()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None


# Characters people type inside a number: the Persian and Latin thousands separators, the Arabic comma,
# apostrophes and spaces of every width, and bidi marks picked up when copying.
NUMBER_GROUPING = dict.fromkeys(map(ord, "\u066c,\u060c'\u2019 _\u00a0\u202f\u2009\u200c\u200f\u200e"))


class LocalIntegerField(forms.IntegerField):
    """A whole number typed in Persian, Arabic or Latin digits, with or without thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = to_latin_digits(value).translate(NUMBER_GROUPING)
        return super().to_python(value)


class LocalDecimalField(forms.DecimalField):
    """A decimal number typed in any digits, with ``.``, the Persian decimal mark ``٫`` or ``/``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = to_latin_digits(value).translate(NUMBER_GROUPING).replace("\u066b", ".").replace("/", ".")
        try:
            return super().to_python(value)
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
