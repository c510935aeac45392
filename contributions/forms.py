"""Forms of the contributions pages: the quick cash form, the in-kind, service and construction forms, the
list's filters, and the reversal reason.

Every number may be typed with Persian, Arabic or Latin digits; amounts may carry thousands separators
(``٬`` or ``,``). A donor is named by their mobile or national code (or legal-entity ID) and found
server-side (``find_donor``), so the form works without JavaScript; the lookup script only helps to pick.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from contributions.models import Campaign, ConstructionDetail, Contribution, InKindLine, Purpose, ServiceDetail
from core import validators
from core.digits import to_latin_digits
from core.forms import NUMBER_GROUPING, JalaliDateField, LocalDecimalField, LocalIntegerField
from donors.models import Donor

# The largest amount a form accepts: a thousand billion rials, far above any single gift, far below the
# database's bigint, so a slip of the finger is an error message and never an overflow.
MAX_AMOUNT = 10**15


def parse_amount(value) -> int:
    """``"۲٬۵۰۰٬۰۰۰"``, ``"2,500,000"`` or ``"٢٥٠٠٠٠٠"`` → ``2500000``; anything else a translated error."""
    text = to_latin_digits(str(value)).translate(NUMBER_GROUPING).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(_("Type the amount in whole rials, digits only (separators are fine)."),
                              code="bad_amount")
    amount = int(text)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="bad_amount")
    if amount > MAX_AMOUNT:
        raise ValidationError(_("The amount is too large; check the number of digits."), code="bad_amount")
    return amount


class AmountField(forms.Field):
    """An amount of rials typed in any digits, with or without thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr",
                                                           "autocomplete": "off", "maxlength": 40}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(_("The amount is too large; check the number of digits."), code="bad_amount")
        return parse_amount(value)


def find_donor(*, center, identifier: str) -> Donor:
    """The donor of ``center``'s organisation with this mobile, national code or legal-entity ID.

    Donors already linked to a center in the open scope are looked up through the scoped manager. A donor of
    the same organisation who gave only at other centers is found by an exact identifier match; recording
    the gift then links them to this center (``donor_link``).
    """
    wanted = Q()
    for field, normalise in (("national_code", validators.normalize_national_code),
                             ("mobile", validators.normalize_mobile),
                             ("legal_entity_id", validators.normalize_legal_entity_id)):
        try:
            wanted |= Q(**{field: normalise(identifier)})
        except (ValidationError, TypeError, ValueError):
            continue
    if not wanted:
        raise ValidationError(_("Type the donor's mobile number or national code."), code="bad_donor_identifier")
    mine = {"organization_id": center.organization_id, "merged_into__isnull": True}
    found = list(Donor.objects.filter(wanted, **mine)[:2])
    if not found:
        # reviewed: an exact identifier match inside this center's own organisation (at most two rows), so a
        # donor who gave at another center can be linked here; nothing else of that donor is shown.
        with scopes_disabled():
            found = list(Donor.objects.filter(wanted, **mine)[:2])
    if not found:
        raise ValidationError(_("No donor has this mobile number or national code. Register the donor first, "
                                "or tick “anonymous”."), code="donor_not_found")
    if len(found) > 1:
        raise ValidationError(_("Several donors share this mobile number; type the national code instead."),
                              code="donor_ambiguous")
    return found[0]


class GiftBaseForm(forms.Form):
    """What every kind of gift has: purpose, channel, donor (or anonymous), date, campaign, note."""

    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.all(), empty_label=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=Contribution.Channel.choices,
                                initial=Contribution.Channel.IN_PERSON)
    donor = forms.CharField(label=_("Donor's mobile or national code"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr",
                                                          "autocomplete": "off"}))
    donor_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(label=_("Anonymous (no donor, e.g. a charity box)"), required=False)
    received_on = JalaliDateField(label=_("Date received"))
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False,
                                      empty_label=_("None"))
    external_reference = forms.CharField(label=_("Bank or gateway reference"), max_length=64, required=False,
                                         widget=forms.TextInput(attrs={"dir": "ltr"}))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.center = center
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["campaign"].queryset = Campaign.objects.filter(centers=center).order_by("-starts_on")
        general = Purpose.objects.filter(code="general").first()
        if general is not None:
            self.fields["purpose"].initial = general.pk

    def clean(self):
        data = super().clean()
        data["donor_obj"] = None
        if data.get("anonymous"):
            return data
        donor_id, identifier = data.get("donor_id"), (data.get("donor") or "").strip()
        try:
            if donor_id:
                # Picked from the lookup list, which shows only donors this center may see.
                donor = Donor.objects.filter(pk=donor_id, organization_id=self.center.organization_id,
                                             merged_into__isnull=True).first()
                if donor is None:
                    raise ValidationError(_("Unknown donor."), code="donor_not_found")
                data["donor_obj"] = donor
            elif identifier:
                data["donor_obj"] = find_donor(center=self.center, identifier=identifier)
            else:
                raise ValidationError(_("Type the donor's mobile or national code, or tick “anonymous”."),
                                      code="donor_required")
        except ValidationError as exc:
            self.add_error("donor", exc)
        return data

    def common(self) -> dict:
        """The service's keyword arguments shared by every kind."""
        data = self.cleaned_data
        return {"purpose": data["purpose"], "channel": data["channel"], "donor": data["donor_obj"],
                "received_on": data["received_on"], "campaign": data.get("campaign"),
                "external_reference": data.get("external_reference", ""), "note": data.get("note", "")}


