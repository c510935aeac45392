"""Payment gateways behind one small interface (``base.Gateway``): ``request`` (amount → authority and the
bank's address to send the donor to), ``parse_callback`` (the bank's return parameters → authority and
outcome) and ``verify`` (authority and *our* amount → paid or not). Each adapter speaks its gateway's JSON
protocol through an injected HTTP transport (a callable), so the protocol is tested without a network.
"""

from .base import CallbackData, Gateway, GatewayError, RequestResult, VerifyResult  # noqa: F401
from .registry import gateway_for  # noqa: F401
