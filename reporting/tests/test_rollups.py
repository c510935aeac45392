"""Rollups: the incrementally kept numbers equal a rebuild from scratch, and the figures read from them equal
the same figures computed straight from the raw tables (demo data, and hypothesis-generated data)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beneficiaries.models import AidDistribution, Household
from centers.models import Center, County
from contributions.models import Contribution, Purpose
from donors.models import Donor
from reporting import figures
from reporting.periods import Period
from reporting.rollups import mark_stale, rebuild_all, refresh_center_month
from reporting.scope import Scope

from .raw import raw_figures

TABLES = {
    "reporting_monthfigure": "center_id, ym, metric, code, count, amount",
    "reporting_donoryear": "center_id, donor_id, jyear, months, first_month, amount",
    "reporting_servedyear": "center_id, household_id, jyear, months, amount",
    "reporting_periodfigure": "center_id, period, metric, count",
    "reporting_regionmonthfigure": "county_id, organization_id, ym, metric, code, count, amount",
}


def rollup_rows() -> dict[str, list[tuple]]:
    out = {}
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}")  # noqa: S608 - constants
            out[table] = cursor.fetchall()
    return out


@pytest.fixture
def demo(db):
    """The demo data (seeded partly through the services, partly directly), rolled up from scratch."""
    call_command("seed_demo", stdout=StringIO())
    rebuild_all()
    with scopes_disabled():
        return list(Center.objects.select_related("county").order_by("pk"))


def _attempt(fn, **kwargs) -> bool:
    try:
        with transaction.atomic():
            fn(**kwargs)
        return True
    except (ValidationError, PermissionDenied):
        return False


def test_rebuild_equals_the_incrementally_kept_numbers(demo, world, django_capture_on_commit_callbacks):
    """Changes made through the services after a rebuild keep the rollups exactly as a new rebuild makes them."""
    from beneficiaries.services.distributions import distribution_reverse
    from beneficiaries.services.households import household_close
    from centers.access import actor_for
    from centers.services.lifecycle import center_transition
    from centers.services.supervision import complaint_file, complaint_resolve
    from contributions.models import Pledge
    from contributions.services.gifts import contribution_record_cash, contribution_reverse
    from contributions.services.pledges import pledge_record_payment

    admin = world.user(is_superuser=True, is_staff=True)
    actor = actor_for(admin, second_factor_passed=True)
    today = timezone.localdate()
    licensed = [c for c in demo if c.status == Center.Status.LICENSED]
    baseline = rollup_rows()
    done = []
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        with scopes_disabled():
            donor = Donor.objects.filter(organization=licensed[0].organization).first()
        done.append(_attempt(contribution_record_cash, center=licensed[0], purpose="general", amount=3_000_000,
                             received_on=today, donor=donor, user=admin))
        done.append(_attempt(contribution_record_cash, center=licensed[1], purpose="zakat", amount=8_000_000,
                             received_on=today - datetime.timedelta(days=40), donor=donor, user=admin))
        for gift in Contribution.objects.filter(status="confirmed", kind="cash").order_by("-pk")[:5]:
            if _attempt(contribution_reverse, contribution=gift, reason="ثبت اشتباه"):
                done.append(True)
                break
        complaint = complaint_file(center_id=licensed[2].pk, complainant_kind="public", text="رسید داده نشد")
        done.append(_attempt(complaint_resolve, actor=actor, complaint=complaint, text="رسید صادر شد"))
        done.append(_attempt(center_transition, center=licensed[-1], name="suspend", actor=actor,
                             reason="بازرسی"))
        household = Household.objects.filter(status="active", center__in=licensed).order_by("pk").first()
        done.append(_attempt(household_close, actor=actor, household=household, reason="مهاجرت کرد"))
        for distribution in AidDistribution.objects.filter(status="recorded").exclude(kind="goods"):
            if _attempt(distribution_reverse, actor=actor, distribution=distribution, reason="ثبت اشتباه"):
                done.append(True)
                break
        pledge = Pledge.objects.filter(status="active", center__in=licensed, form="cash").first()
        if pledge is not None:
            done.append(_attempt(pledge_record_payment, pledge=pledge, amount=pledge.amount, received_on=today,
                                 user=admin))
    assert sum(done) >= 6, done
    incremental = rollup_rows()
    assert incremental["reporting_monthfigure"] != baseline["reporting_monthfigure"]
    rebuild_all()
    rebuilt = rollup_rows()
    for table in TABLES:
        missing, extra = set(rebuilt[table]) - set(incremental[table]), set(incremental[table]) - set(rebuilt[table])
        assert not missing and not extra, (table, sorted(missing), sorted(extra))


def test_refresh_is_idempotent(demo):
    rebuild_all()
    before = rollup_rows()
    today = Period.current("month")
    for center in demo:
        refresh_center_month(center.pk, today.year, today.number)
        refresh_center_month(center.pk, today.year, today.number)
    assert rollup_rows() == before


def _row(perf, section, key):
    sec = next(s for s in perf["sections"] if s["key"] == section)
    row = next((r for r in sec["rows"] if r["key"] == key), None)
    return 0 if row is None else row["value"]


def assert_figures_match(center_ids, scope, period):
    raw = raw_figures(center_ids, period)
    perf = figures.performance(scope, period)
    assert [s["key"] for s in perf["sections"]] == list(figures.SECTION_KEYS)
    for kind in ("cash", "in_kind", "service", "construction"):
        assert _row(perf, "contributions", kind) == raw["kind"][kind], kind
    assert _row(perf, "contributions", "total") == sum(raw["kind"].values())
    assert _row(perf, "contributions", "count") == raw["kind_n"]
    for code, amount in raw["channel"].items():
        assert _row(perf, "contributions_by_channel", code) == amount
    for kind, section in (("cash", "cash_by_purpose"), ("in_kind", "in_kind_by_purpose")):
        sec = next(s for s in perf["sections"] if s["key"] == section)
        assert {r["key"]: r["value"] for r in sec["rows"] if r["value"]} == {
            k: v for k, v in raw["purpose"][kind].items() if v}
    for key in ("donors", "donors_new", "donors_returning", "donors_lapsed"):
        assert _row(perf, "donors", key.replace("donors_", "") if key != "donors" else "donors") == raw[key], key
    for kind in ("cash", "goods", "service"):
        assert _row(perf, "aid_by_kind", kind) == raw["aid_kind"][kind], kind
    assert _row(perf, "aid_by_kind", "count") == raw["aid_n"]
    assert _row(perf, "households", "served") == raw["served"]
    assert _row(perf, "households", "active") == raw["hh_active"]
    assert _row(perf, "households", "registered") == raw["hh_registered"]
    assert _row(perf, "households", "closed") == raw["hh_closed"]
    if raw["hh_active"]:
        assert _row(perf, "households", "rural_share") == round(raw["hh_rural"] / raw["hh_active"] * 100, 1)
        assert _row(perf, "households", "insured_share") == round(raw["hh_insured"] / raw["hh_active"] * 100, 1)
    for section, key in (("households_by_need", "hh_need"), ("households_by_priority", "hh_band")):
        sec = next(s for s in perf["sections"] if s["key"] == section)
        assert {r["key"]: r["value"] for r in sec["rows"] if r["value"]} == dict(raw[key]), section
    assert _row(perf, "pledges", "due") == raw["pledge_due"]
    assert _row(perf, "pledges", "kept") == raw["pledge_kept"]
    assert _row(perf, "pledges", "amount_due") == raw["pledge_amount_due"]
    assert _row(perf, "pledges", "amount_paid") == raw["pledge_amount_paid"]
    assert _row(perf, "loans", "issued") == raw["loans_issued"]
    assert _row(perf, "loans", "issued_amount") == raw["loans_amount"]
    assert _row(perf, "loans", "repaid_amount") == raw["repaid"]
    for name in ("license", "renew", "suspend", "reinstate", "revoke", "dissolve"):
        assert _row(perf, "licenses", name) == raw["license"][name], name
    assert _row(perf, "complaints", "received") == raw["complaints"]
    for level, n in raw["complaint_level"].items():
        assert _row(perf, "complaints", f"level:{level}") == n

    head = figures.headline(scope, period)
    assert head["received"]["value"] == sum(raw["kind"].values())
    assert head["aid"]["value"] == sum(raw["aid_kind"].values())
    assert head["households_served"]["value"] == raw["served"]
    assert head["donors"]["value"] == raw["donors"]
    previous = raw_figures(center_ids, period.previous_year())
    assert head["received"]["previous"] == sum(previous["kind"].values())

    purposes = {r["purpose"]: r["received"] for r in figures.by_purpose(scope, period)}
    expected: dict[str, int] = {}
    for by_code in raw["purpose"].values():
        for code, amount in by_code.items():
            expected[code] = expected.get(code, 0) + amount
    assert {k: v for k, v in purposes.items() if v} == {k: v for k, v in expected.items() if v}
    return raw


def test_figures_equal_the_raw_tables_on_the_demo_data(demo):
    this_year = Period.current("year")
    checked_something = False
    scopes = [(Scope.nation(), [c.pk for c in demo])] + [(Scope.center(c.pk), [c.pk]) for c in demo]
    with scopes_disabled():
        province_id = County.objects.get(pk=demo[0].county_id).province_id
    scopes.append((Scope("province", province_id), [c.pk for c in demo if c.county.province_id == province_id]))
    for scope, ids in scopes:
        for period in (this_year, Period.current("quarter"), Period.current("month"), this_year.previous()):
            raw = assert_figures_match(ids, scope, period)
            checked_something |= bool(raw["kind_n"] and raw["aid_n"])
    assert checked_something, "the demo data gave nothing to compare"

    series = figures.monthly_series(Scope.nation(), this_year, months=12)
    assert [m["period"] for m in series] == [f"{this_year.year}-{m:02d}" for m in range(1, 13)]
    year_raw = raw_figures([c.pk for c in demo], this_year)
    assert sum(m["cash"] for m in series) == year_raw["kind"]["cash"]
    assert sum(m["aid"] for m in series) == sum(year_raw["aid_kind"].values())


def test_center_ranking_orders_by_change(demo):
    rebuild_all()
    ranking = figures.center_ranking(Scope.nation(), Period.current("year"), n=3)
    assert len(ranking["up"]) <= 3 and len(ranking["down"]) <= 3
    changes = [i["change"] for i in ranking["up"] if i["change"] is not None]
    assert changes == sorted(changes, reverse=True)
    assert {i["center_id"] for i in ranking["up"]}.isdisjoint({i["center_id"] for i in ranking["down"]})
    assert all(i["name"] and i["value"] != i["previous"] for i in ranking["up"] + ranking["down"])


def test_a_change_refreshes_its_month_and_a_rollback_marks_nothing(world, django_capture_on_commit_callbacks):
    from contributions.tests.conftest import license_center

    center = world.center()
    license_center(center)
    user = world.user()
    with scopes_disabled():
        donor = Donor.objects.create(organization=center.organization, first_name="الف", last_name="ب")
    from contributions.services.gifts import contribution_record_cash

    today = timezone.localdate()
    scope, period = Scope.center(center.pk), Period.current("month")
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True):
            contribution_record_cash(center=center, purpose="general", amount=5_000_000, received_on=today,
                                     donor=donor, user=user)
    assert figures.headline(scope, period)["received"]["value"] == 5_000_000
    assert figures.headline(scope, period)["donors"]["value"] == 1
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    contribution_record_cash(center=center, purpose="general", amount=7_000_000,
                                             received_on=today, user=user)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
    assert callbacks == []
    assert figures.headline(scope, period)["received"]["value"] == 5_000_000


def test_mark_stale_queues_one_refresh_per_month(world, django_capture_on_commit_callbacks, monkeypatch):
    from reporting.tasks import rollups as tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_center_month_task, "apply_async", lambda kwargs: queued.append(kwargs))
    center = world.center()
    day = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        mark_stale(center.pk, day)
        mark_stale(center.pk, day)
        mark_stale(center.pk, day - datetime.timedelta(days=400))
    with django_capture_on_commit_callbacks(execute=True):
        mark_stale(center.pk, day)  # still waiting: not queued again
    j = Period.current("month")
    assert queued[0] == {"center_id": center.pk, "ym": j.year * 100 + j.number}
    assert len(queued) == 2


# ---------------------------------------------------------------------------------------------------------
# A hypothesis-generated data set, written straight into the tables, then rebuilt and compared.
# ---------------------------------------------------------------------------------------------------------

BASE = datetime.date(2024, 3, 20)  # 1403-01-01
days = st.integers(min_value=0, max_value=2 * 366 + 200)

gift = st.fixed_dictionaries({
    "center": st.integers(0, 2), "donor": st.one_of(st.none(), st.integers(0, 4)),
    "kind": st.sampled_from(["cash", "in_kind", "service", "construction"]),
    "channel": st.sampled_from(["in_person", "bank_transfer", "online", "charity_box"]),
    "purpose": st.sampled_from(["general", "zakat", "food"]),
    "status": st.sampled_from(["confirmed", "confirmed", "recorded", "reversed"]),
    "amount": st.integers(1, 10**9), "day": days,
})
household = st.fixed_dictionaries({
    "center": st.integers(0, 2), "day": days, "closed_after": st.one_of(st.none(), st.integers(0, 400)),
    "area": st.sampled_from(["urban", "rural"]), "insurance": st.sampled_from(["none", "basic"]),
    "aid": st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["goods", "service"]), "day": days,
                                           "value": st.integers(0, 10**8), "reversed": st.booleans()}),
                    max_size=3),
})


@pytest.fixture
def little_world(world):
    centers = [world.center(), world.center(), world.center(county=world.county())]
    with scopes_disabled():
        donors = [Donor.objects.create(organization=centers[0].organization, first_name="خیر", last_name=str(i))
                  for i in range(5)]
    return {"centers": centers, "donors": donors, "user": world.user(),
            "purposes": dict(Purpose.objects.values_list("code", "pk"))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(gifts=st.lists(gift, max_size=25), households=st.lists(household, max_size=6),
       period_code=st.sampled_from(["1403", "1404", "1404-Q1", "1404-Q3", "1403-12", "1404-07", "1405-Q1"]))
def test_figures_equal_the_raw_tables_on_generated_data(little_world, gifts, households, period_code):
    centers, donors, user = little_world["centers"], little_world["donors"], little_world["user"]
    purposes = little_world["purposes"]
    now = timezone.now()
    with transaction.atomic(), scopes_disabled():
        Contribution.objects.bulk_create([
            Contribution(center=centers[g["center"]], donor=donors[g["donor"]] if g["donor"] is not None else None,
                         kind=g["kind"], channel=g["channel"], purpose_id=purposes[g["purpose"]],
                         amount=g["amount"], status=g["status"], received_on=BASE + datetime.timedelta(g["day"]),
                         confirmed_at=now if g["status"] != "recorded" else None,
                         reversed_at=now if g["status"] == "reversed" else None)
            for g in gifts])
        for h in households:
            registered = BASE + datetime.timedelta(h["day"])
            closed = registered + datetime.timedelta(h["closed_after"]) if h["closed_after"] is not None else None
            row = Household.objects.create(
                center=centers[h["center"]], address="نشانی", county_id=centers[h["center"]].county_id,
                housing="rented", area=h["area"], insurance=h["insurance"], consent_on=registered,
                status="closed" if closed else "active", closed_on=closed, created_by=user)
            Household.objects.filter(pk=row.pk).update(created_at=timezone.make_aware(
                datetime.datetime.combine(registered, datetime.time(10))))
            for a in h["aid"]:
                AidDistribution.objects.create(
                    center=row.center, household=row, kind=a["kind"], purpose_id=purposes["food"],
                    value=a["value"], occurred_on=BASE + datetime.timedelta(a["day"]), recorded_by=user,
                    service_quantity=1 if a["kind"] == "service" else None,
                    status="reversed" if a["reversed"] else "recorded", reversed_at=now if a["reversed"] else None)
        rebuild_all()
        period = Period.parse(period_code)
        ids = [c.pk for c in centers]
        assert_figures_match(ids, Scope.nation(), period)
        assert_figures_match([ids[0]], Scope.center(ids[0]), period)
        county = centers[2].county_id
        assert_figures_match([c.pk for c in centers if c.county_id == county], Scope("county", county), period)
        transaction.set_rollback(True)


def test_the_nightly_rebuild_is_scheduled_and_the_command_rebuilds(demo):
    from config.celery import app

    tasks = app.tasks
    entry = app.conf.beat_schedule["reporting-rollups-nightly"]
    assert entry["task"] in tasks and "reporting.tasks.rollups.refresh_center_month_task" in tasks
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reporting_monthfigure")
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "rollups rebuilt" in out.getvalue()
    assert figures.headline(Scope.nation(), Period.current("year"))["received"]["value"] > 0
