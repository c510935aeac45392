"""The donation form (amount: a preset or typed in any digits with separators; purpose; optional name and
mobile) and the trustees' merchant settings form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.forms import AmountField
from contributions.models import Purpose
from core.digits import format_number_fa
from core.forms import MobileField

from . import conf
from .models import Gateway


class DonateForm(forms.Form):
    preset = forms.TypedChoiceField(label=_("Amount"), coerce=int, required=False, widget=forms.RadioSelect)
    amount = AmountField(label=_("Or another amount (rials)"), required=False,
                         help_text=_("Persian or Latin digits; separators are fine."))
    purpose = forms.ModelChoiceField(label=_("Purpose of the gift"), queryset=Purpose.objects.none(),
                                     empty_label=None, widget=forms.RadioSelect)
    donor_name = forms.CharField(label=_("Your name (optional)"), max_length=128, required=False,
                                 help_text=_("Leave empty to give anonymously."))
    donor_mobile = MobileField(label=_("Your mobile (optional)"), required=False,
                               help_text=_("To receive the receipt and to see your gifts later."))

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        presets = [int(a) for a in conf.get("PAYMENTS_PRESET_AMOUNTS")]
        self.fields["preset"].choices = [(a, _("%(amount)s rials") % {"amount": format_number_fa(a)})
                                         for a in presets]
        self.fields["purpose"].queryset = Purpose.objects.filter(pk__in=[p.pk for p in purposes]).order_by(
            "restricted", "name")
        general = next((p for p in purposes if not p.restricted), None)
        if general is not None and "purpose" not in self.initial:
            self.initial["purpose"] = general.pk

    def clean(self):
        data = super().clean()
        amount = data.get("amount") or data.get("preset")
        if not amount and not self.has_error("amount"):
            self.add_error("amount", _("Choose an amount or type one."))
        data["gift_amount"] = amount
        return data


class MerchantForm(forms.Form):
    gateway = forms.ChoiceField(label=_("Gateway"), choices=Gateway.choices)
    merchant_id = forms.CharField(label=_("Merchant id"), max_length=64, required=False,
                                  widget=forms.PasswordInput(attrs={"dir": "ltr", "autocomplete": "off"}),
                                  help_text=_("Never shown again; leave empty to keep the stored one."))
    active = forms.BooleanField(label=_("Accept online gifts"), required=False, initial=True)
    purposes = forms.ModelMultipleChoiceField(
        label=_("Restricted purposes the center accepts online"), required=False,
        queryset=Purpose.objects.filter(restricted=True).order_by("name"), widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every purpose. General giving is always accepted."))
