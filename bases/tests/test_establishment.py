"""Establishing a base: the seed's documents and the NGO's qualifications are checked, a welfare supervisor
over the county decides, and approval founds a licensed base run by the NGO, chaired by its representative."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from bases.admin import establishment as establishment_admin
from bases.models import BaseApplication, BaseOperator, Ngo, NgoStaff
from bases.services import establishment as services
from centers import access
from centers.models import BoardRole, Center, License, TrusteeAppointment
from centers.services.lifecycle import center_operating_problem
from conftest import login

from . import helpers

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test document"


def _actor(user):
    return access.actor_for(user, second_factor_passed=True)


def _docs(*kinds):
    return [services.DocumentInput(kind=k, file=SimpleUploadedFile(f"{k}.pdf", PDF)) for k in kinds]


def _apply(bw, documents=("ngo_license", "local_activity", "staff_list"), ngo=None):
    rep = bw.world.user(first_name="نماینده")
    return services.application_submit(actor=_actor(bw.county_supervisor), ngo=ngo or bw.ngo,
                                       county=bw.world.county(), base_name="پایگاه سلامت اجتماعی نو",
                                       representative=rep, documents=_docs(*documents))


def test_approval_founds_a_licensed_base_run_by_the_ngo(bw):
    application = _apply(bw)
    center = services.application_approve(actor=_actor(bw.county_supervisor), application=application)
    application.refresh_from_db()
    assert application.status == BaseApplication.Status.APPROVED and application.center == center
    with scopes_disabled():
        center = Center.objects.get(pk=center.pk)
        assert (center.kind, center.status, center.organization.code) == ("social_health_base", "licensed",
                                                                           "welfare")
        assert License.objects.filter(center=center).exists()
        assert BaseOperator.objects.get(center=center).ngo == bw.ngo
        assert TrusteeAppointment.objects.get(center=center, role=BoardRole.CHAIR).user == application.representative
    # Founded but without an agreement: it may not operate yet.
    with scope(center=[center.pk]):
        assert "no agreement in force" in str(center_operating_problem(center))


def test_approval_is_refused_while_a_document_is_missing(bw):
    application = _apply(bw, documents=("ngo_license",))
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=_actor(bw.county_supervisor), application=application)
    text = " ".join(refused.value.messages)
    assert "record of social activity" in text and "staff" in text
    assert BaseApplication.objects.get(pk=application.pk).status == BaseApplication.Status.SUBMITTED


def test_approval_is_refused_for_an_unlicensed_ngo_without_staff(bw):
    with scopes_disabled():
        other = helpers.ngo(bw.world.county(), name="سمن بی‌مجوز", licensed=False)
        NgoStaff.objects.filter(ngo=other).update(active=False)
    application = _apply(bw, ngo=other)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(actor=_actor(bw.county_supervisor), application=application)
    text = " ".join(refused.value.messages)
    assert "no license from the welfare organisation" in text and "no active staff" in text


def test_a_document_whose_content_is_not_its_type_is_refused(bw):
    with pytest.raises(ValidationError):
        services.application_submit(
            actor=_actor(bw.county_supervisor), ngo=bw.ngo, county=bw.world.county(), base_name="پایگاه",
            representative=bw.chair,
            documents=[services.DocumentInput(kind="ngo_license", file=SimpleUploadedFile("x.pdf", b"MZ..."))])


def test_only_a_welfare_supervisor_over_the_county_decides(bw):
    application = _apply(bw)
    for user in (bw.relief_supervisor, bw.foreign_supervisor, bw.chair):
        with pytest.raises(PermissionDenied):
            services.application_approve(actor=_actor(user), application=application)
    with pytest.raises(ValidationError) as no_reason:
        services.application_reject(actor=_actor(bw.county_supervisor), application=application, note="")
    assert no_reason.value.code == "reason_required"
    services.application_reject(actor=_actor(bw.county_supervisor), application=application, note="مدارک ناقص")
    with pytest.raises(ValidationError) as again:
        services.application_approve(actor=_actor(bw.county_supervisor), application=application)
    assert again.value.code == "application_decided"


def test_the_application_waits_in_the_welfare_supervisors_queue(bw, client):
    application = _apply(bw)
    items = establishment_admin.approval_items(_actor(bw.county_supervisor))
    assert [i["url"] for i in items] == [reverse("admin:bases_baseapplication_change", args=[application.pk])]
    assert establishment_admin.approval_items(_actor(bw.relief_supervisor)) == []
    assert establishment_admin.approval_items(_actor(bw.foreign_supervisor)) == []
    login(client, bw.county_supervisor)
    page = client.get(reverse("admin:approvals"))
    assert page.status_code == 200
    assert "پایگاه سلامت اجتماعی نو" in page.content.decode()


def test_approve_from_the_admin_action(bw, client):
    application = _apply(bw)
    login(client, bw.county_supervisor)
    url = reverse("admin:bases_baseapplication_changelist")
    form = client.post(url, {"action": "approve_establishment", "_selected_action": [application.pk]})
    assert form.status_code == 200
    done = client.post(url, {"action": "approve_establishment", "_selected_action": [application.pk], "apply": "1",
                             "note": ""}, follow=True)
    assert done.status_code == 200
    assert BaseApplication.objects.get(pk=application.pk).status == BaseApplication.Status.APPROVED


def test_an_ngo_legal_entity_id_is_validated_and_normalised(world):
    ngo = Ngo(name="سمن", legal_entity_id="۱۰۱۰۰۰۰۰۰۰۱", registration_number="1", county=world.county())
    with pytest.raises(ValidationError) as bad:
        ngo.full_clean()
    assert "legal_entity_id" in bad.value.message_dict
    good = helpers.legal_id()
    persian = good.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    ngo = Ngo(name="سمن", legal_entity_id=persian, registration_number="1", county=world.county())
    ngo.full_clean()
    assert ngo.legal_entity_id == good
