import pytest

from payments import sandbox_bank
from payments.gateways import transport

from .helpers import accepting_center


@pytest.fixture
def bank():
    """The sandbox bank reached in-process (same protocol and JSON, no HTTP server)."""
    with transport.override(sandbox_bank.in_process_transport):
        yield sandbox_bank


@pytest.fixture
def giving_center(world):
    return accepting_center(world)
