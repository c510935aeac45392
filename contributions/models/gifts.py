"""Contributions (مشارکت‌ها) of every kind the seeds name, and the campaigns they may belong to.

A ``Contribution`` is recorded, then confirmed (cash posts to the ledger exactly once; goods enter the stock),
and may be reversed (the ledger reversal points at the original; nothing is deleted). Its lines depend on the
kind: cash has only the amount; in-kind has ``InKindLine``s; a service has one ``ServiceDetail``;
construction has one ``ConstructionDetail``. ``amount`` is always the value in rials (for in-kind the sum of
its lines' values, for services and construction the declared value).

The services in ``contributions.services.gifts`` are the only writers.
"""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Campaign(models.Model):
    """A national or provincial occasion (charity celebration, kindness celebration, Ramadan...) with a
    period, a goal and its participating centers. Not tenant-owned: supervisors manage campaigns."""

    class Occasion(models.TextChoices):
        CHARITY_CELEBRATION = "charity_celebration", _("Charity celebration (Jashn-e Nikoukari)")
        KINDNESS_CELEBRATION = "kindness_celebration", _("Kindness celebration (Jashn-e Atefeha)")
        RAMADAN = "ramadan", _("Ramadan")
        EID_GHADIR = "eid_ghadir", _("Eid al-Ghadir")
        MUHARRAM = "muharram", _("Muharram")
        NOWRUZ = "nowruz", _("Nowruz")
        OTHER = "other", _("Other")

    organization = models.ForeignKey("centers.Organization", on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name=_("organisation"))
    occasion = models.CharField(_("occasion"), max_length=32, choices=Occasion.choices)
    name = models.CharField(_("name"), max_length=160)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goal_amount = models.BigIntegerField(_("goal (rials)"), null=True, blank=True,
                                         validators=[MinValueValidator(1)])
    centers = models.ManyToManyField("centers.Center", related_name="campaigns", blank=True,
                                     verbose_name=_("participating centers"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_period_ordered")]

    def __str__(self):
        return self.name


@pghistory.track()
class Contribution(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")
        SERVICE = "service", _("Service")
        CONSTRUCTION = "construction", _("Construction")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        ONLINE = "online", _("Online gateway")
        CHARITY_BOX = "charity_box", _("Charity box")
        PAYROLL = "payroll", _("Payroll deduction")
        SMS_USSD = "sms_ussd", _("SMS / USSD")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        CONFIRMED = "confirmed", _("Confirmed")
        REVERSED = "reversed", _("Reversed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="contributions",
                               verbose_name=_("center"))
    donor = models.ForeignKey("donors.Donor", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="contributions", verbose_name=_("donor"),
                              help_text=_("Empty for an anonymous gift, such as a charity box."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CASH)
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="contributions",
                                verbose_name=_("purpose"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON)
    received_on = models.DateField(_("date received"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="contributions", verbose_name=_("campaign"))
    amount = models.BigIntegerField(_("amount or value (rials)"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECORDED)
    external_reference = models.CharField(
        _("bank or gateway reference"), max_length=64, blank=True,
        help_text=_("A bank tracking number or gateway reference; unique per center when given."))
    note = models.CharField(_("note"), max_length=255, blank=True)

    ledger_transaction = models.OneToOneField("contributions.LedgerTransaction", on_delete=models.PROTECT,
                                              null=True, blank=True, related_name="contribution",
                                              verbose_name=_("ledger transaction"))
    reversal_reason = models.CharField(_("reason for reversal"), max_length=255, blank=True)

    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reversed by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["center", "received_on"]), models.Index(fields=["donor", "received_on"])]
        constraints = [
            models.UniqueConstraint(fields=["center", "external_reference"], condition=~Q(external_reference=""),
                                    name="contribution_external_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_amount_positive"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                                   name="contribution_confirmed_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def anonymous(self) -> bool:
        return self.donor_id is None

    @property
    def ledger_reference(self) -> str:
        """The unique ledger reference: the same contribution never posts twice."""
        return f"contribution:{self.pk}"


class InKindLine(models.Model):
    """One line of goods given in kind."""

    class Category(models.TextChoices):
        FOOD = "food", _("Food")
        CLOTHING = "clothing", _("Clothing")
        HOUSEHOLD = "household", _("Household goods")
        MEDICAL = "medical", _("Medicine and medical supplies")
        STATIONERY = "stationery", _("Stationery and school supplies")
        BUILDING = "building", _("Building materials")
        FUEL = "fuel", _("Fuel and heating")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        PACK = "pack", _("pack")
        CARTON = "carton", _("carton")
        KILOGRAM = "kg", _("kilogram")
        LITRE = "litre", _("litre")
        METRE = "metre", _("metre")
        SET = "set", _("set")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="lines",
                                     verbose_name=_("contribution"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.CharField(_("item"), max_length=160)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit_value = models.BigIntegerField(_("unit value (rials)"), validators=[MinValueValidator(1)])
    perishable = models.BooleanField(_("perishable"), default=False)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("in-kind line")
        verbose_name_plural = _("in-kind lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inkind_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_value__gt=0), name="inkind_unit_value_positive"),
            models.CheckConstraint(condition=Q(perishable=False) | Q(expires_on__isnull=False),
                                   name="inkind_perishable_has_expiry"),
        ]

    def __str__(self):
        return f"{self.description} × {self.quantity}"

    @property
    def value(self) -> int:
        """The line's value in whole rials (quantity × unit value, rounded half up)."""
        return int((self.quantity * self.unit_value).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


class ServiceDetail(models.Model):
    """What a service contribution gave: its type, and how many hours or sessions."""

    class ServiceType(models.TextChoices):
        MEDICAL = "medical", _("Medical")
        LEGAL = "legal", _("Legal")
        TEACHING = "teaching", _("Teaching")
        BUILDING = "building", _("Building work")
        COUNSELLING = "counselling", _("Counselling")
        OTHER = "other", _("Other")

    class Measure(models.TextChoices):
        HOURS = "hours", _("hours")
        SESSIONS = "sessions", _("sessions")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    contribution = models.OneToOneField(Contribution, on_delete=models.PROTECT, related_name="service",
                                        verbose_name=_("contribution"))
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    measure = models.CharField(_("measured in"), max_length=8, choices=Measure.choices, default=Measure.HOURS)
    quantity = models.DecimalField(_("hours or sessions"), max_digits=8, decimal_places=1,
                                   validators=[MinValueValidator(Decimal("0.1"))])
    description = models.CharField(_("description"), max_length=255, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="service_quantity_positive")]

    def __str__(self):
        return f"{self.get_service_type_display()} {self.quantity}"


class ConstructionDetail(models.Model):
    """Construction participation, or a facility a donor built (مرکز خیرساز)."""

    class Form(models.TextChoices):
        PARTICIPATION = "participation", _("Participation in construction")
        DONOR_BUILT = "donor_built", _("Donor-built facility")

    class FacilityType(models.TextChoices):
        HOUSING = "housing", _("Housing")
        SCHOOL = "school", _("School")
        CLINIC = "clinic", _("Clinic or health house")
        CENTER_BUILDING = "center_building", _("Charity center building")
        MOSQUE = "mosque", _("Mosque or religious building")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    contribution = models.OneToOneField(Contribution, on_delete=models.PROTECT, related_name="construction",
                                        verbose_name=_("contribution"))
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    facility_type = models.CharField(_("facility type"), max_length=16, choices=FacilityType.choices)
    facility_name = models.CharField(_("facility name"), max_length=160)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("construction contribution")
        verbose_name_plural = _("construction contributions")

    def __str__(self):
        return self.facility_name
