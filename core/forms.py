"""Form fields for Iranian identifiers and Jalali dates, accepting Persian, Arabic and Latin digits.

Each field cleans its input to the normalised stored form (core.validators) and answers bad input with the
validator's translated message; a Jalali date field turns "۱۴۰۳/۰۷/۱۵" into a Gregorian ``date``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import validators
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
