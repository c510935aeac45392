from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.models import Pledge, Purpose
from contributions.services.pledges import MAX_AMOUNT, MAX_INSTALMENTS, SPONSORSHIP_PURPOSE
from core.forms import JalaliDateField, LocalIntegerField, MobileField


class MobileForm(forms.Form):
    mobile = MobileField(label=_("Mobile"), help_text=_("The mobile number you gave the center."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs.update({"autofocus": True, "autocomplete": "tel"})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("The six-digit code we sent you by SMS."),
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autofocus": True,
                                                         "autocomplete": "one-time-code"}))


class DonorPledgeForm(forms.Form):
    center = forms.TypedChoiceField(label=_("Center"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Kind of pledge"), choices=Pledge.Kind.choices)
    # Sponsorships are arranged with the center (it chooses the orphan or family): not from this form.
    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.exclude(
        code__in=SPONSORSHIP_PURPOSE.values()))
    amount = LocalIntegerField(label=_("Amount per instalment (rials)"), min_value=1, max_value=MAX_AMOUNT)
    first_due_on = JalaliDateField(label=_("First instalment due on"),
                                   help_text=_("Monthly instalments fall on the same day of each Jalali month "
                                               "(the 31st becomes the month's last day)."))
    instalment_count = LocalIntegerField(label=_("Number of instalments"), required=False, min_value=1,
                                          max_value=MAX_INSTALMENTS,
                                          help_text=_("Monthly pledges only; leave empty for an open-ended "
                                                      "pledge."))

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [(c.pk, c.name) for c in centers]


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PreferencesForm(forms.Form):
    consent = forms.BooleanField(label=_("I agree to be contacted by the centers I give to"), required=False)
    contact_by_sms = forms.BooleanField(label=_("By SMS (receipts, reminders, news of my sponsorship)"),
                                        required=False)
    contact_by_email = forms.BooleanField(label=_("By email"), required=False)
    contact_by_post = forms.BooleanField(label=_("By post"), required=False)
    name_on_receipt = forms.BooleanField(label=_("Show my name when someone checks my receipt"), required=False)
