"""Registering, editing, finding and merging donors: the only writers of ``Donor`` (DESIGN §4, §8; issue 4.1).

- ``donor_create`` registers a donor at a center. Identity numbers are unique within the organisation: when
  the organisation already knows the national code (or legal-entity ID) and the donor is not yet linked to
  this center, the existing donor is linked and returned (``linked_existing`` is then true), because a
  trustee who types a known national code means that person, not a new one.
- ``donor_update`` edits one; ``donor_find`` finds by mobile, national code, legal-entity ID or name
  (Persian or Arabic digits and letters accepted); ``duplicate_candidates`` groups the likely duplicates.
- ``donor_merge`` folds a duplicate into the donor kept: every record pointing at the merged donor (gifts,
  pledges, receipts, links, whatever model later adds a foreign key to ``Donor``) moves to the survivor,
  blank fields of the survivor are filled from the merged one, the merged donor is marked ``merged_into``
  and a ``DonorMerge`` keeps the trace with the number of records moved per model. Nothing is deleted.

Consent (communication preferences): recording consent sets ``consent_at``; withdrawing it clears it and
turns every contact channel off, since a donor who withdrew consent must not be contacted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center, Organization
from centers.services.lifecycle import require_center_can_operate
from core import validators
from core.digits import to_latin_digits
from reporting.rollups import mark_donor_stale

from .models import Donor, DonorLink, DonorMerge

# Fields a trustee edits (and a merge may fill when the survivor's are blank).
TEXT_FIELDS = ("first_name", "last_name", "legal_name", "national_code", "legal_entity_id", "mobile", "email",
               "address", "postal_code")
FILLABLE_FIELDS = (*TEXT_FIELDS, "user_id")
PREFERENCE_FIELDS = ("contact_by_sms", "contact_by_email", "contact_by_post", "name_on_receipt")
_MAX_LENGTHS = {"first_name": 64, "last_name": 64, "legal_name": 200, "address": 300}


# --- Normalisation ---------------------------------------------------------------------------------------

# Arabic letter forms typed on Arabic keyboards, and the marks copied from right-to-left text.
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
                          "ؤ": "و", "\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\u0640": ""})


def normalize_name(text: str) -> str:
    """A name reduced for comparison: Persian letter forms, no diacritics, no spaces or half-spaces.

    ``"علي  رضائي"`` and ``"علی‌رضایی"`` give the same key, so a duplicate typed on another keyboard is found.
    """
    text = unicodedata.normalize("NFKC", to_latin_digits(text or "")).translate(_LETTERS)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    text = text.replace("ئ", "ی").replace("آ", "ا")
    return re.sub(r"[\s\W_]+", "", text).lower()


def clean_text(value: str | None) -> str:
    """Trimmed text with Persian letter forms (Arabic ي/ك become ی/ک) and single spaces."""
    text = (value or "").translate({ord("ي"): "ی", ord("ك"): "ک", ord("ى"): "ی", 0: None})
    return re.sub(r"\s+", " ", text).strip()


def mask_national_code(code: str) -> str:
    """A national code or legal-entity ID as lists show it: the first three and last three digits only."""
    if not code:
        return ""
    return code[:3] + "*" * (len(code) - 6) + code[-3:]


def _optional(normalize, value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return normalize(value)


def _bad(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# --- Reads ---------------------------------------------------------------------------------------------


def donors_of(center: Center) -> models.QuerySet[Donor]:
    """The donors linked to ``center``, merged ones excluded."""
    linked = DonorLink.objects.filter(center=center).values("donor_id")
    return Donor.objects.filter(pk__in=linked, merged_into__isnull=True)


def donor_for_center(center: Center, donor_id) -> Donor | None:
    """The donor with this id if linked to ``center`` (merged donors too: their page says where they went)."""
    if not str(donor_id).isdigit():
        return None
    linked = DonorLink.objects.filter(center=center, donor_id=int(donor_id)).values("donor_id")
    return Donor.objects.filter(pk__in=linked).select_related("merged_into").first()


def donor_find(center: Center, query: str, *, limit: int | None = None) -> models.QuerySet[Donor]:
    """Donors of ``center`` matching ``query`` (see ``donor_search``); at most ``limit`` when given."""
    found = donor_search(donors_of(center), query)
    return found[:limit] if limit else found


def donor_search(queryset: models.QuerySet[Donor], query: str) -> models.QuerySet[Donor]:
    """Narrows ``queryset`` to donors matching ``query``: a mobile (any form, also its last digits), a
    national code, a legal-entity ID (or their first digits), or words of the name (each word must appear in
    the first, last or legal name). Persian and Arabic digits and letters are accepted."""
    text = clean_text(to_latin_digits(query or ""))
    if not text:
        return queryset
    compact = re.sub(r"[\s\-()+]", "", text)
    if compact.isdigit():
        if len(compact) < 4:
            return queryset.none()
        condition = (Q(mobile__endswith=compact) | Q(national_code__startswith=compact)
                     | Q(legal_entity_id__startswith=compact))
        try:
            condition |= Q(mobile=validators.normalize_mobile(compact))
        except ValidationError:
            pass
        if 8 <= len(compact) <= 10:
            condition |= Q(national_code=compact.zfill(10))
    else:
        condition = Q()
        for word in text.split(" ")[:5]:
            condition &= (Q(first_name__icontains=word) | Q(last_name__icontains=word)
                          | Q(legal_name__icontains=word))
    return queryset.filter(condition)


@dataclass
class DuplicateGroup:
    """Donors that look like one person: ``reason`` is ``mobile``, ``name`` or ``identity``."""

    reason: str
    key: str
    donors: list[Donor]

    @property
    def reason_label(self) -> str:
        return {"mobile": _("Same mobile"), "name": _("Same name"),
                "identity": _("Same national code or ID")}[self.reason]


def duplicate_candidates(center_or_org: Center | Organization) -> list[DuplicateGroup]:
    """Groups of donors (not merged) that are probably the same: same mobile, same normalised name (of the
    same kind), or the same national code or legal-entity ID. For a center: its linked donors; for an
    organisation: its donors visible in the open scope. A donor may appear in several groups."""
    if isinstance(center_or_org, Center):
        donors = list(donors_of(center_or_org))
    else:
        donors = list(Donor.objects.filter(organization=center_or_org, merged_into__isnull=True))
    buckets: dict[tuple[str, str], list[Donor]] = defaultdict(list)
    for donor in donors:
        if donor.mobile:
            buckets[("mobile", donor.mobile)].append(donor)
        name = normalize_name(donor.display_name)
        if name:
            buckets[("name", f"{donor.kind}:{name}")].append(donor)
        for identity in (donor.national_code, donor.legal_entity_id):
            if identity:
                buckets[("identity", identity)].append(donor)
    groups = [DuplicateGroup(reason, key, sorted(members, key=lambda d: d.pk))
              for (reason, key), members in buckets.items() if len(members) > 1]
    order = {"identity": 0, "mobile": 1, "name": 2}
    return sorted(groups, key=lambda g: (order[g.reason], g.donors[0].pk))


# --- Writes --------------------------------------------------------------------------------------------


def _clean_fields(kind: str, fields: dict) -> dict:
    """Validates and normalises the editable fields of a donor of ``kind``; raises on the first problem."""
    if kind not in Donor.Kind.values:
        raise _bad(_("Unknown kind of donor."), "bad_kind")
    data = {name: clean_text(fields.get(name)) for name in ("first_name", "last_name", "legal_name", "address")}
    for name, length in _MAX_LENGTHS.items():
        if len(data[name]) > length:
            raise _bad(_("“%(field)s” is too long (at most %(n)d characters).")
                       % {"field": Donor._meta.get_field(name).verbose_name, "n": length}, "too_long")
    data["national_code"] = _optional(validators.normalize_national_code, fields.get("national_code"))
    data["legal_entity_id"] = _optional(validators.normalize_legal_entity_id, fields.get("legal_entity_id"))
    data["mobile"] = _optional(validators.normalize_mobile, fields.get("mobile"))
    data["postal_code"] = _optional(validators.normalize_postal_code, fields.get("postal_code"))
    email = (fields.get("email") or "").strip()
    if email:
        from django.core.validators import validate_email

        validate_email(email)
    data["email"] = email[:254]
    if kind == Donor.Kind.PERSON:
        if data["legal_entity_id"] or data["legal_name"]:
            raise _bad(_("A natural person has no legal entity name or ID; choose “legal entity”."), "person_legal")
        if not (data["first_name"] or data["last_name"]):
            raise _bad(_("Enter the donor's name."), "name_required")
    else:
        if data["national_code"] or data["first_name"] or data["last_name"]:
            raise _bad(_("A legal entity has a name and a national ID, not a person's name or national code."),
                       "legal_person")
        if not data["legal_name"]:
            raise _bad(_("Enter the legal entity's name."), "name_required")
    return data


def _same_identity(organization_id: int, data: dict, exclude_pk: int | None = None) -> Donor | None:
    """The organisation's (unmerged) donor with the same national code or legal-entity ID, if any."""
    condition = Q()
    if data.get("national_code"):
        condition |= Q(national_code=data["national_code"])
    if data.get("legal_entity_id"):
        condition |= Q(legal_entity_id=data["legal_entity_id"])
    if not condition:
        return None
    # reviewed: identity numbers are unique per organisation, not per center, so the check looks at every
    # donor of the organisation; only the matching donor is read, and it is shown only once linked.
    queryset = Donor._base_manager.filter(condition, organization_id=organization_id, merged_into__isnull=True)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


