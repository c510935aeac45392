"""The services of neighbourhood work: who may, what is refused (and then nothing is stored), and the report
figures recomputed independently from the rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.access import actor_for
from centers.models import Center
from community import selectors, services
from community.models import CollectiveAction, HarmSite, NeedsAssessment, ParticipatoryPlan, Partnership
from community.services import ProblemInput

from .helpers import LAT, LON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate()


def _actor(user):
    return actor_for(user, second_factor_passed=True)


def _assess(b, user, **changes):
    kwargs = dict(title="نیازسنجی بهار", neighbourhood="زینبیه", assessed_on=TODAY,
                  problems=[services.ProblemInput("اعتیاد جوانان", "addiction", 1),
                            services.ProblemInput("بیکاری", "unemployment", 2)],
                  informants=[services.InformantInput("حجت‌الاسلام محمدی", "امام جماعت")])
    kwargs.update(changes)
    with scope(center=[b.center.pk]):
        return services.needs_assessment_record(actor=_actor(user), center=b.center, **kwargs)


def _harm(b, user, geometry, **changes):
    kwargs = dict(title="پارک محله", category="addiction", severity=4, geometry=geometry, observed_on=TODAY)
    kwargs.update(changes)
    with scope(center=[b.center.pk]):
        return services.harm_site_record(actor=_actor(user), center=b.center, **kwargs)


def test_an_assessment_keeps_its_prioritised_problems_and_informants(base):
    assessment = _assess(base, base.vice_chair)
    with scope(center=[base.center.pk]):
        assert [(p.priority_rank, p.category) for p in assessment.problems.all()] == [(1, "addiction"),
                                                                                     (2, "unemployment")]
        assert [i.role for i in assessment.informants.all()] == ["امام جماعت"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"informants": []}, "informants_required"),
    ({"problems": []}, "problems_required"),
    ({"problems": [ProblemInput("الف", "addiction", 1),
                   ProblemInput("ب", "divorce", 1)]}, "bad_ranks"),
    ({"problems": [ProblemInput("الف", "addiction", 2)]}, "bad_ranks"),
    ({"problems": [ProblemInput("الف", "war", 1)]}, "bad_category"),
    ({"assessed_on": TODAY + datetime.timedelta(days=1)}, "bad_assessed_on"),
    ({"title": "  "}, "title_required"),
])
def test_a_bad_assessment_is_refused_and_nothing_is_stored(base, changes, code):
    with pytest.raises(ValidationError) as error:
        _assess(base, base.chair, **changes)
    assert error.value.code == code
    with scopes_disabled():
        assert not NeedsAssessment.objects.exists()


def test_a_harm_site_is_stored_normalised(base):
    site = _harm(base, base.social_worker, '{"type": "Point", "coordinates": [51.72, 32.705, 1500]}')
    assert site.geometry == {"type": "Point", "coordinates": [LON, LAT]}


def test_a_harm_site_outside_iran_is_refused_and_not_stored(base):
    with pytest.raises(ValidationError) as error:
        _harm(base, base.chair, {"type": "Point", "coordinates": [2.35, 48.85]})
    assert "outside Iran" in error.value.messages[0]
    with pytest.raises(ValidationError):
        _harm(base, base.chair, {"type": "Point", "coordinates": [LON, LAT]}, severity=6)
    with scopes_disabled():
        assert not HarmSite.objects.exists()


def test_roles_outside_neighbourhood_work_get_403_and_outsiders_404(base):
    with pytest.raises(PermissionDenied):
        _harm(base, base.finance_officer, {"type": "Point", "coordinates": [LON, LAT]})
    with pytest.raises(Http404):
        _harm(base, base.other_chair, {"type": "Point", "coordinates": [LON, LAT]})
    with pytest.raises(Http404):
        _harm(base, base.foreign_supervisor, {"type": "Point", "coordinates": [LON, LAT]})
    assert _harm(base, base.county_supervisor, {"type": "Point", "coordinates": [LON, LAT]}).pk


def test_a_base_without_a_valid_license_records_nothing(base):
    with scopes_disabled():
        Center.objects.filter(pk=base.center.pk).update(status=Center.Status.SUSPENDED)
        base.center.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _assess(base, base.chair)
    assert error.value.code == "center_cannot_operate"


def test_a_plan_needs_two_stakeholders_and_actions_within_its_period(base):
    assessment = _assess(base, base.chair)
    with scope(center=[base.center.pk]):
        problems = list(assessment.problems.all())
        actor = _actor(base.chair)
        kwargs = dict(title="برنامه پیشگیری", starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=180),
                      goals="کاهش اعتیاد", problems=problems[:1],
                      actions=[services.ActionInput("کارگاه", "پایگاه", TODAY + datetime.timedelta(days=30))])
        with pytest.raises(ValidationError) as error:
            services.plan_record(actor=actor, center=base.center,
                                 stakeholders=[services.StakeholderInput("ساکنان", "residents")], **kwargs)
        assert error.value.code == "stakeholders_required"
        two = [services.StakeholderInput("ساکنان", "residents"), services.StakeholderInput("شهرداری", "municipality")]
        late = {**kwargs, "actions": [services.ActionInput("کارگاه", "پایگاه", TODAY + datetime.timedelta(days=400))]}
        with pytest.raises(ValidationError) as error:
            services.plan_record(actor=actor, center=base.center, stakeholders=two, **late)
        assert error.value.code == "bad_action_due"
        plan = services.plan_record(actor=actor, center=base.center, stakeholders=two, **kwargs)
        assert plan.stakeholders.count() == 2 and list(plan.problems.all()) == problems[:1]
        with pytest.raises(ValidationError):
            services.plan_set_status(actor=actor, plan=plan, status="closed")  # draft → closed skips adoption
        assert services.plan_set_status(actor=actor, plan=plan, status="adopted").status == "adopted"


def test_a_collective_action_cannot_be_recorded_before_it_is_held(base):
    with scope(center=[base.center.pk]), pytest.raises(ValidationError) as error:
        services.collective_action_record(actor=_actor(base.chair), center=base.center, title="پویش",
                                          held_on=TODAY + datetime.timedelta(days=3), reach=10, participants=2)
    assert error.value.code == "bad_held_on"


def test_report_figures_match_an_independent_count_of_the_rows(base, world):
    other = base.center
    _assess(base, base.chair)
    start, end = TODAY - datetime.timedelta(days=90), TODAY
    with scope(center=[other.pk]):
        actor = _actor(base.chair)
        for days, reach, people in ((10, 120, 9), (40, 35, 4), (200, 999, 99)):  # the last is before the period
            CollectiveAction.objects.create(center=other, title="اقدام", held_on=TODAY - datetime.timedelta(days=days),
                                            reach=reach, participants=people, created_by=base.chair)
        for category, days in (("addiction", 5), ("addiction", 6), ("divorce", 7), ("divorce", 120)):
            HarmSite.objects.create(center=other, title="محل", category=category, severity=2, created_by=base.chair,
                                    geometry={"type": "Point", "coordinates": [LON, LAT]},
                                    observed_on=TODAY - datetime.timedelta(days=days))
        services.partnership_record(actor=actor, center=other, body="مدرسه", kind="school", subject="پیشگیری",
                                    started_on=start)
        Partnership.objects.create(center=other, body="پایان‌یافته", kind="school", subject="-", created_by=base.chair,
                                   started_on=start - datetime.timedelta(days=100), ends_on=start)
        figures = selectors.community_figures(center_ids=[other.pk], start=start, end=end)[other.pk]
        # Recount from the rows, one by one, without the selector's grouping.
        actions = [a for a in CollectiveAction.objects.filter(center=other) if start <= a.held_on <= end]
        harms = [h for h in HarmSite.objects.filter(center=other) if start <= h.observed_on <= end]
        partners = [p for p in Partnership.objects.filter(center=other) if p.is_active(end)]
    assert figures["collective_actions"] == len(actions) == 2
    assert figures["reach"] == sum(a.reach for a in actions) == 155
    assert figures["participants"] == sum(a.participants for a in actions)
    assert figures["harm_sites"] == len(harms) == 3
    assert figures["harm_by_category"] == {"addiction": 2, "divorce": 1}
    assert figures["partnerships"] == len(partners) == 1
    assert figures["assessments"] == 1 and figures["problems"] == 2


def test_plans_of_another_center_cannot_be_attached(base, world):
    with scopes_disabled():
        foreign = ParticipatoryPlan.objects.create(center=world.center(), title="بیگانه", starts_on=TODAY,
                                                   ends_on=TODAY, goals="-", created_by=base.chair)
    with scope(center=[base.center.pk]), pytest.raises(ValidationError) as error:
        services.collective_action_record(actor=_actor(base.chair), center=base.center, title="پویش", held_on=TODAY,
                                          reach=1, participants=1, plan=foreign)
    assert error.value.code == "bad_plan"
