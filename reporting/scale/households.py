# ruff: noqa: S311 - seeded pseudo-random data for benchmarks, not secrets
"""Households, their people and needs, made in Python (they need the app's encryption, blind index and
priority rule, which live in Python) and sent with COPY.

The households of a center get consecutive ids, its active ones first, so the set-based aid steps pick an
active household of center ``c`` as ``first_id + floor(r * n_active)`` from the ``sc_hh`` table written here.
"""

from __future__ import annotations

import datetime
import json
import random

from beneficiaries import crypto
from beneficiaries.priority import HouseholdFacts, PersonFacts, compute, weights
from core.validators import national_code_check_digit

from .sql import FIRST_MEN, FIRST_WOMEN, LAST_NAMES

CATEGORIES = ["livelihood", "housing", "health", "education", "employment", "marriage", "debt", "orphan_care"]
HOUSING = [("rented", 0.45), ("owned", 0.70), ("relatives", 0.88), ("informal", 0.97), ("homeless", 1.0)]
INSURANCE = [("none", 0.30), ("basic", 0.60), ("rural", 0.75), ("social_security", 0.95), ("other", 1.0)]
VILLAGES = ["روستای کمشچه", "روستای ورزنه", "روستای قهرود", "روستای ابیانه", "روستای برزک", "روستای نیاسر",
            "روستای طرق", "روستای کوهپایه"]
STREETS = ["کوچه شهید رجایی", "کوچه گلستان", "کوچه بهار", "کوچه نسترن", "کوچه شقایق", "کوچه امام", "کوچه سعدی"]
EVIDENCE = {
    "livelihood": "درآمد ماهانه کمتر از هزینه‌های ضروری خانوار است.",
    "housing": "منزل استیجاری با اجاره معوق؛ سقف نیاز به تعمیر دارد.",
    "health": "بیماری مزمن سرپرست و هزینه داروی ماهانه.",
    "education": "دو فرزند محصل؛ هزینه لوازم و شهریه تأمین نمی‌شود.",
    "employment": "سرپرست بیکار است و مهارت فنی دارد.",
    "marriage": "دختر خانوار در آستانه ازدواج و نیازمند جهیزیه.",
    "debt": "بدهی معوق به بانک و همسایگان.",
    "orphan_care": "فرزندان یتیم زیر ۱۸ سال.",
}
DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _pick(rng: random.Random, table):
    x = rng.random()
    for value, cumulative in table:
        if x < cumulative:
            return value
    return table[-1][0]


def national_code(n: int) -> str:
    first9 = f"{n % 1_000_000_000:09d}"
    return first9 + str(national_code_check_digit(first9))


def _birth(rng: random.Random, on: datetime.date, low: int, high: int) -> datetime.date:
    return on - datetime.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))