def _apply_consent(donor: Donor, consent: bool | None) -> None:
    if consent is None:
        return
    if consent and donor.consent_at is None:
        donor.consent_at = timezone.now()
    elif not consent:
        donor.consent_at = None
        donor.contact_by_sms = donor.contact_by_email = donor.contact_by_post = False


def _check_preferences(donor: Donor) -> None:
    if donor.consent_at is None and (donor.contact_by_sms or donor.contact_by_email or donor.contact_by_post):
        raise _bad(_("Record the donor's consent before choosing how to contact them."), "consent_required")
    if donor.contact_by_sms and not donor.mobile:
        raise _bad(_("Contact by SMS needs a mobile number."), "sms_needs_mobile")
    if donor.contact_by_email and not donor.email:
        raise _bad(_("Contact by email needs an email address."), "email_needs_address")
    if donor.contact_by_post and not donor.address:
        raise _bad(_("Contact by post needs an address."), "post_needs_address")


@transaction.atomic
def donor_create(*, center: Center, kind: str = Donor.Kind.PERSON, first_name: str = "", last_name: str = "",
                 legal_name: str = "", national_code: str = "", legal_entity_id: str = "", mobile: str = "",
                 email: str = "", address: str = "", postal_code: str = "", contact_by_sms: bool = False,
                 contact_by_email: bool = False, contact_by_post: bool = False, name_on_receipt: bool = False,
                 consent: bool = False, source: str = DonorLink.Source.REGISTERED, user=None) -> Donor:
    """Registers a donor at ``center`` and links them to it.

    When the organisation already has a donor with this national code or legal-entity ID who is not linked
    to ``center``, that donor is linked and returned unchanged, with ``linked_existing = True`` on the
    returned object (the caller says so). When that donor is already linked here, it is refused.
    """
    require_center_can_operate(center)
    # A known identity is enough: the trustee who types only the national code means that donor.
    identity = {"national_code": _optional(validators.normalize_national_code, national_code),
                "legal_entity_id": _optional(validators.normalize_legal_entity_id, legal_entity_id)}
    existing = _same_identity(center.organization_id, identity)
    if existing is not None:
        if DonorLink.objects.filter(center=center, donor=existing).exists():
            raise _bad(_("A donor with this national code or ID is already registered at this center: "
                         "%(name)s.") % {"name": existing.display_name}, "duplicate_identity")
        DonorLink.objects.create(center=center, donor=existing, source=source)
        existing.linked_existing = True
        return existing
    data = _clean_fields(kind, {"first_name": first_name, "last_name": last_name, "legal_name": legal_name,
                                "mobile": mobile, "email": email, "address": address, "postal_code": postal_code,
                                **identity})
    donor = Donor(organization_id=center.organization_id, kind=kind, created_by=user, **data,
                  contact_by_sms=bool(contact_by_sms), contact_by_email=bool(contact_by_email),
                  contact_by_post=bool(contact_by_post), name_on_receipt=bool(name_on_receipt))
    if consent:
        _apply_consent(donor, True)
    _check_preferences(donor)
    try:
        with transaction.atomic():
            donor.save()
    except IntegrityError:  # another request registered the same identity a moment ago
        raise _bad(_("A donor with this national code or ID was registered a moment ago; search for them."),
                   "duplicate_identity") from None
    DonorLink.objects.create(center=center, donor=donor, source=source)
    donor.linked_existing = False
    return donor


