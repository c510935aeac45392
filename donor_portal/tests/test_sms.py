"""The SMS interface (core/sms.py): file and console backends, the backend chosen by a setting, and the
Kavenegar adapter against recorded requests and answers (the HTTP transport injected: no network)."""

import io
import json
from pathlib import Path

import pytest

from core import sms

FIXTURES = Path(__file__).parent / "fixtures" / "kavenegar"
TEXT = "سپاس از نیکوکاری شما"


class Recorded:
    """A transport that checks the request against a recorded one and plays back the recorded answer."""

    def __init__(self, name):
        self.fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        self.calls = []

    def __call__(self, url, data, timeout):
        self.calls.append((url, data, timeout))
        assert url == self.fixture["request"]["url"]
        assert data == self.fixture["request"]["data"]
        response = self.fixture["response"]
        body = response.get("body_text") or json.dumps(response["body"], ensure_ascii=False)
        return response["status"], body.encode("utf-8")


def kavenegar(name, **options):
    transport = Recorded(name)
    backend = sms.KavenegarBackend(api_key="TEST-API-KEY", sender="10004346", otp_template="donor-login",
                                   transport=transport, **options)
    return backend, transport


def test_kavenegar_send_returns_the_message_id():
    backend, transport = kavenegar("send_ok")
    assert backend.send("09121110001", TEXT) == "8792343"
    assert len(transport.calls) == 1 and transport.calls[0][2] == 10


def test_kavenegar_sends_codes_through_verify_lookup():
    backend, _t = kavenegar("lookup_ok")
    assert backend.send_code("09121110001", "482910", "کد ورود") == "8792399"


def test_kavenegar_without_a_template_sends_the_code_as_a_message():
    transport = Recorded("send_ok")
    backend = sms.KavenegarBackend(api_key="TEST-API-KEY", sender="10004346", otp_template="", transport=transport)
    assert backend.send_code("09121110001", "482910", TEXT) == "8792343"


@pytest.mark.parametrize(("name", "status", "transient"), [
    ("send_no_credit", 418, False), ("send_bad_key", 403, False), ("send_busy", 409, True),
    ("gateway_error", 502, True)])
def test_kavenegar_refusals_become_clear_errors(name, status, transient):
    backend, _t = kavenegar(name)
    with pytest.raises(sms.SmsError) as caught:
        backend.send("09121110001", TEXT)
    assert caught.value.status == status
    assert caught.value.transient is transient
    assert "TEST-API-KEY" not in str(caught.value)  # the key is in the URL: never in a message or a log


def test_kavenegar_template_missing_is_permanent():
    backend, _t = kavenegar("lookup_template_missing")
    with pytest.raises(sms.SmsError, match="424"):
        backend.send_code("09121110001", "482910", "x")


def test_kavenegar_network_failure_is_transient():
    def down(url, data, timeout):
        raise TimeoutError("timed out")

    backend = sms.KavenegarBackend(api_key="TEST-API-KEY", transport=down)
    with pytest.raises(sms.SmsTransientError):
        backend.send("09121110001", TEXT)


def test_kavenegar_answer_without_message_id_is_an_error():
    def odd(url, data, timeout):
        return 200, json.dumps({"return": {"status": 200, "message": "ok"}, "entries": []}).encode()

    with pytest.raises(sms.SmsError, match="no message id"):
        sms.KavenegarBackend(api_key="K", transport=odd).send("09121110001", TEXT)


def test_kavenegar_needs_a_key(settings):
    settings.KAVENEGAR_API_KEY = ""
    with pytest.raises(sms.SmsError):
        sms.KavenegarBackend()


def test_file_backend_appends_json_lines(tmp_path):
    backend = sms.FileBackend(path=tmp_path / "out.jsonl")
    first = backend.send("09121110001", TEXT)
    second = backend.send_code("09121110002", "123456", "کد")
    rows = backend.messages()
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["text"] == TEXT and "code" not in rows[0] and rows[1]["code"] == "123456"


def test_console_backend_writes_the_message():
    out = io.StringIO()
    message_id = sms.ConsoleBackend(stream=out).send("09121110001", TEXT)
    assert message_id in out.getvalue() and TEXT in out.getvalue()


def test_the_setting_chooses_the_backend(settings, tmp_path):
    settings.SMS_BACKEND = "core.sms.ConsoleBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    settings.SMS_BACKEND = "core.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "chosen.jsonl")
    sms.send_sms("09121110001", TEXT)
    assert json.loads((tmp_path / "chosen.jsonl").read_text(encoding="utf-8"))["to"] == "09121110001"


class Failing(sms.SmsBackend):
    """A provider that is busy (transient) or refuses (permanent)."""

    error = sms.SmsTransientError("busy", status=409)
    calls = 0

    def __init__(self, **_options):
        pass

    def send(self, mobile, text):
        Failing.calls += 1
        raise Failing.error


def test_the_sending_task_retries_a_busy_provider_but_not_a_refusal(settings):
    from celery.exceptions import Retry

    from donor_portal.tasks import send_login_code_task

    settings.SMS_BACKEND = f"{__name__}.Failing"
    kwargs = {"mobile": "09121110001", "code": "123456", "text": "x"}
    Failing.error, Failing.calls = sms.SmsTransientError("busy", status=409), 0
    with pytest.raises(Retry):
        send_login_code_task.apply(kwargs=kwargs, throw=True)
    Failing.error, Failing.calls = sms.SmsError("no credit", status=418), 0
    with pytest.raises(sms.SmsError, match="no credit"):
        send_login_code_task.apply(kwargs=kwargs, throw=True)
    assert Failing.calls == 1
