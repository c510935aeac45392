"""The gateway interface and its small value types."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# (method, url, json body or None, timeout seconds) -> (HTTP status, decoded JSON body).
# Raises ``GatewayError`` when the gateway cannot be reached or answers something that is not JSON.
Transport = Callable[[str, str, "dict | None", float], "tuple[int, dict]"]


class GatewayError(Exception):
    """The gateway could not be reached, or answered something unreadable: try again later."""


@dataclass(frozen=True)
class RequestResult:
    ok: bool
    authority: str = ""
    redirect_url: str = ""
    code: str = ""
    message: str = ""


class CallbackOutcome(StrEnum):
    PAID = "paid"  # the bank says the donor paid: verify it
    CANCELLED = "cancelled"  # the donor cancelled at the bank
    FAILED = "failed"  # the bank declined (card, balance, timeout)


@dataclass(frozen=True)
class CallbackData:
    authority: str
    outcome: CallbackOutcome
    raw: Mapping = field(default_factory=dict)


class VerifyStatus(StrEnum):
    PAID = "paid"  # verified now
    ALREADY = "already"  # verified before (a replay): as good as paid
    NOT_PAID = "not_paid"  # the bank holds no payment for this authority
    AMOUNT_MISMATCH = "amount_mismatch"  # paid, but not the amount we asked for: never posted
    REFUSED = "refused"  # any other refusal (merchant, authority unknown)


@dataclass(frozen=True)
class VerifyResult:
    status: VerifyStatus
    ref_id: str = ""
    card_pan: str = ""
    code: str = ""
    message: str = ""

    @property
    def paid(self) -> bool:
        return self.status in (VerifyStatus.PAID, VerifyStatus.ALREADY)


class Gateway(ABC):
    """One gateway adapter, for one merchant id; ``transport`` does the HTTP."""

    code: str = ""

    def __init__(self, *, merchant_id: str, transport: Transport, base_url: str = "", timeout: float = 15.0):
        self.merchant_id = merchant_id
        self.transport = transport
        self.base_url = base_url.rstrip("/") if base_url else self.default_base_url
        self.timeout = timeout

    default_base_url = ""

    def _post(self, path: str, body: dict) -> tuple[int, dict]:
        status, data = self.transport("POST", self.base_url + path, body, self.timeout)
        if not isinstance(data, dict):
            raise GatewayError(f"{self.code}: unreadable answer (HTTP {status})")
        return status, data

    @abstractmethod
    def request(self, *, amount: int, callback_url: str, description: str, mobile: str = "",
                order_id: str = "") -> RequestResult:
        """Asks the gateway for a payment of ``amount`` rials; raises ``GatewayError`` when unreachable."""

    @abstractmethod
    def parse_callback(self, params: Mapping[str, str]) -> CallbackData | None:
        """The authority and outcome the bank's return carries, or None when the parameters make no sense."""

    @abstractmethod
    def verify(self, *, authority: str, amount: int) -> VerifyResult:
        """Verifies ``authority`` for ``amount`` (always our stored amount); raises ``GatewayError`` when
        unreachable."""
