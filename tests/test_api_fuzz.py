import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_scopes import scope
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.filterwarnings("ignore:No directory at")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

with scope(center=[]):
    RAW = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
config = schemathesis.Config.from_dict({"seed": 1, "generation": {"max-examples": 25, "database": "none"}})
schema = schemathesis.openapi.from_dict(RAW, config=config)


def in_test_transaction(app):
    def wrapped(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                result.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
    return wrapped


from config.wsgi import application  # noqa

schema.app = in_test_transaction(application)


@pytest.fixture(autouse=True)
def _axes(settings):
    settings.AXES_ENABLED = False


@pytest.fixture
def token(world):
    user = world.trustee(world.center())
    return Token.objects.create(user=user).key


@schema.parametrize()
@pytest.mark.django_db
def test_anonymous(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
def test_trustee(case, token):
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {token}"})