class QuickCashForm(GiftBaseForm):
    """Record a cash gift in seconds: amount, purpose, channel, donor, date, Enter."""

    amount = AmountField(label=_("Amount (rials)"))
    field_order = ["amount", "purpose", "channel", "donor", "donor_id", "anonymous", "received_on", "campaign",
                   "external_reference", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"autofocus": True, "placeholder": "۱٬۰۰۰٬۰۰۰"})


class ValuedGiftForm(GiftBaseForm):
    value = AmountField(label=_("Value (rials)"))


class ServiceGiftForm(ValuedGiftForm):
    service_type = forms.ChoiceField(label=_("Type of service"), choices=ServiceDetail.ServiceType.choices)
    measure = forms.ChoiceField(label=_("Measured in"), choices=ServiceDetail.Measure.choices)
    quantity = LocalDecimalField(label=_("Hours or sessions"), max_digits=8, decimal_places=1,
                                 min_value=Decimal("0.1"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    field_order = ["service_type", "measure", "quantity", "value", "description", "purpose", "channel", "donor",
                   "donor_id", "anonymous", "received_on", "campaign", "note"]


class ConstructionGiftForm(ValuedGiftForm):
    form = forms.ChoiceField(label=_("Form"), choices=ConstructionDetail.Form.choices)
    facility_type = forms.ChoiceField(label=_("Facility type"), choices=ConstructionDetail.FacilityType.choices)
    facility_name = forms.CharField(label=_("Facility name"), max_length=160)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    area_m2 = LocalIntegerField(label=_("Floor area (m²)"), required=False, min_value=1, max_value=10**7)
    completed_on = JalaliDateField(label=_("Completed on"), required=False)
    field_order = ["form", "facility_type", "facility_name", "address", "area_m2", "completed_on", "value",
                   "purpose", "channel", "donor", "donor_id", "anonymous", "received_on", "campaign", "note"]


class InKindGiftForm(GiftBaseForm):
    field_order = ["purpose", "channel", "donor", "donor_id", "anonymous", "received_on", "campaign", "note"]


class GoodsLineForm(forms.Form):
    # The selects' initial values are what an untouched row sends, so an empty row counts as unchanged.
    category = forms.ChoiceField(label=_("Category"), choices=InKindLine.Category.choices,
                                 initial=InKindLine.Category.FOOD)
    description = forms.CharField(label=_("Item"), max_length=160)
    unit = forms.ChoiceField(label=_("Unit"), choices=InKindLine.Unit.choices, initial=InKindLine.Unit.PIECE)
    quantity = LocalDecimalField(label=_("Quantity"), max_digits=12, decimal_places=3,
                                 min_value=Decimal("0.001"))
    unit_value = AmountField(label=_("Unit value (rials)"))
    perishable = forms.BooleanField(label=_("Perishable"), required=False)
    expires_on = JalaliDateField(label=_("Expiry date"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("perishable") and not data.get("expires_on"):
            self.add_error("expires_on", _("Perishable goods need an expiry date."))
        quantity, unit_value = data.get("quantity"), data.get("unit_value")
        if quantity is not None and unit_value is not None and quantity * unit_value > MAX_AMOUNT:
            self.add_error("unit_value", _("The amount is too large; check the number of digits."))
        return data


class _GoodsFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise ValidationError(_("An in-kind contribution needs at least one line of goods."), code="no_goods")


GoodsLineFormSet = forms.formset_factory(GoodsLineForm, formset=_GoodsFormSet, extra=3, max_num=50,
                                         validate_max=True)


class ContributionFilterForm(forms.Form):
    """The list's filters (GET); an invalid filter is ignored rather than failing the page."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Contribution.Status.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All"))] + list(Contribution.Kind.choices))
    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.all(), required=False,
                                     empty_label=_("All"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All"))] + list(Contribution.Channel.choices))
    date_from = JalaliDateField(label=_("From"), required=False)
    date_to = JalaliDateField(label=_("To"), required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False,
                                      empty_label=_("All"))

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(centers=center).order_by("-starts_on")

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        for name in ("status", "kind", "channel"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("purpose"):
            queryset = queryset.filter(purpose=data["purpose"])
        if data.get("campaign"):
            queryset = queryset.filter(campaign=data["campaign"])
        if data.get("date_from"):
            queryset = queryset.filter(received_on__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(received_on__lte=data["date_to"])
        return queryset


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reversal"), max_length=255,
                             widget=forms.Textarea(attrs={"rows": 2}))
