from django_scopes import scope
from drf_spectacular import generators


class SchemaGenerator(generators.SchemaGenerator):
    """Generates the OpenAPI document inside an empty tenant scope: filters introspect scoped managers, and
    the schema describes shapes, never data (so the deploy check and ``manage.py spectacular`` work too)."""

    def get_schema(self, request=None, public=False):
        with scope(center=[]):
            return super().get_schema(request=request, public=public)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Field name (or `detail` / `non_field_errors`) → translated messages.",
    "additionalProperties": {},
}


def add_error_responses(result, generator, request, public):
    """Documents the error answers every operation can give (drf-spectacular lists only the success):
    400 with field messages, 401/403 for secured operations, 404 (also for an object of another center,
    the same answer as a missing one), 429 when sign-in is locked out."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    components["ValidationError"] = VALIDATION_ERROR_SCHEMA

    def answer(description, name):
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", answer("Bad input", "ValidationError"))
            responses.setdefault("404", answer("Not found, or not yours to see", "Error"))
            if {} not in operation.get("security", [{}]):
                responses.setdefault("401", answer("Not signed in", "Error"))
                responses.setdefault("403", answer("Not permitted", "Error"))
            if path.endswith("/auth/token/"):
                responses.setdefault("429", answer("Too many failed attempts: locked for an hour", "Error"))
    return result
