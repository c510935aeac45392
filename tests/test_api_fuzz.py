"""Schema fuzzing of the REST API from its own OpenAPI document, in-process.

Schemathesis generates requests (valid and invalid) for every operation of the document drf-spectacular
serves at /api/schema/, sends them straight into the Django WSGI application (no network, no server) and
checks each answer: never a 5xx, and the answer matches the document (content type, body schema). It runs
twice: as an anonymous caller, and as a trustee with an API token, so the tenant endpoints answer with data.

Each test item is one operation; the generated requests run inside that item's ``db`` transaction, which is
rolled back afterwards (so a fuzzed ``PATCH /me/`` changes nothing for other tests). django-axes stays on, as
in production: its failure counts live in that transaction too, so which fuzzed logins get locked out (429)
is the same on every run. Generation is derandomized: every run sends the same requests.

The status check (``documented_status_or_json_error``) is schemathesis' own, except that 405/406/415 (about
how a request is sent, not about the operation) pass when answered as JSON errors.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from conftest import TEST_PASSWORD

SCHEMA_URL = "/api/schema/"
OPENAPI_JSON = "application/vnd.oai.openapi+json"


def _openapi_document() -> dict:
    """The document /api/schema/ serves, built by the generator its view uses.

    Schemathesis collects one test per operation when the module is imported, before any database exists,
    so the document cannot come from a request here; ``test_served_schema_is_the_one_fuzzed`` proves the
    served one is the same.
    """
    document = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def _in_test_transaction(app):
    """The WSGI application as Django's test client runs it: the connection survives the request.

    ``WSGIHandler`` sends request_started/request_finished, and ``close_old_connections`` (connected to both)
    closes a connection whose autocommit is off, which is always the case inside the test transaction: the
    next query then fails with "the connection is closed" and every request after the first answers 500.
    ``django.test.Client`` disconnects the receiver for the same reason. The body is read and the response
    closed inside the window, because request_finished fires on close.
    """

    def application(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return application


def _wsgi_application():
    # Imported lazily: loading the middleware warns about STATIC_ROOT, which is only ignored inside tests.
    from config.wsgi import application

    return application


# Answers about the request's form rather than the operation (core.schema documents 400, 401, 403, 404 and
# 429 on each operation): method, accepted type or media type not supported.
GENERIC_ERRORS = {405, 406, 415}


def documented_status_or_json_error(ctx, response, case):
    """Schemathesis' ``status_code_conformance``, tolerant of DRF's generic errors only.

    The document lists each operation's success and its error answers (core.schema.add_error_responses),
    but not 405/406/415, which depend on how a request is sent rather than on the operation; those pass
    only as JSON objects. Any other undocumented answer (a redirect, an unlisted 2xx, an HTML page) fails.
    """
    if str(response.status_code) in case.operation.responses.status_codes:
        return None
    assert response.status_code in GENERIC_ERRORS, (
        f"Undocumented status {response.status_code}; documented: {', '.join(case.operation.responses.status_codes)}"
    )
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (
        f"{response.status_code} answered with {content_type!r}, not DRF's JSON error"
    )
    assert isinstance(response.json(), dict), f"{response.status_code} body is not a JSON object"
    return None


CHECKS = [
    not_a_server_error,
    documented_status_or_json_error,
    # Both skip answers whose status is not documented, so they hold every 200 to the document.
    content_type_conformance,
    response_schema_conformance,
]

FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same requests on every run, locally and in CI
    database=None,
    # The `db` transaction and the token are shared by an operation's generated requests on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app(db):
    return _in_test_transaction(_wsgi_application())


@pytest.fixture
def trustee_token(world):
    """A trustee of one center, with a second center and its trustee they must not see."""
    user = world.trustee(world.center())
    world.trustee(world.center())
    return Token.objects.create(user=user).key


@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous(case, app):
    case.call_and_validate(app=app, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_trustee_with_token(case, app, trustee_token):
    # Overrides any Authorization header generated from the document's tokenAuth scheme.
    case.call_and_validate(app=app, checks=CHECKS, headers={"Authorization": f"Token {trustee_token}"})


@pytest.mark.django_db
def test_served_schema_is_the_one_fuzzed(client):
    response = client.get(SCHEMA_URL, HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    assert response.json() == DOCUMENT


def test_token_lockout_is_not_a_server_error(world, settings):
    """With django-axes on (as in production), a username's fifth bad password locks it out: 429, not a 500."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    user = world.user()
    client = _werkzeug_client()

    def sign_in(password):
        return client.post("/api/v1/auth/token/", json={"username": user.username, "password": password})

    assert [sign_in("wrong").status_code for _ in range(5)] == [400, 400, 400, 400, 429]
    locked = sign_in(TEST_PASSWORD)  # even the right password, while locked out
    assert locked.status_code == 429
    assert locked.mimetype == "application/json"
    assert set(locked.get_json()) == {"detail"}


def _werkzeug_client():
    from werkzeug.test import Client

    return Client(_in_test_transaction(_wsgi_application()))
