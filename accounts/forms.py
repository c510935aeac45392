from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import JalaliDateField, MobileField, NationalCodeField

from .models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ProfileForm(forms.ModelForm):
    """A staff member's own details; identifiers accepted in any digits, dates in the Jalali calendar."""

    mobile = MobileField(label=_("Mobile"), required=False)
    national_code = NationalCodeField(label=_("National code"), required=False)
    birth_date = JalaliDateField(label=_("Birth date"), required=False,
                                 help_text=_("In the Jalali calendar, for example 1360/06/31."))

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "mobile", "national_code", "birth_date"]

    def clean_national_code(self):
        return self.cleaned_data["national_code"] or None  # empty is "not given", not a duplicate ""
