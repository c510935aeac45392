"""No public or donor-facing page, and no API answer reachable without trustee rights, contains a beneficiary's name,
national code, mobile or address (issue 5, "What it must show"; DESIGN §8: donors and the public see aggregates
only, a sponsorship shows an anonymised profile).

How it works: ``seed_demo`` builds the demo province (households, members, sponsorships with notes, donors,
pledges, receipts, complaints...). The secrets are then read from the demo households themselves — every person's
full name, every national code and mobile decrypted (Latin and Persian digits, and masked), every address — so a
household added to the demo later is covered without touching this file. Then:

1. every named URL of the portal (walked from the URL resolver, like ``tests/test_isolation.py``; the admin is
   for supervisors and is left out) is requested by an anonymous visitor and by a signed-in donor, with every
   keyword filled from the demo data (each center's slug, a real receipt's code, a real complaint's tracking
   code, the ids of a demo household, pledge, donor, sponsorship...);
2. every path under ``/api/`` (router endpoints' lists and details, their extra actions and the schema) is
   requested the same way, with ``?code=`` (a real receipt code) and ``?tracking_code=`` on every URL so public
   look-ups answer with real data;
3. each demo donor's sponsorship profiles (``beneficiaries.selectors.donor_sponsorships``) are rendered through
   ``templates/beneficiaries/sponsorships/_donor_profiles.html``, which the donors' own pages include;

and no answer may contain any secret. A page that needs a trustee answers with the login page or 404 and is
searched too (it must not leak either).

Registering a new URL keyword: a view whose URL takes a keyword this module does not know fails
``test_no_public_page_or_api_answer_shows_a_beneficiary`` with a message naming it. Add the keyword to
``DemoWorld.kwargs`` below, with a value from the demo data (``self.first(Model, ...)`` for an object's id, or a
public code); a value that names no object (like a wrong tracking code) only proves that the 404 page leaks
nothing, so prefer a real one.

Donors' own pages (issue 6) sign a donor in by a one-time code. When they exist, expose
``login_donor(client, donor)`` in ``donors/tests/helpers.py`` (see ``_donor_client``): the walk then runs signed
in as each demo donor who sponsors someone, so the donors' pages are searched as those donors see them. Until
then the donor walk runs as an anonymous visitor with the donor's pledge and ids in the URLs.
"""

from __future__ import annotations

import importlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from beneficiaries import crypto, selectors
from beneficiaries.models import Household, Member, Sponsorship
from core.digits import to_persian_digits

pytestmark = pytest.mark.django_db

SKIPPED_ROUTES = ("admin/", "static/", "media/", "api/")  # the API is walked from its router (_api_urls)
SKIPPED_NAMES = ("set_language", "javascript-catalog")


def _walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            kwargs = set(entry.pattern.regex.groupindex) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            yield (f"{namespace}{entry.name}" if entry.name else None), route, kwargs


