import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from centers.models import BoardRole
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def test_trustee_signs_in_and_reaches_the_dashboard(client, world):
    center = world.center(name="مرکز نیکوکاری مسجد امام")
    user = world.trustee(center)
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("centers:dashboard")
    assert "مرکز نیکوکاری مسجد امام" in client.get(response["Location"]).content.decode()


def test_wrong_password_is_refused_with_a_translated_message(client, world):
    user = world.trustee(world.center())
    response = _sign_in(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "لطفا نام کاربری و گذرواژه" in response.content.decode() or "صحیح" in response.content.decode()


def test_supervisor_must_pass_the_second_factor_before_seeing_any_center(client, world):
    center = world.center(name="مرکز نیکوکاری زیر نظارت")
    supervisor = world.supervisor(level="province")
    response = _sign_in(client, supervisor.username)
    assert response["Location"].startswith(reverse("accounts:otp-verify"))
    # Until the code is given, the dashboard sends them back to the second step.
    assert client.get(reverse("centers:dashboard"))["Location"].startswith(reverse("accounts:otp-verify"))
    assert client.get(reverse("centers:center-detail", args=[center.slug])).status_code == 302
    right = client.post(reverse("accounts:otp-verify"), {"code": _code(supervisor)})
    assert right.status_code == 302
    assert "مرکز نیکوکاری زیر نظارت" in client.get(reverse("centers:dashboard")).content.decode()


def test_wrong_otp_code_is_refused_and_slows_down_guessing(client, world):
    supervisor = world.supervisor(level="province")
    _sign_in(client, supervisor.username)
    wrong = client.post(reverse("accounts:otp-verify"), {"code": "000000" if _code(supervisor) != "000000" else "1"})
    assert wrong.status_code == 200
    assert client.get(reverse("centers:dashboard")).status_code == 302
    # django-otp throttles after a failure: even the right code waits a moment.
    assert client.post(reverse("accounts:otp-verify"), {"code": _code(supervisor)}).status_code == 200
    assert TOTPDevice.objects.get(user=supervisor).throttling_failure_count == 1


def test_otp_code_in_persian_digits_is_accepted(client, world):
    supervisor = world.supervisor(level="province")
    _sign_in(client, supervisor.username)
    code = _code(supervisor).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert client.post(reverse("accounts:otp-verify"), {"code": code}).status_code == 302


def test_supervisor_without_an_authenticator_is_taken_to_set_one_up(client, world):
    supervisor = world.supervisor(level="county")
    TOTPDevice.objects.filter(user=supervisor).delete()
    response = _sign_in(client, supervisor.username)
    assert response["Location"].startswith(reverse("accounts:otp-setup"))
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    pending = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    confirmed = client.post(reverse("accounts:otp-setup"), {"code": _code(supervisor)})
    assert confirmed.status_code == 302
    pending.refresh_from_db()
    assert pending.confirmed


def test_repeated_failures_lock_the_account(client, world, settings):
    user = world.trustee(world.center())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.username, "wrong-password")
    locked = _sign_in(client, user.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, world):
    user = world.trustee(world.center())
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-new-and-long-password-7"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password,
                                                         "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_session_cookie_is_http_only_and_short_lived(client, world, settings):
    user = world.trustee(world.center())
    response = _sign_in(client, user.username)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


