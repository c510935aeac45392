"""Demo households: about twenty needy households at the demo centers, registered and assessed through the
services (so their codes are encrypted and their priority scores computed like real ones).

Two heads of household are deliberately registered at two centers each (the same national code), for the
overlap view that a later slice builds: ``OVERLAP_CODES``. Idempotent: a household is found again by its
head's blind index at its center."""

import datetime

from django.utils import timezone

from beneficiaries import crypto, services
from beneficiaries.models import Member
from centers.access import actor_for
from core.digits import to_persian_digits
from core.validators import national_code_check_digit


def _code(first9: str) -> str:
    return first9 + str(national_code_check_digit(first9))


# (center slug, head (first, last, gender, birth year, 9 digits), members [(first, relation, gender, birth year,
#  extra)], area, village, housing, income (million rials), insurance, supporters, [(category, severity, days ago)])
HOUSEHOLDS = [
    ("isf-jame", ("فاطمه", "کریمی", "female", 1982, "128301457"),
     [("علی", "child", "male", 2012, {"is_orphan": True}), ("زهرا", "child", "female", 2015, {"is_orphan": True}),
      ("حسین", "child", "male", 2018, {"is_orphan": True})],
     "urban", "محله جلفا", "rented", 8, "none", ["relief_committee"],
     [("livelihood", 4, 30), ("orphan_care", 4, 30)]),
    ("isf-jame", ("رضا", "نوری", "male", 1975, "128301562"),
     [("معصومه", "spouse", "female", 1978, {}), ("مهدی", "child", "male", 2006, {"work_status": "unemployed"})],
     "urban", "محله دردشت", "rented", 25, "social_security", [],
     [("employment", 4, 20), ("debt", 3, 20)]),
    ("isf-jame", ("حسن", "صادقی", "male", 1958, "128301673"),
     [("طاهره", "spouse", "female", 1961, {"has_chronic_illness": True, "health_notes": "دیابت"})],
     "urban", "محله شهشهان", "relatives", 12, "basic", ["welfare"],
     [("health", 5, 200)]),
    ("isf-jame", ("سمیه", "جعفری", "female", 1990, "128301784"),
     [("نرگس", "child", "female", 2016, {"has_disability": True, "health_notes": "معلولیت جسمی-حرکتی"})],
     "urban", "محله جویباره", "informal", 0, "none", [],
     [("livelihood", 5, 10), ("housing", 4, 10), ("health", 3, 10)]),
    ("isf-jame", ("مجید", "اکبری", "male", 1988, "128301895"),
     [("لیلا", "spouse", "female", 1992, {}), ("امیر", "child", "male", 2019, {})],
     "urban", "محله سرچشمه", "rented", 40, "social_security", [],
     [("marriage", 2, 60)]),
    ("isf-hakim", ("زینب", "رحیمی", "female", 1970, "128302106"),
     [("مریم", "child", "female", 2003, {"education": "diploma"})],
     "urban", "محله حکیم", "rented", 10, "basic", ["relief_committee"],
     [("marriage", 4, 40), ("livelihood", 3, 40)]),
    ("isf-hakim", ("جواد", "کاظمی", "male", 1995, "128302217"), [],
     "urban", "محله بازار", "homeless", 0, "none", [],
     [("employment", 5, 5), ("housing", 5, 5)]),
    ("isf-hakim", ("احمد", "هاشمی", "male", 1966, "128302328"),
     [("الهام", "spouse", "female", 1970, {}), ("سعید", "child", "male", 2008, {}),
      ("فاطمه", "child", "female", 2011, {})],
     "urban", "محله نقش جهان", "owned", 30, "social_security", [],
     [("education", 3, 90), ("debt", 4, 90)]),
    ("kashan-agha-bozorg", ("محمد", "قاسمی", "male", 1960, "125401119"),
     [("زهرا", "spouse", "female", 1963, {}), ("حسین", "child", "male", 1998, {"has_disability": True})],
     "rural", "روستای نیاسر", "owned", 9, "rural", ["relief_committee"],
     [("health", 4, 15), ("livelihood", 3, 15)]),
    ("kashan-agha-bozorg", ("مریم", "شریفی", "female", 1984, "125401224"),
     [("رضا", "child", "male", 2010, {"is_orphan": True}), ("زینب", "child", "female", 2013, {"is_orphan": True})],
     "rural", "روستای قمصر", "relatives", 5, "none", [],
     [("orphan_care", 5, 25), ("livelihood", 4, 25)]),
    ("kashan-agha-bozorg", ("علی", "سلیمانی", "male", 1979, "125401339"),
     [("سمیه", "spouse", "female", 1983, {}), ("مهدی", "child", "male", 2014, {})],
     "urban", "محله سلطان امیر احمد", "rented", 35, "basic", [],
     [("employment", 3, 210)]),
    ("najafabad-jame", ("حسین", "عباسی", "male", 1972, "127801448"),
     [("معصومه", "spouse", "female", 1975, {}), ("محمد", "child", "male", 2005, {}),
      ("فاطمه", "child", "female", 2009, {})],
     "rural", "روستای جوزدان", "owned", 15, "rural", [],
     [("livelihood", 3, 45), ("education", 2, 45)]),
    ("najafabad-jame", ("طاهره", "یزدانی", "female", 1955, "127801553"), [],
     "urban", "محله شهرک امیریه", "rented", 6, "none", ["welfare"],
     [("health", 4, 35), ("livelihood", 4, 35)]),
    ("khomeinishahr-factory", ("سعید", "فاضلی", "male", 1986, "127901664"),
     [("نرگس", "spouse", "female", 1990, {}), ("علی", "child", "male", 2020, {})],
     "urban", "محله ریسندگی", "rented", 28, "social_security", [],
     [("debt", 4, 12)]),
    ("isf-base-zeinabiyeh", ("لیلا", "موسوی", "female", 1987, "128303775"),
     [("حسن", "child", "male", 2011, {}), ("زهرا", "child", "female", 2014, {})],
     "urban", "محله زینبیه", "rented", 7, "none", [],
     [("livelihood", 4, 18), ("employment", 4, 18)]),
    ("isf-base-zeinabiyeh", ("مرتضی", "طباطبایی", "male", 1950, "128303886"),
     [("فاطمه", "spouse", "female", 1954, {"has_disability": True})],
     "urban", "محله زینبیه", "owned", 11, "basic", [],
     [("health", 3, 190)]),
    ("isf-base-malekshahr", ("امیر", "نجفی", "male", 1993, "128303997"),
     [("مریم", "spouse", "female", 1996, {}), ("محمد", "child", "male", 2021, {})],
     "urban", "محله ملک‌شهر", "informal", 14, "none", [],
     [("housing", 4, 22), ("employment", 3, 22)]),
    ("kashan-base-fin", ("زهرا", "حسینی", "female", 1968, "125403118"),
     [("جواد", "child", "male", 2000, {"has_disability": True, "work_status": "unable"})],
     "rural", "روستای فین", "owned", 4, "rural", ["welfare"],
     [("health", 4, 50), ("livelihood", 3, 50)]),
    # The same two people registered at a second center (see OVERLAP_CODES).
    ("isf-hakim", ("فاطمه", "کریمی", "female", 1982, "128301457"),
     [("علی", "child", "male", 2012, {"is_orphan": True}), ("زهرا", "child", "female", 2015, {"is_orphan": True}),
      ("حسین", "child", "male", 2018, {"is_orphan": True})],
     "urban", "محله جلفا", "rented", 8, "none", ["relief_committee"],
     [("livelihood", 4, 8)]),
    ("najafabad-jame", ("مریم", "شریفی", "female", 1984, "125401224"),
     [("رضا", "child", "male", 2010, {"is_orphan": True}), ("زینب", "child", "female", 2013, {"is_orphan": True})],
     "rural", "روستای قمصر", "relatives", 5, "none", [],
     [("orphan_care", 4, 14)]),
]

