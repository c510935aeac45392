"""The only writers of sponsorships and their progress notes (issue 5.5).

A sponsorship links a donor's pledge of target orphan sponsorship (Ekram) or family sponsorship (Mohsenin)
(``contributions.Pledge.target``) to a household of the same center and, for an orphan, to the orphan among its
members. Progress notes are written for the donor; a note that contains any of the household's names, national
codes, its mobile or its address is refused (checked against the decrypted and plain fields), so what the donor
reads never identifies the family (DESIGN §8; seed 002: "حفظ آبرو و کرامت انسانی نیازمندان").

Every writer is keyword-only and atomic, asks the access module first (404 for another center's objects, 403 for
a role without ``MANAGE_SPONSORSHIPS``), then ``require_center_can_operate``, and refuses bad input with a
translated ``ValidationError`` carrying a ``code`` before it writes anything.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import crypto, rls
from beneficiaries.models import Household, Member, ProgressNote, Sponsorship
from centers.access import Action, Actor, require
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Pledge
from core.digits import to_latin_digits
from reporting.rollups import mark_stale

__all__ = ["identifiers_in_text", "progress_note_add", "progress_note_publish", "sponsorship_create",
           "sponsorship_end"]

KIND_FOR_TARGET = {Pledge.Target.ORPHAN: Sponsorship.Kind.ORPHAN, Pledge.Target.FAMILY: Sponsorship.Kind.FAMILY}
MAX_NOTE = 4000

_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ئ": "ی", "أ": "ا", "إ": "ا", "آ": "ا"})


def _words(text: str) -> list[str]:
    """Text reduced to comparable words: Persian letter forms, no diacritics, Latin digits; half-spaces,
    punctuation and spaces all separate words."""
    text = unicodedata.normalize("NFKC", to_latin_digits(text or "")).translate(_LETTERS)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    return [w for w in re.split(r"[\W_]+", text.lower()) if w]


def _contains_phrase(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return bool(n) and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", to_latin_digits(text or ""))


def _plain(stored: str, purpose: str) -> str:
    try:
        return crypto.decrypt(stored, purpose=purpose)
    except crypto.DecryptionError:  # written under another key: nothing this key can compare
        return ""


def identifiers_in_text(text: str, *, household: Household) -> list[str]:
    """What of the household's identity ``text`` contains: the names of its people (first or last name, as whole
    words, so «علی» is found but «فعلی» is not), any member's national code or the household's mobile (digits in
    any script, with or without separators) and its address (the whole, its village or neighbourhood, or any
    part of it with a number, such as «کوچه ۱۲»). Returns the found values, for the error message; [] when clean.
    """
    words = _words(text)
    digits = _digits(text)
    found: list[str] = []
    members = list(Member.objects.filter(center_id=household.center_id, household=household))
    for member in members:
        for name in (member.first_name, member.last_name):
            if name and _contains_phrase(words, _words(name)) and name not in found:
                found.append(name)
        code = _plain(member.national_code_ciphertext, crypto.NATIONAL_CODE)
        if code and code in digits:
            found.append(crypto.mask(code))
    mobile = _plain(household.mobile_ciphertext, crypto.MOBILE)
    if mobile and mobile[-10:] in digits:
        found.append(crypto.mask(mobile))
    address_parts = [household.address, household.village]
    county_words = _words(household.county.name) if household.county_id else []
    for part in re.split(r"[،,؛;\n]", household.address or ""):
        part_words = _words(part)
        # A part with a number (alley, plaque) or more than the county's name identifies the home.
        if part_words and part_words != county_words and (any(w.isdigit() for w in part_words)
                                                          or len(part_words) > 1):
            address_parts.append(part)
    for part in address_parts:
        part = (part or "").strip()
        if part and _contains_phrase(words, _words(part)) and part not in found:
            found.append(part)
    return found


def _check_note(text: str, household: Household) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the note."), code="text_required")
    if len(text) > MAX_NOTE:
        raise ValidationError(_("The note is too long: at most %(n)d characters.") % {"n": MAX_NOTE},
                              code="text_too_long")
    found = identifiers_in_text(text, household=household)
    if found:
        raise ValidationError(
            _("A note for the donor must not identify the family: remove their names, national codes, mobile "
              "and address (found: %(found)s).") % {"found": "، ".join(found)},
            code="identifies_household")
    return text


def _start(actor: Actor, obj) -> None:
    require(actor, Action.MANAGE_SPONSORSHIPS, obj)
    require_center_can_operate(obj if not hasattr(obj, "center") else obj.center)
    rls.apply_scope(fallback=[obj.center_id])


@transaction.atomic
def sponsorship_create(*, actor: Actor, pledge: Pledge, household: Household, member: Member | None = None,
                       starts_on: datetime.date | None = None) -> Sponsorship:
    """Links a sponsorship pledge to a household of the same center (an orphan sponsorship also to the orphan,
    a member of the household marked as orphan). A pledge has one active sponsorship at a time; a cancelled or
    completed pledge sponsors nobody; a closed household's file cannot be sponsored."""
    _start(actor, pledge)
    require(actor, Action.VIEW_BENEFICIARIES, household)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk, center_id=pledge.center_id)
    if household.center_id != pledge.center_id:
        raise ValidationError(_("The household is not registered at this pledge's center."), code="other_center")
    kind = KIND_FOR_TARGET.get(pledge.target)
    if kind is None:
        raise ValidationError(_("Only an orphan or family sponsorship pledge can be linked to a household."),
                              code="not_sponsorship")
    if pledge.status not in (Pledge.Status.ACTIVE, Pledge.Status.PAUSED):
        raise ValidationError(_("The pledge is cancelled or completed."), code="pledge_closed")
    if Sponsorship.objects.filter(center_id=pledge.center_id, pledge=pledge,
                                  status=Sponsorship.Status.ACTIVE).exists():
        raise ValidationError(_("This pledge already sponsors a household; end that sponsorship first."),
                              code="already_linked")
    if household.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed."), code="household_closed")
    if kind == Sponsorship.Kind.ORPHAN:
        if member is None or member.household_id != household.pk:
            raise ValidationError(_("Choose the orphan among the household's members."), code="member_required")
        if not member.is_orphan:
            raise ValidationError(_("This member is not recorded as an orphan."), code="not_orphan")
    elif member is not None:
        raise ValidationError(_("A family sponsorship is for the whole household: choose no member."),
                              code="member_not_allowed")
    today = timezone.localdate()
    starts_on = starts_on or today
    if not isinstance(starts_on, datetime.date) or starts_on > today + datetime.timedelta(days=366):
        raise ValidationError(_("The start date is not possible."), code="bad_starts_on")
    mark_stale(pledge.center_id, starts_on)
    return Sponsorship.objects.create(center_id=pledge.center_id, pledge=pledge, household=household,
                                      member=member, kind=kind, starts_on=starts_on, created_by=actor.user)