@transaction.atomic
def donor_update(*, center: Center, donor: Donor, user=None, consent: bool | None = None, **fields) -> Donor:
    """Edits a donor linked to ``center``. Fields not given keep their value; ``kind`` may change only with
    the identity fields that go with it. ``consent`` True records consent now (if not yet), False withdraws
    it (and turns the contact channels off), None leaves it."""
    require_center_can_operate(center)
    unknown = set(fields) - {"kind", *TEXT_FIELDS, *PREFERENCE_FIELDS}
    if unknown:
        raise _bad(_("Unknown donor field: %(names)s.") % {"names": ", ".join(sorted(unknown))}, "bad_field")
    donor = Donor._base_manager.select_for_update().get(pk=donor.pk)
    if not DonorLink.objects.filter(center=center, donor=donor).exists():
        raise _bad(_("This donor is not linked to this center."), "donor_not_linked")
    if donor.merged_into_id is not None:
        raise _bad(_("This donor was merged into another; edit the kept donor."), "donor_merged")
    kind = fields.get("kind", donor.kind)
    current = {name: getattr(donor, name) for name in TEXT_FIELDS}
    data = _clean_fields(kind, {**current, **{k: v for k, v in fields.items() if k in TEXT_FIELDS}})
    existing = _same_identity(donor.organization_id, data, exclude_pk=donor.pk)
    if existing is not None:
        raise _bad(_("Another donor of the organisation has this national code or ID: merge the two instead."),
                   "duplicate_identity")
    donor.kind = kind
    for name, value in data.items():
        setattr(donor, name, value)
    for name in PREFERENCE_FIELDS:
        if name in fields:
            setattr(donor, name, bool(fields[name]))
    _apply_consent(donor, consent)
    _check_preferences(donor)
    try:
        with transaction.atomic():
            donor.save()
    except IntegrityError:
        raise _bad(_("Another donor of the organisation has this national code or ID."),
                   "duplicate_identity") from None
    return donor


