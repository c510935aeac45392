"""Row-level security on the household tables: the second wall behind the application's scopes (DESIGN §4).

The SQL migration (``migrations/0002_beneficiaries_rls_sql.py``) enables and *forces* row-level security on
``beneficiaries_household``, ``beneficiaries_member`` and ``beneficiaries_assessment`` with one policy each:
a row is visible (and may be written) only when its ``center_id`` is in the transaction's setting
``app.center_ids`` (a comma-separated list of ids). No setting, or an empty one, shows nothing.

``apply(connection, center_ids)`` sets that list for the current transaction (``set_config(..., true)``, the
parameterised form of ``SET LOCAL``), so it ends with the transaction and a pooled connection never carries
one request's centers into the next. The services and selectors call ``apply_scope()`` first, which takes the
ids from the django-scopes scope the middleware opened for the request; pages run inside the request's
transaction (``ATOMIC_REQUESTS``), services inside their own ``atomic``. The explicit ``center_id`` filter stays
in every query: the policy is a wall, not the index path.

Who is bound: PostgreSQL exempts superusers always and table owners unless the table is FORCEd. The migration
forces it, so an owner is bound too; a superuser is not. Development and tests connect as the superuser
``postgres`` (the embedded server), so the wall stands but does not bind the app there; the tests prove it by
``SET ROLE charity_app_rls``, the non-owner role the migration creates (NOLOGIN, SELECT/INSERT/UPDATE on the
three tables). **Production must connect as a non-superuser login role that is a member of
``charity_app_rls``** (``GRANT charity_app_rls TO charity_web``), and run migrations as the owner.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django_scopes.state import get_scope

SETTING = "app.center_ids"
APP_ROLE = "charity_app_rls"
TABLES = ("beneficiaries_household", "beneficiaries_member", "beneficiaries_assessment")


def apply(connection, center_ids: Iterable[int]) -> None:
    """Makes exactly ``center_ids`` visible through the row-level security policies for the rest of the
    current transaction (outside a transaction the setting would end with the statement: call it inside
    ``atomic``)."""
    value = ",".join(str(int(pk)) for pk in sorted(set(center_ids)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, value])


def scope_center_ids() -> list[int] | None:
    """The ids of the open django-scopes scope, or None when scopes are disabled (reviewed places only)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    centers = current.get("center", [])
    if centers is None:
        return []
    if not isinstance(centers, (list, tuple, set, frozenset)):
        centers = [centers]
    return [int(getattr(c, "pk", c)) for c in centers]


def apply_scope(*, fallback: Iterable[int] = (), using: str = "default") -> list[int]:
    """Applies the open scope's centers; inside ``scopes_disabled()`` (demo seeding, reviewed commands) it
    applies ``fallback`` (the center a service is writing for), so the write still passes the policy."""
    ids = scope_center_ids()
    if ids is None:
        ids = list(fallback)
    apply(connections[using], ids)
    return ids

# Behind the same policy since migration 0005_socialwork_sql: the history of the tables above (pghistory's
# event tables and the reveal log, which hold names, addresses and blind indexes too) and the social-work
# tables (case notes and their history, referrals and their status changes).
HISTORY_TABLES = ("beneficiaries_householdevent", "beneficiaries_memberevent", "beneficiaries_assessmentevent",
                  "beneficiaries_identifierreveal")
SOCIAL_WORK_TABLES = ("beneficiaries_casenote", "beneficiaries_casenoteevent", "beneficiaries_referral",
                      "beneficiaries_referralstatuschange")