@transaction.atomic
def sponsorship_end(*, actor: Actor, sponsorship: Sponsorship, reason: str,
                    ends_on: datetime.date | None = None) -> Sponsorship:
    """Ends a sponsorship (the orphan came of age, the family is self-sufficient, the pledge ended): kept on
    record with its notes; the pledge may then sponsor another household."""
    require(actor, Action.MANAGE_SPONSORSHIPS, sponsorship)
    sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk, center_id=sponsorship.center_id)
    if sponsorship.status != Sponsorship.Status.ACTIVE:
        raise ValidationError(_("This sponsorship has already ended."), code="already_ended")
    if not (reason or "").strip():
        raise ValidationError(_("Write why the sponsorship ends."), code="reason_required")
    ends_on = ends_on or timezone.localdate()
    if not isinstance(ends_on, datetime.date) or ends_on < sponsorship.starts_on:
        raise ValidationError(_("A sponsorship cannot end before it starts."), code="bad_ends_on")
    sponsorship.status = Sponsorship.Status.ENDED
    sponsorship.ends_on = ends_on
    sponsorship.end_reason = reason.strip()
    sponsorship.save(update_fields=["status", "ends_on", "end_reason"])
    mark_stale(sponsorship.center_id, ends_on)
    return sponsorship


@transaction.atomic
def progress_note_add(*, actor: Actor, sponsorship: Sponsorship, text: str, written_on: datetime.date | None = None,
                      published: bool = False) -> ProgressNote:
    """Writes a progress note for the donor. Refused, with the found words named, when it contains the
    household's names, national codes, mobile or address; published notes appear on the donor's pages."""
    require(actor, Action.MANAGE_SPONSORSHIPS, sponsorship)
    rls.apply_scope(fallback=[sponsorship.center_id])
    household = Household.objects.select_related("county").get(pk=sponsorship.household_id,
                                                                center_id=sponsorship.center_id)
    text = _check_note(text, household)
    today = timezone.localdate()
    written_on = written_on or today
    if not isinstance(written_on, datetime.date) or written_on > today:
        raise ValidationError(_("A note cannot be dated in the future."), code="bad_written_on")
    return ProgressNote.objects.create(center_id=sponsorship.center_id, sponsorship=sponsorship,
                                       written_on=written_on, text=text, author=actor.user,
                                       is_published=bool(published))


@transaction.atomic
def progress_note_publish(*, actor: Actor, note: ProgressNote, published: bool = True) -> ProgressNote:
    """Shows a note to the donor (or withdraws it). The text is checked again: the household's file may have
    changed since it was written (a member added, a new address)."""
    require(actor, Action.MANAGE_SPONSORSHIPS, note)
    rls.apply_scope(fallback=[note.center_id])
    if published:
        household = Household.objects.select_related("county").get(pk=note.sponsorship.household_id,
                                                                    center_id=note.center_id)
        _check_note(note.text, household)
    note.is_published = bool(published)
    note.save(update_fields=["is_published"])
    return note
