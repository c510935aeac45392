"""Demo data: one realistic province (Isfahan) with its centers, boards and supervisors.

Idempotent: running it again leaves the same centers, people and roles (it updates, never duplicates).
Writes .data/demo-users.json with every demo login. Demo passwords are public by design: never run this
against a production database (it refuses when DJANGO_HTTPS is on, unless --force is given).
"""

import base64
import datetime
import hashlib
import importlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from centers.models import (
    CORE_ROLES,
    BoardRole,
    Center,
    County,
    Organization,
    Province,
    SupervisorAssignment,
    TrusteeAppointment,
)

# Modules of centers.demo whose ``seed(ctx)`` runs after the centers, boards and supervisors exist.
DEMO_AREAS: list[str] = ["lifecycle", "board", "supervision"]
# Other apps' demo modules, seeded after the centers' areas (they need licensed centers and their boards).
DEMO_APPS: list[str] = ["bases.demo", "donors.demo", "contributions.demo", "beneficiaries.demo", "payments.demo",
                        "public.demo"]
DEMO_APPS += ["community.demo", "memoranda.demo"]  # neighbourhood work of the demo bases; memoranda (seed 003)

DEMO_PASSWORD = "nikookari-1405"  # noqa: S105 - demo accounts only, written to demo-users.json anyway
PROVINCE = "اصفهان"
START = datetime.date(2024, 3, 20)  # 1 Farvardin 1403

# (slug, name, organisation, county, host place, host place name, status)
CENTERS = [
    ("isf-jame", "مرکز نیکوکاری مسجد جامع", "relief_committee", "اصفهان", "mosque", "مسجد جامع عتیق", "licensed"),
    ("isf-hakim", "مرکز نیکوکاری مسجد حکیم", "relief_committee", "اصفهان", "mosque", "مسجد حکیم", "licensed"),
    ("isf-seyyed", "مرکز نیکوکاری مسجد سید", "relief_committee", "اصفهان", "mosque", "مسجد سید", "dissolved"),
    ("isf-university", "مرکز نیکوکاری دانشگاه اصفهان", "relief_committee", "اصفهان", "university",
     "دانشگاه اصفهان", "licensed"),
    ("isf-zeinabieh", "مرکز نیکوکاری حسینیه زینبیه", "relief_committee", "اصفهان", "mosque", "حسینیه زینبیه",
     "review"),
    ("kashan-agha-bozorg", "مرکز نیکوکاری مسجد آقابزرگ", "relief_committee", "کاشان", "mosque",
     "مسجد آقابزرگ", "licensed"),
    ("kashan-school", "مرکز نیکوکاری دبیرستان امیرکبیر", "relief_committee", "کاشان", "school",
     "دبیرستان امیرکبیر", "revoked"),
    ("najafabad-jame", "مرکز نیکوکاری مسجد جامع نجف‌آباد", "relief_committee", "نجف آباد", "mosque",
     "مسجد جامع نجف‌آباد", "licensed"),
    ("najafabad-clinic", "مرکز نیکوکاری درمانگاه امام رضا", "relief_committee", "نجف آباد", "clinic",
     "درمانگاه امام رضا (ع)", "suspended"),
    ("khomeinishahr-factory", "مرکز نیکوکاری کارخانه ریسندگی", "relief_committee", "خمینی شهر", "workplace",
     "کارخانه ریسندگی خمینی‌شهر", "licensed"),
    ("isf-base-zeinabiyeh", "پایگاه سلامت اجتماعی محله زینبیه", "welfare", "اصفهان", "other",
     "سرای محله زینبیه", "licensed"),
    ("isf-base-malekshahr", "پایگاه سلامت اجتماعی ملک‌شهر", "welfare", "اصفهان", "other", "سرای محله ملک‌شهر",
     "licensed"),
    ("kashan-base-fin", "پایگاه سلامت اجتماعی فین", "welfare", "کاشان", "other", "سرای محله فین", "licensed"),
    ("khomeinishahr-base", "پایگاه سلامت اجتماعی خمینی‌شهر", "welfare", "خمینی شهر", "school",
     "مدرسه شهید بهشتی", "application"),
]

FIRST_NAMES_MEN = ["علی", "محمد", "حسین", "رضا", "مهدی", "احمد", "حسن", "مرتضی", "جواد", "مجید", "امیر", "سعید"]
FIRST_NAMES_WOMEN = ["فاطمه", "زهرا", "مریم", "معصومه", "زینب", "سمیه", "طاهره", "لیلا", "نرگس", "الهام"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "نوری", "صادقی", "جعفری", "اکبری", "رحیمی",
              "کاظمی", "هاشمی", "طباطبایی", "شریفی", "قاسمی", "نجفی", "سلیمانی", "عباسی", "یزدانی", "فاضلی"]

# (username, first, last, organisation, level, county or None)
SUPERVISORS = [
    ("isfahan-relief-supervisor", "محمود", "فرهادی", "relief_committee", "province", None),
    ("isfahan-welfare-supervisor", "منیژه", "کیانی", "welfare", "province", None),
    ("isfahan-county-supervisor", "ناصر", "امینی", "relief_committee", "county", "اصفهان"),
    ("kashan-county-supervisor", "رسول", "باقری", "relief_committee", "county", "کاشان"),
    ("kashan-welfare-supervisor", "پروین", "صالحی", "welfare", "county", "کاشان"),
]