class DemoWorld:
    """The demo data, its secrets, and a demo value for every URL keyword."""

    def __init__(self):
        with scopes_disabled():  # reviewed: a test reading the whole demo to know what must never be shown
            self.secrets = self._secrets()
            self.kwargs = self._kwargs()

    @staticmethod
    def first(model, **filters):
        obj = model.objects.filter(**filters).order_by("pk").first()
        return obj.pk if obj is not None else 999_999_999

    def _secrets(self) -> set[str]:
        secrets: set[str] = set()
        for member in Member.objects.all():
            secrets.add(f"{member.first_name} {member.last_name}")
            code = crypto.decrypt(member.national_code_ciphertext, purpose=crypto.NATIONAL_CODE)
            if code:
                secrets |= {code, to_persian_digits(code), crypto.mask(code), to_persian_digits(crypto.mask(code))}
        for household in Household.objects.all():
            mobile = crypto.decrypt(household.mobile_ciphertext, purpose=crypto.MOBILE)
            if mobile:
                secrets |= {mobile, to_persian_digits(mobile), mobile[1:], to_persian_digits(mobile[1:])}
            secrets.add(household.address)
        assert len(secrets) > 100, "the demo should have households to protect"
        return secrets

    def _kwargs(self) -> dict[str, list]:
        from centers.models import Center, Complaint, TrusteeAppointment
        from contributions.models import Campaign, Contribution, Pledge, Receipt
        from donors.models import Donor, ImportRun

        sponsoring = Sponsorship.objects.select_related("pledge__donor").order_by("pk").first()
        receipt = Receipt.objects.order_by("pk").first()
        complaint = Complaint.objects.order_by("pk").first()
        self.receipt_code = receipt.display_code if receipt else "NOSUCHRECEIPT"
        self.tracking_code = complaint.tracking_code if complaint else "NOSUCHCODE"
        self.sponsoring_donors = list(Donor.objects.filter(pledges__sponsorships__isnull=False).distinct())
        # Keyword -> the demo values to try (each is requested).
        return {
            "center_slug": list(Center.objects.order_by("pk").values_list("slug", flat=True)),
            "receipt_code": [self.receipt_code], "tracking_code": [self.tracking_code],
            "uidb64": ["MQ"], "token": ["set-password"],
            "household_id": [self.first(Household)], "sponsorship_id": [sponsoring.pk if sponsoring else 1],
            "pledge_id": [sponsoring.pledge_id if sponsoring else self.first(Pledge)],
            "donor_id": [sponsoring.pledge.donor_id if sponsoring else self.first(Donor)],
            "receipt_id": [receipt.pk if receipt else 1], "contribution_id": [self.first(Contribution)],
            "campaign_id": [self.first(Campaign)], "import_id": [self.first(ImportRun)],
            "household_import_id": [1], "appointment_pk": [self.first(TrusteeAppointment)],
            "change_pk": [1], "volunteer_pk": [1], "file_pk": [1], "person_document_pk": [1],
            "meeting_pk": [1], "attachment_pk": [1], "document_pk": [1], "inspection_pk": [1], "follow_up_pk": [1],
            "item_id": [1], "lot_id": [1],
            **self._later_kwargs(),
        }

    def _later_kwargs(self) -> dict[str, list]:
        """Keywords of the areas built after this test: social work, distributions, loans and plans, bases,
        neighbourhood work, payments, the public and the donors' own pages."""
        from django.apps import apps

        def first(label, **filters):
            return [self.first(apps.get_model(label), **filters)]

        payment = apps.get_model("payments.Payment").objects.order_by("pk").first()
        receipt = apps.get_model("contributions.Receipt").objects.order_by("pk").first()
        return {
            "note_id": first("beneficiaries.CaseNote"), "referral_id": first("beneficiaries.Referral"),
            "distribution_id": first("beneficiaries.AidDistribution"),
            "dowry_case_id": first("beneficiaries.DowryCase"), "loan_id": first("beneficiaries.Loan"),
            "plan_id": first("beneficiaries.EmpowermentPlan"), "milestone_id": first("beneficiaries.PlanMilestone"),
            "agreement_id": first("bases.BaseAgreement"), "assessment_id": first("community.NeedsAssessment"),
            "community_plan_id": first("community.ParticipatoryPlan"), "harm_id": first("community.HarmSite"),
            "public_id": [payment.public_id if payment else "NOSUCHPAYMENT"],
            "authority": [payment.authority if payment and payment.authority else "NOSUCHAUTHORITY"],
            "operation": ["request", "verify"],
            "slug": list(apps.get_model("centers.Center").objects.order_by("pk").values_list("slug", flat=True)),
            "donor_receipt_id": [receipt.pk if receipt else 1],
            "donor_pledge_id": first("contributions.Pledge"),
            # reporting: a report run, and a Jalali month of a center's monthly report
            "run_id": first("reporting.ReportRun"), "year": [1404], "month": [1],
        }

    def urls(self, name, route, kwargs):
        unknown = kwargs - set(self.kwargs)
        assert not unknown, (f"{name or route} takes {unknown}: register a demo value for it in "
                             "tests/test_privacy_leaks.py (DemoWorld._kwargs) so its pages are searched")
        if not kwargs:
            yield reverse(name) if name else "/" + route.lstrip("^").rstrip("$")
            return
        # The first value of each keyword, then every value of each keyword in turn (every center's pages).
        base = {k: self.kwargs[k][0] for k in kwargs}
        seen = set()
        for key in sorted(kwargs):
            for value in self.kwargs[key]:
                values = {**base, key: value}
                url = reverse(name, kwargs=values) if name else None
                if url and url not in seen:
                    seen.add(url)
                    yield url


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return DemoWorld()