def build(cursor, *, seed: int, per_center: dict[int, int], centers: dict[int, dict], loader: int,
          start: datetime.date, until: datetime.date) -> dict[str, int]:
    """Writes households, members and assessments for ``per_center`` {center id: count} and the ``sc_hh``
    table; returns the counts written."""
    rng = random.Random(f"scale-households-{seed}")
    w = weights()
    cache: dict[str, str] = {}
    hh_rows, member_rows, assessment_rows, hh_map = [], [], [], []
    hid = mid = aid = 0
    for center_id in sorted(per_center):
        n = per_center[center_id]
        center = centers[center_id]
        n_active = n - round(n * 0.08) if n > 3 else n
        hh_map.append((center_id, hid + 1, n_active, n))
        registered_from = max(start - datetime.timedelta(days=700), center["created_on"] + datetime.timedelta(30))
        span = max(1, (center["hi"] - registered_from).days - 30)
        # Active households in the order they were registered: those registered before a day are a prefix of
        # the center's ids, so the aid steps pick only households already registered (sc_hh_reg).
        registered = sorted(registered_from + datetime.timedelta(days=rng.randrange(span)) for _k in range(n_active))
        registered += [registered_from + datetime.timedelta(days=rng.randrange(span)) for _k in range(n - n_active)]
        for k in range(n):
            hid += 1
            created = registered[k]
            rural = rng.random() < 0.3
            head_female = rng.random() < 0.35
            people = []  # (relation, gender, birth, disability, chronic, orphan, work, education)
            head_birth = _birth(rng, until, 24, 78)
            people.append(("head", "female" if head_female else "male", head_birth, rng.random() < 0.08,
                           rng.random() < 0.15, False,
                           _pick(rng, [("unemployed", 0.4), ("self_employed", 0.6), ("employed", 0.75),
                                       ("unable", 0.85), ("homemaker", 0.95), ("retired", 1.0)]),
                           _pick(rng, [("none", 0.2), ("literacy", 0.45), ("primary", 0.7), ("secondary", 0.85),
                                       ("diploma", 0.97), ("higher", 1.0)])))
            if not head_female and rng.random() < 0.8:
                people.append(("spouse", "female", _birth(rng, until, 22, 70), rng.random() < 0.04, False,
                               False, "homemaker", "primary"))
            orphaned = head_female and rng.random() < 0.5
            for _child in range(rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])):
                child_birth = _birth(rng, until, 0, 20)
                age = (until - child_birth).days // 365
                people.append(("child", rng.choice(["female", "male"]), child_birth, rng.random() < 0.03, False,
                               orphaned and age < 18, "child" if age < 7 else "student",
                               "none" if age < 7 else "primary" if age < 13 else "secondary"))
            if rng.random() < 0.1:
                people.append(("parent", rng.choice(["female", "male"]), _birth(rng, until, 62, 88),
                               rng.random() < 0.3, True, False, "retired", "literacy"))
            last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            head_id = mid + 1
            facts = []
            for relation, gender, birth, disability, chronic, orphan, work, education in people:
                mid += 1
                code = national_code(mid * 387420489 + 7_777_777 + seed)
                first = (FIRST_WOMEN if gender == "female" else FIRST_MEN)[rng.randrange(20)]
                member_rows.append((
                    mid, relation, first, last, crypto.encrypt(code, purpose="national_code"),
                    _index(cache, code), gender, birth, education, work, disability, chronic,
                    "بیماری مزمن؛ نیاز به داروی ماهانه" if chronic else "", orphan, _ts(created), center_id, hid))
                facts.append(PersonFacts(age=until.year - birth.year - ((until.month, until.day)
                                                                        < (birth.month, birth.day)),
                                         is_head=relation == "head", has_disability=disability,
                                         is_orphan=orphan))
            severities = {}
            next_due = None
            for category in rng.sample(CATEGORIES, rng.choice([1, 1, 2, 2, 3])):
                severity = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
                assessed = created + datetime.timedelta(days=rng.randrange(0, max(1, min(400, (until - created).days))))
                if rng.random() < 0.3 and (assessed - created).days > 60:
                    aid += 1  # an earlier assessment of the same need, superseded
                    assessment_rows.append((aid, category, max(1, severity - 1), EVIDENCE[category], created,
                                            created + datetime.timedelta(days=180), False, _ts(created), loader,
                                            center_id, hid))
                aid += 1
                due = assessed + datetime.timedelta(days=w["reassess_after_days"])
                assessment_rows.append((aid, category, severity, EVIDENCE[category], assessed, due, True,
                                        _ts(assessed), loader, center_id, hid))
                severities[category] = severity
                next_due = due if next_due is None else min(next_due, due)
            housing = _pick(rng, HOUSING)
            insurance = _pick(rng, INSURANCE)
            income = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15]) * 5_000_000
            priority = compute(HouseholdFacts(people=tuple(facts), monthly_income=income, rural=rural,
                                              insured=insurance != "none", housing=housing, severities=severities), w)
            closed = k >= n_active
            closed_on = min(until, created + datetime.timedelta(days=rng.randint(90, 700))) if closed else None
            mobile = "09" + f"{(hid * 48271 + seed * 7 + 1) % 1_000_000_000:09d}"
            street = STREETS[rng.randrange(len(STREETS))]
            hh_rows.append((
                hid, f"{center['county_name']}، {street}، پلاک {str(1 + hid % 90).translate(DIGITS)}",
                VILLAGES[rng.randrange(len(VILLAGES))] if rural else "", "rural" if rural else "urban", housing,
                income, insurance, _array(rng), crypto.encrypt(mobile, purpose="mobile"), created,
                "closed" if closed else "active", closed_on, "خانوار خودکفا شد." if closed else "",
                priority.score, json.dumps(priority.parts), next_due, len(people), _ts(created), center_id,
                center["county_id"], loader, head_id))
    with cursor.copy("COPY beneficiaries_household (id, address, village, area, housing, monthly_income, insurance, "
                     "supporting_organizations, mobile_ciphertext, consent_on, status, closed_on, closed_reason, "
                     "priority_score, priority_parts, next_reassessment_on, member_count, created_at, center_id, "
                     "county_id, created_by_id, head_id) FROM STDIN") as copy:
        for row in hh_rows:
            copy.write_row(row)
    with cursor.copy("COPY beneficiaries_member (id, relation, first_name, last_name, national_code_ciphertext, "
                     "national_code_index, gender, birth_date, education, work_status, has_disability, "
                     "has_chronic_illness, health_notes, is_orphan, created_at, center_id, household_id) "
                     "FROM STDIN") as copy:
        for row in member_rows:
            copy.write_row(row)
    with cursor.copy("COPY beneficiaries_assessment (id, category, severity, evidence, assessed_on, next_due_on, "
                     "is_current, created_at, assessed_by_id, center_id, household_id) FROM STDIN") as copy:
        for row in assessment_rows:
            copy.write_row(row)
    cursor.execute("CREATE TEMP TABLE sc_hh (center_id int PRIMARY KEY, first_id bigint, n_active int, n int) "
                   "ON COMMIT DROP")
    with cursor.copy("COPY sc_hh FROM STDIN") as copy:
        for row in hh_map:
            copy.write_row(row)
    # Per center and month: how many of its active households were registered before the month began.
    cursor.execute("""CREATE TEMP TABLE sc_hh_reg ON COMMIT DROP AS
                      SELECT h.center_id, m.month::date AS month, count(*) AS n_reg
                        FROM beneficiaries_household h
                        JOIN generate_series(date_trunc('month', %s::date), %s::date, interval '1 month') m(month)
                          ON h.created_at < m.month
                       WHERE h.status = 'active' GROUP BY 1, 2""", [start - datetime.timedelta(days=31), until])
    cursor.execute("ALTER TABLE sc_hh_reg ADD PRIMARY KEY (center_id, month)")
    return {"households": len(hh_rows), "members": len(member_rows), "assessments": len(assessment_rows)}


def _index(cache: dict, code: str) -> str:
    return crypto.blind_index(code)


def _ts(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 30, tzinfo=datetime.UTC)


def _array(rng: random.Random) -> list[str]:
    x = rng.random()
    if x < 0.55:
        return []
    if x < 0.8:
        return ["relief_committee"]
    if x < 0.9:
        return ["welfare"]
    return ["relief_committee", "municipality"]
