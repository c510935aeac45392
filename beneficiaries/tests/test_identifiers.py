"""National codes and mobiles: encrypted at rest, found by the keyed blind index, shown masked, revealed
only through a logged action."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from beneficiaries import crypto, services
from beneficiaries.models import IdentifierReveal, Member
from centers.access import actor_for
from centers.models import BoardRole
from contributions.tests.conftest import license_center

from .helpers import national_code, register

pytestmark = pytest.mark.django_db

CODE = "0499370899"


def test_encryption_round_trip_and_fresh_nonce():
    a = crypto.encrypt(CODE, purpose=crypto.NATIONAL_CODE)
    b = crypto.encrypt(CODE, purpose=crypto.NATIONAL_CODE)
    assert a != b  # a fresh nonce each time: equal codes do not show as equal ciphertexts
    assert CODE not in a
    assert crypto.decrypt(a, purpose=crypto.NATIONAL_CODE) == CODE
    assert crypto.decrypt(b, purpose=crypto.NATIONAL_CODE) == CODE


def test_ciphertext_does_not_open_for_another_purpose_or_after_tampering():
    stored = crypto.encrypt(CODE, purpose=crypto.NATIONAL_CODE)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, purpose=crypto.MOBILE)
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, purpose=crypto.NATIONAL_CODE)


def test_another_key_cannot_open_and_unset_key_fails_closed_outside_development():
    stored = crypto.encrypt(CODE, purpose=crypto.NATIONAL_CODE)
    with override_settings(BENEFICIARY_ENCRYPTION_KEY=crypto.generate_key()):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(stored, purpose=crypto.NATIONAL_CODE)
        assert crypto.masked(stored, purpose=crypto.NATIONAL_CODE) == "*" * 10
    with override_settings(DEBUG=False, BENEFICIARY_KEYS_FROM_SECRET_KEY=False, BENEFICIARY_ENCRYPTION_KEY=""):
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt(CODE, purpose=crypto.NATIONAL_CODE)


def test_blind_index_is_keyed_normalised_and_separate_from_the_encryption_key():
    assert crypto.blind_index(CODE) == crypto.blind_index("۰۴۹۹-۳۷۰۸۹۹")  # Persian digits, dashes
    assert len(crypto.blind_index(CODE)) == 64
    with override_settings(BENEFICIARY_BLIND_INDEX_KEY=crypto.generate_key()):
        other = crypto.blind_index(CODE)
    assert other != crypto.blind_index(CODE)
    assert crypto.blind_index_key() != crypto.encryption_key()
    with pytest.raises(ValidationError):
        crypto.blind_index("1234567890")  # bad check digit


def test_mask_shows_head_and_tail_only():
    assert crypto.mask(CODE) == "0499***899"
    assert crypto.mask("09121234567") == "0912****567"
    assert crypto.mask("12345") == "*****"


def test_database_holds_no_plaintext_identifier(world, center, vice_chair):
    household = register(center, vice_chair, head_code=CODE, mobile="0912 123 4567")
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(m)::text FROM beneficiaries_member m WHERE household_id = %s",
                       [household.pk])
        member_rows = " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("SELECT row_to_json(h)::text FROM beneficiaries_household h WHERE id = %s", [household.pk])
        household_row = cursor.fetchone()[0]
        cursor.execute("SELECT row_to_json(e)::text FROM beneficiaries_memberevent e")
        history = " ".join(r[0] for r in cursor.fetchall())
    assert "مریم" in member_rows  # the query does see the row
    for text in (member_rows, household_row, history):
        assert CODE not in text and "370899" not in text
        assert "09121234567" not in text and "1234567" not in text
    with scopes_disabled():
        head = Member.objects.get(household=household)
    assert head.national_code_ciphertext.startswith("v1.")
    assert head.masked_national_code == "0499***899"
    assert household.masked_mobile == "0912****567"


def test_find_by_national_code_uses_the_blind_index_within_the_center(world, center, vice_chair):
    other_center = license_center(world.center())
    other_trustee = world.trustee(other_center, BoardRole.VICE_CHAIR)
    mine = register(center, vice_chair, head_code=CODE)
    register(other_center, other_trustee, head_code=CODE)  # the same person at another center is allowed
    actor = actor_for(vice_chair, second_factor_passed=True)
    with scope(center=[center.pk]):
        found = services.find_by_national_code(actor=actor, center=center, national_code="۰۴۹۹۳۷۰۸۹۹")
        assert [m.household_id for m in found] == [mine.pk]
        assert services.find_by_national_code(actor=actor, center=center, national_code=national_code(7)) == []


def test_reveal_shows_the_code_and_logs_who_when_whose_and_why(world, center, vice_chair):
    household = register(center, vice_chair, head_code=CODE)
    actor = actor_for(vice_chair, second_factor_passed=True)
    with scope(center=[center.pk]):
        head = Member.objects.get(household=household)
        value = services.reveal_identifier(actor=actor, household=household, member=head, field="national_code",
                                           reason="معرفی به کمیته امداد برای بیمه")
        mobile = services.reveal_identifier(actor=actor, household=household, field="mobile",
                                            reason="تماس برای نوبت توزیع")
        log = list(IdentifierReveal.objects.filter(household=household).order_by("pk"))
    assert value == CODE and mobile == "09121234567"
    assert [(r.field, r.member_id, r.revealed_by_id) for r in log] == [
        ("national_code", head.pk, vice_chair.pk), ("mobile", None, vice_chair.pk)]
    assert log[0].reason == "معرفی به کمیته امداد برای بیمه" and log[0].revealed_at is not None


def test_reveal_needs_a_reason_and_a_managing_role(world, center, vice_chair):
    household = register(center, vice_chair, head_code=CODE)
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    with scope(center=[center.pk]):
        head = Member.objects.get(household=household)
        with pytest.raises(ValidationError) as refused:
            services.reveal_identifier(actor=actor_for(vice_chair, second_factor_passed=True), household=household,
                                       member=head, field="national_code", reason=" ")
        assert refused.value.code == "reason_required"
        with pytest.raises(PermissionDenied):
            services.reveal_identifier(actor=actor_for(finance, second_factor_passed=True), household=household,
                                       member=head, field="national_code", reason="کنجکاوی محض")
        outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
        with pytest.raises(Http404):
            services.reveal_identifier(actor=actor_for(outsider, second_factor_passed=True), household=household,
                                       member=head, field="national_code", reason="کنجکاوی محض")
        assert not IdentifierReveal.objects.filter(household=household).exists()


def test_reveal_log_is_append_only(world, center, vice_chair):
    from django.db import ProgrammingError, transaction

    household = register(center, vice_chair, head_code=CODE)
    with scope(center=[center.pk]):
        services.reveal_identifier(actor=actor_for(vice_chair, second_factor_passed=True), household=household,
                                   field="mobile", reason="تماس برای نوبت توزیع")
        entry = IdentifierReveal.objects.get(household=household)
        with pytest.raises(ProgrammingError), transaction.atomic():
            IdentifierReveal.objects.filter(pk=entry.pk).update(reason="پاک شد")
        with pytest.raises(ProgrammingError), transaction.atomic():
            IdentifierReveal.objects.filter(pk=entry.pk).delete()