def _donor_client(donor) -> Client:
    """A client signed in as ``donor`` on the donors' own pages, when those pages provide a way (see the module
    docstring); otherwise an anonymous client."""
    client = Client()
    try:
        helpers = importlib.import_module("donors.tests.helpers")
    except ImportError:
        return client
    login_donor = getattr(helpers, "login_donor", None)
    if login_donor is not None:
        login_donor(client, donor)
    return client


def _assert_clean(demo, body: str, where: str):
    leaked = sorted(s for s in demo.secrets if s and s in body)
    assert not leaked, f"{where} shows beneficiaries' identifiers: {leaked[:5]}"


def _portal_urls(demo):
    for name, route, kwargs in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_ROUTES) or (name or "").startswith(SKIPPED_NAMES) or name is None:
            continue
        yield from demo.urls(name, route, kwargs)


def _api_urls(demo):
    from config.api_urls import router

    yield "/api/schema/"
    for prefix, viewset, _basename in router.registry:
        yield f"/api/v1/{prefix}/"
        for detail in ("1", "2"):
            yield f"/api/v1/{prefix}/{detail}/"
        for action in getattr(viewset, "get_extra_actions", lambda: [])():
            path = action.url_path
            yield f"/api/v1/{prefix}/{path}/" if not action.detail else f"/api/v1/{prefix}/1/{path}/"


def test_no_public_page_or_api_answer_shows_a_beneficiary(demo):
    clients = [("anonymous", Client())] + [(f"donor {d.pk}", _donor_client(d)) for d in demo.sponsoring_donors]
    assert len(clients) > 1, "the demo should have donors who sponsor someone"
    query = f"?code={demo.receipt_code}&tracking_code={demo.tracking_code}"
    urls = list(_portal_urls(demo)) + list(_api_urls(demo))
    public_pages = 0
    for who, client in clients:
        for url in urls:
            response = client.get(url + query, HTTP_ACCEPT="text/html,application/json")
            assert response.status_code != 500, f"{who}: {url}"
            if response.status_code == 200:
                public_pages += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            _assert_clean(demo, body.decode(errors="replace"), f"{who}: {url}")
    # The walk really reached public pages with real data (home, receipt check, complaint tracking, ...).
    assert public_pages >= 2 * len(clients)
    _public_lookups_work(demo)
    _donor_profiles_are_anonymised(demo)
    # Control: a trustee's own list of households shows these very strings (names, masked codes), so the search
    # would catch them on any page that leaked them.
    from django.contrib.auth import get_user_model

    from conftest import login

    trustee = login(Client(), get_user_model().objects.get(username="isf-jame-vice-chair"))
    page = trustee.get(reverse("beneficiaries:household-list", kwargs={"center_slug": "isf-jame"}))
    assert page.status_code == 200 and any(s in page.content.decode() for s in demo.secrets)


def _public_lookups_work(demo):
    client = Client()
    receipt = client.get(reverse("contributions:receipt-verify-code", kwargs={"receipt_code": demo.receipt_code}))
    tracking = client.get(reverse("centers:complaint-track", kwargs={"tracking_code": demo.tracking_code}))
    assert receipt.status_code == 200 and tracking.status_code == 200


def _donor_profiles_are_anonymised(demo):
    shown = 0
    for donor in demo.sponsoring_donors:
        profiles = selectors.donor_sponsorships(donor)
        html = render_to_string("beneficiaries/sponsorships/_donor_profiles.html", {"profiles": profiles})
        _assert_clean(demo, html, f"donor {donor.pk}'s sponsorship profiles")
        shown += sum(len(p.notes) for p in profiles)
        for profile in profiles:  # nothing but the anonymised fields
            assert set(vars(profile)) == {"pledge_id", "kind", "kind_label", "status", "status_label", "starts_on",
                                          "ends_on", "age_band", "gender", "province", "needs", "household_size",
                                          "notes"}
    assert shown >= 2, "the demo's published notes reach their donors"