# National codes of the heads registered at two demo centers each, and nothing else shared.
OVERLAP_CODES = [_code("128301457"), _code("125401224")]


SPOUSE_LAST_NAMES = ["احمدی", "محمدی", "رضایی", "نوری", "صادقی"]


def _people(index: int, last: str, members, today) -> list[services.MemberInput]:
    people = []
    for n, (name, relation, gender, birth, extra) in enumerate(members):
        extra = dict(extra)
        people.append(services.MemberInput(
            first_name=name, last_name=SPOUSE_LAST_NAMES[index % 5] if relation == "spouse" else last,
            relation=relation, gender=gender, birth_date=datetime.date(birth, 1 + (index + n) % 12, 10),
            work_status=extra.pop("work_status", "student" if today.year - birth < 19 else "homemaker"), **extra))
    return people


def seed(ctx):
    """Idempotent: registers the demo households that are missing, with their assessments."""
    today = timezone.localdate()
    for index, (slug, head, members, area, village, housing, income, insurance, supporters,
                assessments) in enumerate(HOUSEHOLDS):
        center = ctx.centers[slug]
        first, last, gender, year, digits = head
        code = _code(digits)
        if Member.objects.filter(center=center, national_code_index=crypto.blind_index(code)).exists():
            continue
        actor = actor_for(ctx.users[f"{slug}-vice-chair"], second_factor_passed=True)
        household = services.household_register(
            actor=actor, center=center, county=center.county, village=village, area=area, housing=housing,
            address=f"{center.county.name}، {village}، کوچه {to_persian_digits(index + 3)}، "
                    f"پلاک {to_persian_digits(index + 11)}",
            monthly_income=income * 1_000_000, insurance=insurance, supporting_organizations=supporters,
            consent_on=today - datetime.timedelta(days=60), mobile=f"0913{index + 1:03d}{(index * 37) % 10000:04d}",
            head=services.MemberInput(first_name=first, last_name=last, gender=gender, relation="head",
                                      birth_date=datetime.date(year, 1 + index % 12, 1 + index % 27),
                                      national_code=code, education="primary",
                                      work_status="unemployed" if income < 10 else "employed"),
            members=_people(index, last, members, today))
        for category, severity, days_ago in assessments:
            services.assessment_record(actor=actor, household=household, category=category, severity=severity,
                                       evidence=EVIDENCE[category],
                                       assessed_on=today - datetime.timedelta(days=days_ago))


EVIDENCE = {
    "livelihood": "درآمد ماهانه کمتر از هزینه‌های ضروری خانوار؛ بازدید از منزل انجام شد.",
    "housing": "محل سکونت ناامن و فاقد سند؛ اجاره‌بها چند ماه عقب افتاده است.",
    "health": "نیاز به درمان مستمر؛ نسخه و گزارش پزشک در پرونده بایگانی شد.",
    "education": "هزینه لوازم‌التحریر و شهریه فرزندان تأمین نشده است.",
    "employment": "سرپرست توان کار دارد و به مهارت‌آموزی و سرمایه خرد نیاز دارد.",
    "marriage": "فرزند در آستانه ازدواج و نیازمند جهیزیه است.",
    "debt": "بدهی معوق بانکی و قسط‌های عقب‌افتاده.",
    "orphan_care": "فرزندان یتیم در سن تحصیل؛ نیاز به حمایت ماهانه.",
}
