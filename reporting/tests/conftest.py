import pytest
from django.conf import settings


@pytest.fixture
def client(client):
    """A browser that chose English with the language switch: page tests read the English source strings, which
    stay the same when the Persian catalog grows (the PDF tests render Persian themselves)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
