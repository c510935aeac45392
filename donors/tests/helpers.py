"""Helpers other apps' tests use with donors."""

from django.conf import settings
from django.core import signing


def login_donor(client, donor):
    """Signs ``donor`` in on the donors' own pages (``/my/``) as a verified SMS code would: the signed identity
    (their mobile) in a fresh session (donor_portal.services.session_login)."""
    from donor_portal.services import SESSION_KEY, SESSION_SALT

    assert donor.mobile, "a donor signs in with their mobile"
    session = client.session
    session[SESSION_KEY] = signing.dumps({"mobile": donor.mobile}, salt=SESSION_SALT)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