@dataclass
class DemoContext:
    """What the area seeds build on: the demo centers by slug, every demo user by username, the organisations
    by code, the province, and the list of logins (an area may add its own, e.g. volunteers)."""

    centers: dict
    users: dict
    organizations: dict
    province: object
    logins: list = field(default_factory=list)
    password_hash: str = ""


def _person(index: int, role: str) -> tuple[str, str]:
    women = role == BoardRole.DONOR_RELATIONS_WOMEN or index % 3 == 2
    first = (FIRST_NAMES_WOMEN if women else FIRST_NAMES_MEN)[index % (10 if women else 12)]
    return first, LAST_NAMES[(index * 7) % len(LAST_NAMES)]


def _totp_key(username: str) -> str:
    """A stable demo TOTP key per supervisor, so demo-users.json stays valid across runs."""
    return hashlib.sha256(f"demo-totp:{username}".encode()).hexdigest()[:40]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo province with centers, boards and supervisors."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with production settings")

    def handle(self, *args, force=False, **options):
        if getattr(settings, "HTTPS", False) and not force:
            raise CommandError("Refusing to create demo accounts with production settings (use --force).")
        with scopes_disabled(), transaction.atomic():  # reviewed: a management command building all centers
            logins = self._seed()
            ctx = DemoContext(
                centers={c.slug: c for c in Center.objects.filter(slug__in=[row[0] for row in CENTERS])},
                users={u.username: u for u in get_user_model().objects.filter(
                    username__in=[entry["username"] for entry in logins])},
                organizations={o.code: o for o in Organization.objects.all()},
                province=Province.objects.get(name=PROVINCE),
                logins=logins,
                password_hash=make_password(DEMO_PASSWORD),
            )
            for area in DEMO_AREAS:
                importlib.import_module(f"centers.demo.{area}").seed(ctx)
            for module in DEMO_APPS:
                importlib.import_module(module).seed(ctx)
        path = settings.DATA_DIR / "demo-users.json"
        path.write_text(json.dumps(logins, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"Demo data ready: {len(CENTERS)} centers, {len(logins)} logins listed in {path}")

    def _user(self, username, first, last, *, staff=False, superuser=False):
        User = get_user_model()
        user, _ = User.objects.update_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@demo.charity.local",
            "is_staff": staff or superuser, "is_superuser": superuser, "is_active": True,
        })
        return user

    def _totp(self, user) -> str:
        key = _totp_key(user.username)
        TOTPDevice.objects.update_or_create(user=user, name="demo authenticator",
                                            defaults={"key": key, "confirmed": True})
        return base64.b32encode(bytes.fromhex(key)).decode()

    def _seed(self) -> list[dict]:
        province = Province.objects.get(name=PROVINCE)
        orgs = {o.code: o for o in Organization.objects.all()}
        logins: list[dict] = []
        person = 0
        for slug, name, org, county_name, host, host_name, status in CENTERS:
            county = County.objects.get(province=province, name=county_name)
            center, _ = Center.objects.update_or_create(slug=slug, defaults={
                "name": name, "organization": orgs[org], "county": county, "host_place": host,
                "host_place_name": host_name, "status": status,
                "kind": Center.Kind.SOCIAL_HEALTH_BASE if org == "welfare" else Center.Kind.CHARITY,
            })
            roles = list(CORE_ROLES) + ([BoardRole.SOCIAL_WORK_OFFICER] if person % 2 == 0 else [])
            for role in roles:
                person += 1
                first, last = _person(person, role)
                username = f"{slug}-{role.replace('_', '-')}"
                user = self._user(username, first, last)
                TrusteeAppointment.objects.update_or_create(
                    center=center, role=role, status=TrusteeAppointment.Status.ACTIVE,
                    defaults={"user": user, "starts_on": START},
                )
                logins.append({"username": username, "password": DEMO_PASSWORD, "role": str(role),
                               "center_slug": slug})
        for username, first, last, org, level, county_name in SUPERVISORS:
            user = self._user(username, first, last, staff=True)
            county = County.objects.get(province=province, name=county_name) if county_name else None
            SupervisorAssignment.objects.update_or_create(
                user=user, organization=orgs[org], level=level,
                defaults={"province": None if county else province, "county": county, "starts_on": START,
                          "active": True},
            )
            logins.append({"username": username, "password": DEMO_PASSWORD, "role": f"{level}_supervisor",
                           "organization": org, "region": f"{level}:{county_name or PROVINCE}",
                           "totp_secret": self._totp(user)})
        admin = self._user("national-admin", "مدیر", "ستاد", superuser=True)
        logins.append({"username": admin.username, "password": DEMO_PASSWORD, "role": "national_admin",
                       "region": "national", "totp_secret": self._totp(admin)})
        # One hash for every demo login: hashing ninety passwords one by one takes half a minute.
        get_user_model().objects.filter(username__in=[entry["username"] for entry in logins]).update(
            password=make_password(DEMO_PASSWORD))
        return logins