def _donor_foreign_keys():
    """Every (model, field) with a foreign key to ``Donor`` whose rows belong to the donor and must follow a
    merge: found through the reverse relations of ``Donor`` (hidden ones too), so a model added later is
    covered without a change here. Left out: the merge trace itself, ``merged_into`` (flattened apart) and
    history (pghistory event) tables."""
    import pghistory.models

    for relation in Donor._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        model, field = relation.related_model, relation.field
        if model is DonorMerge or model is Donor or issubclass(model, pghistory.models.Event):
            continue
        yield model, field


def _move_links(survivor: Donor, merged: Donor) -> int:
    """Links of the merged donor to centers the survivor is not linked to move; the rest stay as a trace."""
    manager = DonorLink._base_manager
    have = set(manager.filter(donor=survivor).values_list("center_id", flat=True))
    return manager.filter(donor=merged).exclude(center_id__in=have).update(donor=survivor,
                                                                            source=DonorLink.Source.MERGE)


@transaction.atomic
def donor_merge(*, survivor: Donor, merged: Donor, user=None, reason: str = "", center: Center | None = None
                ) -> DonorMerge:
    """Folds ``merged`` into ``survivor`` (same organisation, both not merged, not the same donor).

    Every record with a foreign key to the merged donor moves to the survivor, at every center of the
    organisation (a donor is one person everywhere: leaving some gifts on the folded record would split
    their history). With ``center`` given (a trustee's merge), that center must be able to operate and
    both donors must be linked to it. Blank fields of the survivor are filled from the merged one; two
    different national codes (or IDs) are refused: those are two people, not a duplicate.
    """
    if center is not None:
        require_center_can_operate(center)
    # Lock both rows, in primary-key order so two merges of the same pair cannot deadlock.
    rows = {d.pk: d for d in Donor._base_manager.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
            .order_by("pk")}
    if survivor.pk == merged.pk:
        raise _bad(_("A donor cannot be merged into themselves."), "merge_self")
    survivor, merged = rows[survivor.pk], rows[merged.pk]
    if survivor.organization_id != merged.organization_id:
        raise _bad(_("Donors of different organisations cannot be merged."), "merge_organization")
    if survivor.merged_into_id is not None:
        raise _bad(_("The donor to keep was itself merged into another; choose the kept donor."),
                   "merge_into_merged")
    if merged.merged_into_id is not None:
        raise _bad(_("This donor was already merged."), "already_merged")
    if survivor.kind != merged.kind:
        raise _bad(_("A natural person and a legal entity cannot be merged; correct the kind first."),
                   "merge_kind")
    for name in ("national_code", "legal_entity_id"):
        a, b = getattr(survivor, name), getattr(merged, name)
        if a and b and a != b:
            raise _bad(_("The two donors have different national codes or IDs: they are two people."),
                       "merge_identity")
    if center is not None:
        linked = set(DonorLink._base_manager.filter(center=center, donor__in=[survivor, merged])
                     .values_list("donor_id", flat=True))
        if linked != {survivor.pk, merged.pk}:
            raise _bad(_("Both donors must be linked to this center."), "donor_not_linked")

    moved: dict[str, int] = {}
    for model, field in _donor_foreign_keys():
        label = model._meta.label
        # reviewed: a merge moves the donor's records at every center of the organisation (see docstring);
        # the rows are found by the donor's id only and only their donor column changes.
        manager = model._base_manager
        if model is DonorLink:
            count = _move_links(survivor, merged)
        elif field.one_to_one:
            count = 0
            if not manager.filter(**{field.name: survivor}).exists():
                count = manager.filter(**{field.name: merged}).update(**{field.name: survivor})
        else:
            try:
                with transaction.atomic():
                    count = manager.filter(**{field.name: merged}).update(**{field.name: survivor})
            except IntegrityError:
                raise _bad(_("Records of the two donors collide (%(model)s); resolve them before merging.")
                           % {"model": model._meta.verbose_name_plural}, "merge_collision") from None
        if count:
            moved[label] = moved.get(label, 0) + count

    mark_donor_stale(survivor.pk)  # the donors' rollups of every center the survivor gave at
    # Donors folded earlier into the merged one now point at the survivor: ``merged_into`` never chains.
    earlier = Donor._base_manager.filter(merged_into=merged).update(merged_into=survivor)
    if earlier:
        moved[Donor._meta.label] = earlier

    filled = []
    for name in FILLABLE_FIELDS:
        if not getattr(survivor, name) and getattr(merged, name):
            filled.append(name)
    if not survivor.consent_at and merged.consent_at:
        filled.append("consent_at")
    values = {name: getattr(merged, name) for name in filled}
    if "user_id" in values:
        merged.user_id = None  # one portal user per donor: it moves to the survivor
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "user"])
    for name, value in values.items():
        setattr(survivor, name, value)
    for name in ("contact_by_sms", "contact_by_email", "contact_by_post", "name_on_receipt"):
        # A preference the merged record had only counts with the consent that came with it.
        if getattr(merged, name) and not getattr(survivor, name) and "consent_at" in filled:
            setattr(survivor, name, True)
            filled.append(name)
    if filled:
        survivor.save(update_fields=filled)
    return DonorMerge.objects.create(organization_id=survivor.organization_id, survivor=survivor, merged=merged,
                                     moved=moved, merged_by=user, reason=clean_text(reason)[:255])
