"""Sending SMS: one small interface, a backend chosen by ``settings.SMS_BACKEND``.

- ``send_sms(mobile, text)`` sends a message and returns the provider's message id.
- ``send_login_code(mobile, code, text)`` sends a one-time code; a provider with a verification service
  (Kavenegar's ``verify/lookup`` with a template approved in its panel) delivers it on its fast route, the
  others send ``text``.

Backends:

- ``FileBackend`` (the default in development and tests): appends one JSON line per message to
  ``SMS_FILE_PATH`` (``.data/sms.jsonl``), so the tests and the browser test read the codes from there.
- ``ConsoleBackend``: writes the message to standard output.
- ``KavenegarBackend``: Kavenegar's REST API (``https://api.kavenegar.com/v1/<API key>/<action>/<method>.json``,
  form-encoded POST, answer ``{"return": {"status", "message"}, "entries": [...]}``). The HTTP transport is a
  callable ``(url, data, timeout) -> (http_status, body bytes)``, injected in tests (recorded fixtures, no
  network). A provider refusal becomes ``SmsError``; the ones worth retrying (network, provider busy, 5xx)
  are ``SmsTransientError``, which the sending tasks retry.

Callers never send inside a request: they queue a Celery task (``donor_portal.tasks``) after commit.
"""

from __future__ import annotations

import fcntl
import json
import logging
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib import error as urlerror
from urllib import parse, request

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Transport = Callable[[str, dict, float], tuple[int, bytes]]


