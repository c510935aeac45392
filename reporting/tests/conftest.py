import pytest
from django.conf import settings

from reporting import runs
from reporting.tests.run_renderers import flaky


@pytest.fixture
def client(client):
    """A browser that chose English with the language switch: page tests read the English source strings, which
    stay the same when the Persian catalog grows (the PDF tests render Persian themselves)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Files go to the test's own media folder (in the test process, and in its workers through MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def renderers():
    """Lets a test install renderers; the real registry comes back afterwards."""
    saved = dict(runs._RENDERERS)
    runs._load_renderers()
    yield runs.register_renderer
    runs._RENDERERS.clear()
    runs._RENDERERS.update(saved)


@pytest.fixture
def flaky_annual(renderers):
    """Annual reports are printed by the test renderer that jams halfway, unless the run is a retry."""
    renderers("annual", flaky)
