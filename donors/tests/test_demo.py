"""The demo donors: about thirty valid donors linked to the demo centers, an obvious duplicate pair, and
running the demo twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from centers.models import Center
from core.validators import normalize_legal_entity_id, normalize_national_code
from donors import services
from donors.models import Donor, DonorLink

pytestmark = pytest.mark.django_db


def test_demo_donors_are_valid_linked_and_include_a_duplicate(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        donors = list(Donor.objects.all())
        counts = (len(donors), DonorLink.objects.count())
        jame = Center.objects.get(slug="isf-jame")
    assert 28 <= len(donors) <= 40
    assert {d.kind for d in donors} == {"person", "legal"}
    for donor in donors:
        if donor.national_code:
            assert normalize_national_code(donor.national_code) == donor.national_code
        if donor.legal_entity_id:
            assert normalize_legal_entity_id(donor.legal_entity_id) == donor.legal_entity_id
    with scope(center=[jame.pk]):
        groups = services.duplicate_candidates(jame)
    assert {g.reason for g in groups} >= {"mobile", "name"}
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert (Donor.objects.count(), DonorLink.objects.count()) == counts
