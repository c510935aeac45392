"""Login by a one-time SMS code: hashed codes, expiry, limited tries, rate limits, no user enumeration, and a
donor session separate from staff sign-in."""

import hashlib
import hmac

import pytest
from django.core import signing
from django.utils import timezone

from conftest import login
from donor_portal import services
from donor_portal.models import LoginCode

from .conftest import M1, UNKNOWN, sign_in

pytestmark = pytest.mark.django_db


def _ask(client, mobile, **extra):
    return client.post("/my/login/", {"mobile": mobile}, **extra)


def _code_for(sms_file, mobile):
    return [m for m in sms_file() if m["to"] == mobile and "code" in m][-1]["code"]


def test_code_is_stored_only_as_a_keyed_hash(client, people, sms_file, settings):
    settings.DONOR_OTP_KEY = "a-test-key-kept-outside-the-database"
    _ask(client, M1)
    code = _code_for(sms_file, M1)
    row = LoginCode.objects.get(mobile=M1)
    expected = hmac.new(b"a-test-key-kept-outside-the-database", f"{M1}:{code}".encode(), hashlib.sha256).hexdigest()
    assert row.code_hash == expected
    assert code not in row.code_hash and len(code) == 6 and code.isdigit()
    assert (row.expires_at - row.created_at).total_seconds() == pytest.approx(180, abs=2)


def test_persian_digits_in_the_mobile_and_the_code_are_accepted(client, people, sms_file):
    _ask(client, "۰۹۱۲۱۱۱۰۰۰۱")
    code = _code_for(sms_file, M1)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert client.post("/my/login/code/", {"code": persian}).status_code == 302
    assert client.get("/my/").status_code == 200


def test_unknown_mobile_gets_the_same_answer_and_no_sms(client, people, sms_file):
    known = _ask(client, M1)
    client.cookies.clear()
    unknown = _ask(client, UNKNOWN)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) \
        == (302, "/my/login/code/")
    page_known = client.get("/my/login/code/")
    assert page_known.status_code == 200
    assert [m["to"] for m in sms_file() if "code" in m] == [M1]
    # A code row exists for both (same work either way), but the unknown mobile's code can never be known.
    assert LoginCode.objects.filter(mobile=UNKNOWN).count() == 1
    wrong = client.post("/my/login/code/", {"code": "123456"})
    assert wrong.status_code == 200 and "/my/" not in wrong.get("Location", "")


def test_wrong_code_and_unknown_mobile_give_one_message(client, people, sms_file):
    _ask(client, M1)
    first = client.post("/my/login/code/", {"code": "000000" if _code_for(sms_file, M1) != "000000" else "111111"})
    client.cookies.clear()
    _ask(client, UNKNOWN)
    second = client.post("/my/login/code/", {"code": "123456"})
    assert first.context["form"].non_field_errors() == second.context["form"].non_field_errors()
    assert first.context["form"].non_field_errors()


def test_expired_code_is_refused(client, people, sms_file):
    _ask(client, M1)
    code = _code_for(sms_file, M1)
    LoginCode.objects.filter(mobile=M1).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert client.post("/my/login/code/", {"code": code}).status_code == 200
    assert client.get("/my/").status_code == 302


