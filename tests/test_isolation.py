"""Tenant isolation, proven over every view and every API endpoint there is.

The walker reads the URL configuration itself, so each view a later issue adds is visited too. A URL that
takes an object (``center_slug``, ``pk``, ...) is requested with the *foreign* center's object: an outsider
must get 404, an anonymous visitor 404 or the login page. A URL that takes none must not show anything
of the foreign center. A new URL keyword or API endpoint that this module does not know fails the test
until its foreign value is registered below, so nobody can add a view without an outsider test.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import BoardRole, TrusteeAppointment
from config.api_urls import router
from conftest import login

pytestmark = pytest.mark.django_db

# URL namespaces tested elsewhere in this module (admin, API) or serving no data (static files, i18n).
SKIPPED_PREFIXES = ("admin:", "api-", "set_language", "javascript-catalog", "core:healthz")
SKIPPED_ROUTES = ("api/", "admin/", "static/", "media/")

# URL keywords that do not name a tenant object, with a harmless value.
NEUTRAL_KWARGS = {"uidb64": "MQ", "token": "set-password", "tracking_code": "NOSUCHCODE"}
NEUTRAL_KWARGS["receipt_code"] = "NOSUCHRECEIPTCODE"  # receipts: the public verification page's code
# payments: the donor's payment code, the sandbox bank's authority and API operation
NEUTRAL_KWARGS.update({"public_id": "NOSUCHPAYMENT", "authority": "NOSUCHAUTHORITY", "operation": "nosuch"})
# reporting: a Jalali month of the center named by its slug (the slug decides whose it is)
NEUTRAL_KWARGS.update({"year": 1404, "month": 1})

# Public pages that show a center to anyone by its slug (the donation page) or a payment by its unguessable
# code (the bank's callback, the donor's result page). The walks still visit them as everyone: they must never
# answer 500 nor show anything of a foreign center beyond its public name; their own tests cover the rest.
PUBLIC_VIEWS = {"payments:donate", "payments:callback", "payments:result"}

# Views public by design: they show a listed center's public profile (name, place, campaigns, figures) to
# anyone, so they answer 200 for the foreign center too; nothing else of it (trustees, donors, gifts,
# households) may appear there. Walked with the foreign center's values like every other view.
PUBLIC_VIEWS |= {"public:center-directory", "public:center-page", "public:campaign-page", "public:occasions"}


def _walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            kwargs = set(entry.pattern.regex.groupindex) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            yield f"{namespace}{entry.name}", route, kwargs


def portal_views():
    """(name, route, kwargs) of every named view of the portal outside the admin and the API."""
    seen = set()
    for name, route, kwargs in _walk(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES) or route.startswith(SKIPPED_ROUTES) or name in seen:
            continue
        seen.add(name)
        yield name, route, kwargs


class Worlds:
    """Two centers in two provinces: "mine" with its trustee, "theirs" with a board the outsider must not see."""

    def __init__(self, world):
        self.mine = world.center(name="مرکز نیکوکاری خودی")
        self.theirs = world.center(name="مرکز نیکوکاری بیگانه", slug="foreign-center",
                                   county=world.county("تهران", "تهران"))
        self.insider = world.trustee(self.mine, BoardRole.CHAIR)
        self.foreign_trustee = world.trustee(self.theirs, BoardRole.CHAIR,
                                             user=world.user(first_name="نام‌محرمانه", last_name="بیگانه"))
        self.outsider_supervisor = world.supervisor(level="province")  # Isfahan: "theirs" is in Tehran
        with scopes_disabled():
            self.foreign_appointment = TrusteeAppointment.objects.get(center=self.theirs)
        # What must never appear in an outsider's page or API answer.
        self.secrets = [self.theirs.name, self.theirs.slug, "نام‌محرمانه"]
        # URL keyword -> the foreign center's value.
        self.foreign_kwargs = {"center_slug": self.theirs.slug}
        # API basename -> the foreign object's pk, for each tenant endpoint.
        self.foreign_api_objects = {"center": self.theirs.pk, "appointment": self.foreign_appointment.pk}
        # lifecycle
        import datetime

        from centers.models import CenterTransition, License

        with scopes_disabled():
            foreign_license = License.objects.create(center=self.theirs, activity_code="RC-SECRET-1",
                                                     valid_from=datetime.date(2025, 3, 21),
                                                     valid_until=datetime.date(2027, 3, 20))
            foreign_transition = CenterTransition.objects.create(center=self.theirs, name="license",
                                                                 from_status="review", to_status="licensed",
                                                                 reason="دلیل‌محرمانه")
        self.foreign_api_objects.update({"license": foreign_license.pk, "center-transition": foreign_transition.pk,
                                         "center-lifecycle": self.theirs.pk})
        self.secrets += ["RC-SECRET-1", "دلیل‌محرمانه"]
        # board
        from centers.models import BoardChangeRequest, PersonFile, Volunteer

        with scopes_disabled():
            change = BoardChangeRequest.objects.create(center=self.theirs, requested_by=self.foreign_trustee,
                                                       status="submitted", reason="دلیل‌محرمانه")
            volunteer = Volunteer.objects.create(center=self.theirs, name="داوطلب‌محرمانه", gender="female",
                                                 since="2024-04-01")
            person_file = PersonFile.objects.create(center=self.theirs, volunteer=volunteer)
            document = person_file.documents.create(center=self.theirs, title="سند‌محرمانه", file="x.pdf")
        self.secrets += ["دلیل‌محرمانه", "داوطلب‌محرمانه", "سند‌محرمانه"]
        self.foreign_kwargs.update({"change_pk": change.pk, "appointment_pk": self.foreign_appointment.pk,
                                    "volunteer_pk": volunteer.pk, "file_pk": person_file.pk,
                                    "person_document_pk": document.pk})
        self.foreign_api_objects.update({"board-change-request": change.pk, "volunteer": volunteer.pk,
                                         "appointment-letter": self.foreign_appointment.pk})
        # URL keyword -> the insider's own value (their center's objects), for the insider's walk.
        self.own_kwargs = {"center_slug": self.mine.slug}
        # supervision
        from centers.tests.supervision_objects import supervision_objects

        own = supervision_objects(self.mine, self.insider)
        foreign = supervision_objects(self.theirs, self.foreign_trustee)
        self.own_kwargs.update(own.url_kwargs)
        self.foreign_kwargs.update(foreign.url_kwargs)
        self.foreign_api_objects.update(foreign.api_objects)
        self.secrets += foreign.secrets
        # stock
        from contributions.tests.test_stock import stock_objects

        own_stock, foreign_stock = stock_objects(self.mine), stock_objects(self.theirs)
        self.own_kwargs.update(own_stock["url_kwargs"])
        self.foreign_kwargs.update(foreign_stock["url_kwargs"])
        self.foreign_api_objects.update(foreign_stock["api_objects"])
        self.secrets.append(foreign_stock["secret"])
        # receipts
        from django.utils import timezone

        from contributions.models import Contribution, Purpose, Receipt
        from donors.models import Donor, DonorLink

        with scopes_disabled():
            receipts = {}
            for key, center, name in (("own", self.mine, "خیر‌خودی"), ("foreign", self.theirs, "خیر‌محرمانه")):
                donor = Donor.objects.create(organization=center.organization, first_name=name, last_name="نیک")
                DonorLink.objects.create(center=center, donor=donor)
                gift = Contribution.objects.create(
                    center=center, donor=donor, purpose=Purpose.objects.get(code="general"), amount=1000,
                    received_on=datetime.date(2025, 5, 1), status="confirmed", confirmed_at=timezone.now())
                receipts[key] = (donor, Receipt.objects.create(
                    center=center, contribution=gift, jalali_year=1404, number=1, issued_at=timezone.now(),
                    verification_code=("0000000000000001" if key == "own" else "0000000000000002")))
        self.secrets += ["خیر‌محرمانه"]
        self.own_kwargs.update({"receipt_id": receipts["own"][1].pk, "donor_id": receipts["own"][0].pk})
        self.foreign_kwargs.update({"receipt_id": receipts["foreign"][1].pk, "donor_id": receipts["foreign"][0].pk})
        self.foreign_api_objects.update({"receipt": receipts["foreign"][1].pk})
        # pledges
        from contributions.tests.test_pledges import pledge_objects

        own_pledge = pledge_objects(self.mine, world.relief, "تعهد خودی")
        foreign_pledge = pledge_objects(self.theirs, world.relief, "تعهد‌محرمانه")
        self.own_kwargs["pledge_id"] = own_pledge.pk
        self.foreign_kwargs["pledge_id"] = foreign_pledge.pk
        self.foreign_api_objects["pledge"] = foreign_pledge.pk
        self.secrets += ["تعهد‌محرمانه"]
        # contributions: gifts and campaigns
        from contributions.models import Campaign, Contribution, Purpose

        with scopes_disabled():
            general = Purpose.objects.get(code="general")
            own_gift = Contribution.objects.create(center=self.mine, purpose=general, amount=1_000,
                                                   received_on=datetime.date(2025, 5, 1))
            foreign_gift = Contribution.objects.create(center=self.theirs, purpose=general, amount=7_777,
                                                       received_on=datetime.date(2025, 5, 1), note="هدیه‌محرمانه")
        own_campaign = Campaign.objects.create(organization=self.mine.organization, occasion="ramadan",
                                               name="کارزار خودی", starts_on=datetime.date(2025, 3, 1),
                                               ends_on=datetime.date(2025, 3, 30))
        own_campaign.centers.add(self.mine)
        foreign_campaign = Campaign.objects.create(organization=self.theirs.organization, occasion="nowruz",
                                                   name="کارزار‌محرمانه", starts_on=datetime.date(2025, 3, 1),
                                                   ends_on=datetime.date(2025, 3, 30))
        foreign_campaign.centers.add(self.theirs)
        self.secrets += ["هدیه‌محرمانه", "کارزار‌محرمانه"]
        # public pages (issue 6): the center's public page is found by its slug; its name and campaigns are public
        self.foreign_kwargs["slug"] = self.theirs.slug
        self.public_facts = {self.theirs.name, self.theirs.slug, "کارزار‌محرمانه"}
        self.foreign_kwargs.update({"contribution_id": foreign_gift.pk, "campaign_id": foreign_campaign.pk})
        self.own_kwargs.update({"contribution_id": own_gift.pk, "campaign_id": own_campaign.pk})
        self.foreign_api_objects.update({"contribution": foreign_gift.pk})
        # beneficiaries
        from beneficiaries.tests.helpers import isolation_objects

        own_household = isolation_objects(self.mine, self.insider, head_name="سرپرست‌خودی",
                                          evidence="شاهد خودی", code_seed=41)
        foreign_household = isolation_objects(self.theirs, self.foreign_trustee, head_name="سرپرست‌محرمانه",
                                              evidence="شاهد‌محرمانه", code_seed=42)
        self.own_kwargs["household_id"] = own_household["household_id"]
        self.foreign_kwargs["household_id"] = foreign_household["household_id"]
        self.foreign_api_objects.update(foreign_household["api"])
        self.secrets += ["سرپرست‌محرمانه", "شاهد‌محرمانه", foreign_household["code"]]
        # aid distribution and dowry cases (beneficiaries)
        from beneficiaries.tests.distribution_helpers import isolation_objects as aid_objects

        own_aid = aid_objects(self.mine, self.insider, own_household["household_id"], secret="کمک خودی")
        foreign_aid = aid_objects(self.theirs, self.foreign_trustee, foreign_household["household_id"],
                                  secret="کمک‌محرمانه")
        self.own_kwargs.update(own_aid["url_kwargs"])
        self.foreign_kwargs.update(foreign_aid["url_kwargs"])
        self.foreign_api_objects.update(foreign_aid["api_objects"])
        self.secrets.append("کمک‌محرمانه")
        # loans and plans
        from beneficiaries.tests.loan_helpers import loan_objects

        own_loan = loan_objects(self.mine, self.insider, own_household["household_id"], note="وام خودی")
        foreign_loan = loan_objects(self.theirs, self.foreign_trustee, foreign_household["household_id"],
                                    note="وام‌محرمانه")
        self.own_kwargs.update(own_loan["url"])
        self.foreign_kwargs.update(foreign_loan["url"])
        self.foreign_api_objects.update(foreign_loan["api"])
        self.secrets += foreign_loan["secrets"]
        # social work (case notes and referrals on those households)
        from beneficiaries.tests.test_socialwork import socialwork_objects

        own_sw = socialwork_objects(self.mine, self.insider, own_household["household_id"], secret="یادداشت خودی")
        foreign_sw = socialwork_objects(self.theirs, self.foreign_trustee, foreign_household["household_id"],
                                        secret="یادداشت‌محرمانه")
        self.own_kwargs.update(own_sw["url_kwargs"])
        self.foreign_kwargs.update(foreign_sw["url_kwargs"])
        self.foreign_api_objects.update(foreign_sw["api_objects"])
        self.secrets.append("یادداشت‌محرمانه")
        # sponsorships and the household register import (beneficiaries)
        from beneficiaries.models import HouseholdImport
        from beneficiaries.tests.test_sponsorships import sponsorship_objects

        self.own_kwargs["sponsorship_id"] = sponsorship_objects(self.mine, self.insider, own_household["household_id"],
                                                                "خبر خودی")
        self.foreign_kwargs["sponsorship_id"] = sponsorship_objects(self.theirs, self.foreign_trustee,
                                                                    foreign_household["household_id"], "خبر‌محرمانه")
        self.foreign_api_objects["sponsorship"] = self.foreign_kwargs["sponsorship_id"]
        with scopes_disabled():
            own_import, foreign_import = (HouseholdImport.objects.create(
                center=c, upload=b"", status="done", error_file=b"PK", filename=f"{c.slug}-register.xlsx",
                requested_by=u) for c, u in ((self.mine, self.insider), (self.theirs, self.foreign_trustee)))
        self.own_kwargs["household_import_id"] = own_import.pk
        self.foreign_kwargs["household_import_id"] = foreign_import.pk
        self.secrets += ["خبر‌محرمانه"]
        # donors
        from donors.models import Donor, DonorLink

        with scopes_disabled():
            own_donor = Donor.objects.create(organization=self.mine.organization, first_name="خیر", last_name="خودی")
            DonorLink.objects.create(center=self.mine, donor=own_donor)
            foreign_donor = Donor.objects.create(organization=self.theirs.organization, first_name="خیر",
                                                 last_name="محرمانه‌بیگانه", mobile="09130000001")
            DonorLink.objects.create(center=self.theirs, donor=foreign_donor)
        self.own_kwargs["donor_id"] = own_donor.pk
        self.foreign_kwargs["donor_id"] = foreign_donor.pk
        from donors.models import ImportRun

        with scopes_disabled():
            own_run, foreign_run = (ImportRun.objects.create(center=c, kind="donors", upload=b"x", status="rejected",
                                                             error_file=b"PK", filename=f"{c.slug}.xlsx")
                                    for c in (self.mine, self.theirs))
        self.own_kwargs["import_id"] = own_run.pk
        self.foreign_kwargs["import_id"] = foreign_run.pk
        self.foreign_api_objects["donor"] = foreign_donor.pk
        self.secrets += ["محرمانه‌بیگانه", "09130000001"]
        # the province's central account (contributions)
        from contributions.tests.central_objects import central_allocation

        self.foreign_api_objects["central-allocation"] = central_allocation(self.theirs, secret="مصوبه‌محرمانه").pk
        self.secrets += ["مصوبه‌محرمانه"]
        # payments
        from payments.tests.helpers import isolation_objects as payment_objects

        foreign_payment = payment_objects(self.theirs, secret="پرداخت‌محرمانه")
        self.foreign_api_objects.update(foreign_payment["api"])
        self.secrets.append(foreign_payment["secret"])
        # social-health bases (an agreement at the foreign center; its pages are 404 for outsiders)
        from bases.tests.helpers import isolation_objects as base_objects

        foreign_base = base_objects(self.theirs, self.foreign_trustee, secret="پایگاه‌محرمانه")
        self.foreign_kwargs.update(foreign_base["url_kwargs"])
        self.foreign_api_objects.update(foreign_base["api"])
        self.secrets += foreign_base["secrets"]
        # community (neighbourhood work of a base)
        from community.tests.helpers import isolation_objects as community_objects

        own_community = community_objects(self.mine, self.insider, secret="کار محله خودی")
        foreign_community = community_objects(self.theirs, self.foreign_trustee, secret="محله‌محرمانه")
        self.own_kwargs.update(own_community["url_kwargs"])
        self.foreign_kwargs.update({**foreign_community["url_kwargs"], "harm_id": foreign_community["harm_id"]})
        self.foreign_api_objects.update(foreign_community["api"])
        self.secrets += ["محله‌محرمانه"]
        # memoranda (not tenant-owned): a Tehran memorandum the Isfahan supervisor must not see
        from memoranda.tests.helpers import memorandum_in

        memorandum_in(self.theirs.county.province, subject="تفاهم‌نامه‌محرمانه", organization=world.relief)
        self.secrets += ["تفاهم‌نامه‌محرمانه"]
        # donor_portal: a donor's own receipt and pledge pages (/my/); the walker has no donor session, so the
        # foreign receipt and pledge must be 404 to trustees, supervisors and anonymous visitors alike
        self.foreign_kwargs.update({"donor_receipt_id": receipts["foreign"][1].pk,
                                    "donor_pledge_id": foreign_pledge.pk})
        # reporting: a report run of the foreign center (its pages are 404 to outsiders, also under their own
        # center's slug); the insider's own run pages are tested in reporting/tests/test_run_pages.py
        from reporting.models import ReportRun

        foreign_run = ReportRun.objects.create(kind="annual", scope_level="center", scope_id=self.theirs.pk,
                                               center=self.theirs, county=self.theirs.county,
                                               province=self.theirs.county.province, period="1403",
                                               status="failed", error="خطای‌محرمانه")
        self.foreign_kwargs["run_id"] = foreign_run.pk
        self.secrets.append("خطای‌محرمانه")


@pytest.fixture
def worlds(world):
    return Worlds(world)


def _url(worlds, name, kwargs):
    unknown = kwargs - set(worlds.foreign_kwargs) - set(NEUTRAL_KWARGS)
    assert not unknown, (f"{name} takes {unknown}: register the foreign center's value for it in "
                         "tests/test_isolation.py (Worlds.foreign_kwargs) so its outsider test runs")
    values = {k: worlds.foreign_kwargs.get(k, NEUTRAL_KWARGS.get(k)) for k in kwargs}
    return reverse(name, kwargs=values or None), bool(kwargs & set(worlds.foreign_kwargs))


def _assert_no_secret(worlds, response, where, *, public=False):
    # The page may echo the address the visitor typed (the language switch returns to it): that is theirs.
    body = response.content.decode(errors="replace").replace(where, "")
    for secret in worlds.secrets:
        if public and secret in worlds.public_facts:  # a public page may name the center it is about
            continue
        assert secret not in body, f"{where} shows {secret!r} of another center"


def test_the_walker_finds_the_portal_views():
    names = {name for name, _route, _kwargs in portal_views()}
    assert {"core:home", "centers:dashboard", "centers:center-detail", "accounts:login"} <= names


@pytest.mark.parametrize("who", ["trustee", "supervisor"])
def test_outsider_gets_404_for_every_view_of_a_foreign_object(client, worlds, who):
    user = worlds.insider if who == "trustee" else worlds.outsider_supervisor
    for name, _route, kwargs in portal_views():
        login(client, user)  # again each time: the walk passes the sign-out view too
        url, names_foreign_object = _url(worlds, name, kwargs)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code != 500, url
        if name in PUBLIC_VIEWS:
            assert response.status_code in (200, 404), url
        elif names_foreign_object:
            assert response.status_code == 404, f"{who} outsider got {response.status_code} at {url}"
        _assert_no_secret(worlds, response, url, public=name in PUBLIC_VIEWS)


def test_anonymous_visitor_gets_404_or_the_login_page_everywhere(client, worlds):
    for name, _route, kwargs in portal_views():
        url, names_foreign_object = _url(worlds, name, kwargs)
        response = client.get(url)
        assert response.status_code != 500, url
        if name in PUBLIC_VIEWS:
            assert response.status_code in (200, 404), url
        elif names_foreign_object:
            assert response.status_code in (302, 404), url
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), url
        _assert_no_secret(worlds, response, url, public=name in PUBLIC_VIEWS)


def test_insider_reaches_their_own_centers_views(client, worlds):
    for name, _route, kwargs in portal_views():
        login(client, worlds.insider)
        # Pages of one object inside the center need the insider's own object: areas that register one in
        # own_kwargs get this walk; the others test their object pages in their own modules.
        if (kwargs & set(worlds.foreign_kwargs) and kwargs <= {*worlds.own_kwargs, *NEUTRAL_KWARGS}
                and name not in PUBLIC_VIEWS):
            url = reverse(name, kwargs={k: worlds.own_kwargs.get(k, NEUTRAL_KWARGS.get(k)) for k in kwargs})
            assert client.get(url).status_code == 200, url


def _api_endpoints():
    yield from router.registry


def _is_tenant(viewset) -> bool:
    return hasattr(viewset, "tenant_queryset")


@pytest.mark.parametrize("who", ["trustee", "supervisor"])
def test_api_never_returns_a_foreign_object(client, worlds, who):
    user = worlds.insider if who == "trustee" else worlds.outsider_supervisor
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    for prefix, viewset, basename in _api_endpoints():
        listing = client.get(f"/api/v1/{prefix}/", **headers)
        assert listing.status_code == 200, prefix
        for item in listing.json()["results"]:
            if _is_tenant(viewset):
                assert "center" in item, f"{prefix} items must carry their center"
                assert item["center"] != worlds.theirs.pk, f"{prefix} lists a foreign object"
        _assert_no_secret(worlds, listing, prefix)
        if _is_tenant(viewset):
            assert basename in worlds.foreign_api_objects, (
                f"register the foreign object of API endpoint {basename!r} in tests/test_isolation.py")
            detail = client.get(f"/api/v1/{prefix}/{worlds.foreign_api_objects[basename]}/", **headers)
            assert detail.status_code == 404, f"{prefix}: {detail.status_code}"


def test_api_answers_anonymous_callers_401_on_tenant_endpoints(client, worlds):
    for prefix, viewset, basename in _api_endpoints():
        response = client.get(f"/api/v1/{prefix}/")
        if _is_tenant(viewset):
            assert response.status_code == 401, prefix
            detail = client.get(f"/api/v1/{prefix}/{worlds.foreign_api_objects[basename]}/")
            assert detail.status_code == 401, prefix
        _assert_no_secret(worlds, response, prefix)


def test_a_token_of_another_center_gets_404_not_403(client, worlds):
    token = Token.objects.create(user=worlds.insider).key
    response = client.get(f"/api/v1/centers/{worlds.theirs.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}  # the same answer as a missing object
    missing = client.get("/api/v1/centers/999999999/", HTTP_AUTHORIZATION=f"Token {token}")
    assert missing.json() == response.json()


def test_admin_hides_foreign_centers_from_an_outsider_supervisor(client, worlds):
    login(client, worlds.outsider_supervisor)
    changelist = client.get(reverse("admin:centers_center_changelist"))
    assert changelist.status_code == 200
    _assert_no_secret(worlds, changelist, "admin center list")
    for url in (reverse("admin:centers_center_change", args=[worlds.theirs.pk]),
                reverse("admin:centers_trusteeappointment_change", args=[worlds.foreign_appointment.pk])):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404)
        _assert_no_secret(worlds, response, url)


def test_admin_is_closed_to_trustees_and_to_supervisors_without_second_factor(client, worlds):
    login(client, worlds.insider)
    assert client.get(reverse("admin:index")).status_code == 302
    client.logout()
    login(client, worlds.outsider_supervisor, verified=False)
    assert client.get(reverse("admin:index")).status_code == 302