class TestProfile:
    def test_malformed_national_code_gets_a_translated_error_and_nothing_changes(self, client, world):
        user = world.trustee(world.center())
        user.national_code = "0013542419"
        user.save()
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {
            "first_name": "مریم", "last_name": "احمدی", "email": user.email,
            "national_code": "0013542418", "birth_date": "1360/06/31",
        })
        assert response.status_code == 200
        assert "کد ملی معتبر نیست" in response.content.decode()
        user.refresh_from_db()
        assert user.national_code == "0013542419"
        assert user.first_name != "مریم"

    def test_wrong_jalali_date_gets_a_translated_error(self, client, world):
        user = world.trustee(world.center())
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {
            "first_name": "مریم", "last_name": "احمدی", "email": user.email, "birth_date": "۱۴۰۲/۱۲/۳۰",
        })  # 1402 is not a leap year: Esfand has 29 days
        assert response.status_code == 200
        assert "تاریخ" in response.content.decode()
        user.refresh_from_db()
        assert user.birth_date is None

    def test_persian_digits_are_stored_normalised(self, client, world):
        user = world.trustee(world.center())
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {
            "first_name": "مریم", "last_name": "احمدی", "email": user.email,
            "national_code": "۰۰۱۳۵۴۲۴۱۹", "mobile": "+98 912 123 4567", "birth_date": "۱۳۶۰/۰۶/۳۱",
        })
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.national_code, user.mobile, user.birth_date.isoformat()) == (
            "0013542419", "09121234567", "1981-09-22")

    def test_duplicate_national_code_is_refused(self, client, world):
        world.user(national_code="0013542419")
        user = world.trustee(world.center())
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {
            "first_name": "مریم", "last_name": "احمدی", "email": user.email, "national_code": "0013542419"})
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.national_code is None


class TestTokenApi:
    url = "/api/v1/auth/token/"

    def test_trustee_gets_a_token_that_authenticates(self, client, world):
        center = world.center()
        user = world.trustee(center)
        response = client.post(self.url, {"username": user.username, "password": TEST_PASSWORD},
                               content_type="application/json")
        assert response.status_code == 200
        token = response.json()["token"]
        centers = client.get("/api/v1/centers/", HTTP_AUTHORIZATION=f"Token {token}").json()
        assert [c["id"] for c in centers["results"]] == [center.pk]

    def test_wrong_password_is_400_with_a_message(self, client, world):
        user = world.trustee(world.center())
        response = client.post(self.url, {"username": user.username, "password": "nope"},
                               content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"]

    def test_supervisor_needs_the_second_factor_for_a_token(self, client, world):
        supervisor = world.supervisor(level="province")
        body = {"username": supervisor.username, "password": TEST_PASSWORD}
        refused = client.post(self.url, body, content_type="application/json")
        assert refused.status_code == 400 and "otp" in refused.json()
        granted = client.post(self.url, {**body, "otp": _code(supervisor)}, content_type="application/json")
        assert granted.status_code == 200

    def test_lockout_is_a_json_429(self, client, world, settings):
        user = world.trustee(world.center())
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(self.url, {"username": user.username, "password": "nope"}, content_type="application/json")
        locked = client.post(self.url, {"username": user.username, "password": TEST_PASSWORD},
                             content_type="application/json")
        assert locked.status_code == 429
        assert locked.json()["detail"]

    def test_invalid_token_is_401(self, client, world):
        assert client.get("/api/v1/centers/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


class TestMeApi:
    def test_bad_national_code_is_a_400_with_a_translated_message(self, client, world):
        user = world.trustee(world.center())
        client.force_login(user)
        response = client.patch("/api/v1/me/", {"national_code": "1234567890"}, content_type="application/json")
        assert response.status_code == 400
        assert "کد ملی" in response.json()["national_code"][0]

    def test_valid_update_is_normalised(self, client, world):
        user = world.trustee(world.center())
        client.force_login(user)
        response = client.patch("/api/v1/me/", {"mobile": "۰۹۱۲۱۲۳۴۵۶۷"}, content_type="application/json")
        assert response.status_code == 200
        assert response.json()["mobile"] == "09121234567"


def test_trustee_role_is_shown_in_persian_on_their_center(client, world):
    center = world.center()
    user = world.trustee(center, BoardRole.FINANCE_OFFICER)
    client.force_login(user)
    with scopes_disabled():
        slug = center.slug
    assert client.get(reverse("centers:center-detail", args=[slug])).status_code == 200


def test_otp_code_command_prints_the_current_code_outside_production(world, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    supervisor = world.supervisor(level="province")
    out = StringIO()
    call_command("otp_code", supervisor.username, stdout=out)
    assert out.getvalue().strip() == _code(supervisor)
    settings.HTTPS = True
    with pytest.raises(CommandError):
        call_command("otp_code", supervisor.username)