class SmsError(Exception):
    """The message was not sent. ``status`` is the provider's code when it gave one."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class SmsTransientError(SmsError):
    """Not sent now, may succeed later (network, provider busy or failing): retry."""

    transient = True


class SmsBackend:
    def send(self, mobile: str, text: str) -> str:
        raise NotImplementedError

    def send_code(self, mobile: str, code: str, text: str) -> str:
        return self.send(mobile, text)


class ConsoleBackend(SmsBackend):
    def __init__(self, stream=None, **_options):
        self.stream = stream

    def send(self, mobile: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        stream = self.stream or sys.stdout
        stream.write(f"SMS {message_id} to {mobile}:\n{text}\n\n")
        stream.flush()
        return message_id


class FileBackend(SmsBackend):
    """One JSON object a line: ``{"id", "to", "text", "code", "at"}`` (``code`` only for login codes)."""

    def __init__(self, path: str | Path | None = None, **_options):
        self.path = Path(path or getattr(settings, "SMS_FILE_PATH", "") or Path(settings.DATA_DIR) / "sms.jsonl")

    def _append(self, record: dict) -> str:
        record = {"id": uuid.uuid4().hex, **record, "at": timezone.now().isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # the web server and the worker may write at once
            handle.write(line)
            fcntl.flock(handle, fcntl.LOCK_UN)
        return record["id"]

    def send(self, mobile: str, text: str) -> str:
        return self._append({"to": mobile, "text": text})

    def send_code(self, mobile: str, code: str, text: str) -> str:
        return self._append({"to": mobile, "text": text, "code": code})

    def messages(self) -> list[dict]:
        """Every message written so far (tests read them)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def urllib_transport(url: str, data: dict, timeout: float) -> tuple[int, bytes]:
    """POSTs ``data`` form-encoded; returns the HTTP status and body (an error status is not an exception)."""
    body = parse.urlencode(data).encode()
    req = request.Request(url, data=body, method="POST", headers={  # noqa: S310 - a fixed https address
        "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urlerror.HTTPError as exc:
        return exc.code, exc.read()


# Kavenegar's answer codes (return.status) that are worth retrying: the provider could not answer now.
KAVENEGAR_TRANSIENT = {409, 429, 500, 502, 503, 504}
KAVENEGAR_MESSAGES = {
    400: "incomplete parameters", 401: "account deactivated", 402: "operation failed",
    403: "invalid API key", 404: "method not found", 405: "wrong HTTP method", 406: "required parameter missing",
    407: "no access to this information", 409: "server busy, try again", 411: "invalid receptor",
    412: "invalid sender", 413: "message empty or too long", 414: "too many receptors", 417: "invalid date",
    418: "not enough credit", 419: "lists of different lengths", 422: "invalid characters in the message",
    424: "template not found", 426: "this method needs an advanced plan", 428: "code sent by call needs digits",
    431: "token has invalid characters", 432: "no code placeholder in the template",
}


class KavenegarBackend(SmsBackend):
    """Kavenegar (kavenegar.com). Options: ``api_key``, ``sender`` (optional line number), ``otp_template``
    (a verification template whose ``%token`` is the code; empty: codes go as plain messages), ``timeout``,
    ``transport`` (tests)."""

    host = "https://api.kavenegar.com/v1"

    def __init__(self, api_key: str | None = None, sender: str | None = None, otp_template: str | None = None,
                 timeout: float | None = None, transport: Transport | None = None, **_options):
        self.api_key = api_key if api_key is not None else getattr(settings, "KAVENEGAR_API_KEY", "")
        self.sender = sender if sender is not None else getattr(settings, "KAVENEGAR_SENDER", "")
        self.otp_template = (otp_template if otp_template is not None
                             else getattr(settings, "KAVENEGAR_OTP_TEMPLATE", ""))
        self.timeout = timeout or float(getattr(settings, "SMS_TIMEOUT", 10))
        self.transport = transport or urllib_transport
        if not self.api_key:
            raise SmsError("Kavenegar: KAVENEGAR_API_KEY is not set")

    def _url(self, action: str, method: str) -> str:
        return f"{self.host}/{parse.quote(self.api_key, safe='')}/{action}/{method}.json"

    def _call(self, action: str, method: str, data: dict) -> dict:
        where = f"Kavenegar {action}/{method}"  # never the URL: it carries the API key
        try:
            http_status, body = self.transport(self._url(action, method), data, self.timeout)
        except (OSError, TimeoutError) as exc:
            raise SmsTransientError(f"{where}: no answer ({exc.__class__.__name__})") from None
        try:
            answer = json.loads(body.decode("utf-8"))
            status = int(answer["return"]["status"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            error = SmsTransientError if http_status >= 500 else SmsError
            raise error(f"{where}: unreadable answer (HTTP {http_status})", status=http_status) from None
        if status != 200:
            error = SmsTransientError if status in KAVENEGAR_TRANSIENT else SmsError
            reason = KAVENEGAR_MESSAGES.get(status, str(answer["return"].get("message", "")))
            raise error(f"{where}: refused {status} ({reason})", status=status)
        entries = answer.get("entries") or []
        if not entries or "messageid" not in entries[0]:
            raise SmsError(f"{where}: accepted but no message id", status=status)
        return entries[0]

    def send(self, mobile: str, text: str) -> str:
        data = {"receptor": mobile, "message": text}
        if self.sender:
            data["sender"] = self.sender
        return str(self._call("sms", "send", data)["messageid"])

    def send_code(self, mobile: str, code: str, text: str) -> str:
        if not self.otp_template:
            return self.send(mobile, text)
        data = {"receptor": mobile, "token": code, "template": self.otp_template, "type": "sms"}
        return str(self._call("verify", "lookup", data)["messageid"])


def get_backend(path: str | None = None, **options) -> SmsBackend:
    """The backend named by ``path`` or ``settings.SMS_BACKEND`` (default: the file backend)."""
    name = path or getattr(settings, "SMS_BACKEND", "") or "core.sms.FileBackend"
    return import_string(name)(**options)


def send_sms(mobile: str, text: str) -> str:
    """Sends ``text`` to ``mobile`` (09xxxxxxxxx) through the configured backend; returns the message id."""
    return get_backend().send(mobile, text)


def send_login_code(mobile: str, code: str, text: str) -> str:
    """Sends a one-time login code; ``text`` is the whole message for backends without a code service."""
    return get_backend().send_code(mobile, code, text)