def test_a_code_allows_five_tries_then_not_even_the_right_one(client, people, sms_file):
    _ask(client, M1)
    code = _code_for(sms_file, M1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post("/my/login/code/", {"code": wrong}).status_code == 200
    assert LoginCode.objects.get(mobile=M1).attempts == 5
    assert client.post("/my/login/code/", {"code": code}).status_code == 200
    assert client.get("/my/").status_code == 302


def test_a_code_is_used_once_and_a_new_code_replaces_the_old(client, people, sms_file):
    _ask(client, M1)
    old = _code_for(sms_file, M1)
    _ask(client, M1)
    new = _code_for(sms_file, M1)
    if old != new:
        assert client.post("/my/login/code/", {"code": old}).status_code == 200
    assert client.post("/my/login/code/", {"code": new}).status_code == 302
    client.post("/my/logout/")
    client.session[services.PENDING_KEY] = M1
    session = client.session
    session[services.PENDING_KEY] = M1
    session.save()
    assert client.post("/my/login/code/", {"code": new}).status_code == 200  # already used


def test_codes_per_mobile_are_rate_limited_for_known_and_unknown_alike(client, people, sms_file):
    for mobile in (M1, UNKNOWN):
        statuses = [_ask(client, mobile).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429], mobile
    assert len([m for m in sms_file() if m["to"] == M1 and "code" in m]) == 3


def test_codes_per_address_are_rate_limited(client, people, sms_file, settings):
    settings.DONOR_OTP_PER_ADDRESS = 4
    mobiles = [f"0912222000{i}" for i in range(6)]
    statuses = [_ask(client, m, REMOTE_ADDR="10.0.0.7").status_code for m in mobiles]
    assert statuses == [302] * 4 + [429] * 2
    assert _ask(client, M1, REMOTE_ADDR="10.0.0.8").status_code == 302  # another address is not affected


def test_tries_per_address_are_rate_limited(client, people, sms_file, settings):
    settings.DONOR_OTP_VERIFY_PER_ADDRESS = 3
    _ask(client, M1)
    code = _code_for(sms_file, M1)
    for _ in range(3):
        client.post("/my/login/code/", {"code": "999999" if code != "999999" else "888888"})
    assert client.post("/my/login/code/", {"code": code}).status_code == 429


def test_bad_mobile_is_a_form_error(client, people):
    response = _ask(client, "12345")
    assert response.status_code == 200 and response.context["form"].errors["mobile"]


def test_session_holds_a_signed_identity_that_expires(client, people, sms_file, settings):
    sign_in(client, M1, sms_file)
    value = client.session[services.SESSION_KEY]
    assert signing.loads(value, salt=services.SESSION_SALT)["mobile"] == M1
    session = client.session
    session[services.SESSION_KEY] = signing.dumps({"mobile": "09121110002"}, salt="another-salt")
    session.save()
    assert client.get("/my/").status_code == 302  # a value not signed by us is nobody
    sign_in(client, M1, sms_file)
    settings.DONOR_SESSION_AGE = -1
    assert client.get("/my/").status_code == 302


def test_login_changes_the_session_key(client, people, sms_file):
    client.get("/my/login/")
    client.post("/my/login/", {"mobile": M1})
    before = client.session.session_key
    sign_in(client, M1, sms_file)
    assert client.session.session_key != before


def test_a_trustee_is_not_a_donor(client, people, world):
    login(client, world.trustee(people.a))
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"].startswith("/my/login/")


def test_next_stays_on_the_donor_pages(client, people, sms_file):
    client.post("/my/login/", {"mobile": M1, "next": "https://evil.example/"})
    code = _code_for(sms_file, M1)
    response = client.post("/my/login/code/", {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/my/"
    client.post("/my/logout/")
    client.post("/my/login/", {"mobile": M1})
    response = client.post("/my/login/code/", {"code": _code_for(sms_file, M1), "next": "/my/gifts/"})
    assert response["Location"] == "/my/gifts/"


def test_logout_ends_only_the_donor_session(client, people, sms_file):
    sign_in(client, M1, sms_file)
    assert client.post("/my/logout/").status_code == 302
    assert client.get("/my/").status_code == 302


def test_old_codes_are_purged(client, people):
    from donor_portal.tasks import login_codes_purge

    _ask(client, M1)
    _ask(client, UNKNOWN)
    LoginCode.objects.filter(mobile=UNKNOWN).update(created_at=timezone.now() - timezone.timedelta(days=2))
    assert login_codes_purge() == 1
    assert list(LoginCode.objects.values_list("mobile", flat=True)) == [M1]
