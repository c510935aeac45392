"""Demo donors: about thirty Persian donors (persons and legal entities, with valid national codes and IDs)
linked to the demo centers of their organisation, one of them linked to two centers, and one obvious
duplicate pair (the same person registered twice, once without a national code) for the duplicates page.

Idempotent: donors are found by their national code, ID or (for the duplicate) mobile and name.
"""

from django.utils import timezone

from core.validators import legal_entity_check_digit, national_code_check_digit

from .models import Donor, DonorLink

PERSONS = [  # (first, last, mobile suffix, consent)
    ("علی", "رضایی", "1234501", True), ("فاطمه", "حسینی", "1234502", True), ("محمد", "کریمی", "1234503", False),
    ("زهرا", "موسوی", "1234504", True), ("حسین", "صادقی", "1234505", False), ("مریم", "جعفری", "1234506", True),
    ("رضا", "اکبری", "1234507", False), ("معصومه", "رحیمی", "1234508", True), ("مهدی", "کاظمی", "1234509", False),
    ("زینب", "هاشمی", "1234510", True), ("احمد", "طباطبایی", "1234511", False), ("سمیه", "شریفی", "1234512", True),
    ("حسن", "قاسمی", "1234513", False), ("طاهره", "نجفی", "1234514", True), ("مرتضی", "سلیمانی", "1234515", False),
    ("لیلا", "عباسی", "1234516", True), ("جواد", "یزدانی", "1234517", False), ("نرگس", "فاضلی", "1234518", True),
    ("مجید", "نوری", "1234519", False), ("الهام", "محمدی", "1234520", True), ("امیر", "احمدی", "1234521", False),
    ("سعید", "باقری", "1234522", True), ("منصوره", "کیانی", "1234523", False), ("ابوالفضل", "امینی", "1234524", True),
]
LEGAL = [  # (name, mobile suffix)
    ("شرکت فولاد سپاهان نوین", "7654301"),
    ("موسسه خیریه نور هدایت", "7654302"),
    ("شرکت فرش دستباف کاشان", "7654303"),
    ("صندوق قرض‌الحسنه ولی‌عصر (عج)", "7654304"),
    ("تعاونی مصرف کارکنان ریسندگی", "7654305"),
]
RELIEF_CENTERS = ["isf-jame", "isf-hakim", "isf-university", "kashan-agha-bozorg", "najafabad-jame",
                  "khomeinishahr-factory"]
WELFARE_CENTERS = ["isf-base-zeinabiyeh", "isf-base-malekshahr", "kashan-base-fin"]


def national_code(n: int) -> str:
    first9 = f"12{n:07d}"
    return first9 + str(national_code_check_digit(first9))


def legal_entity_id(n: int) -> str:
    first10 = f"1010{n:06d}"
    return first10 + str(legal_entity_check_digit(first10))


def _link(donor, center):
    DonorLink.objects.get_or_create(center=center, donor=donor, defaults={"source": DonorLink.Source.REGISTERED})


def seed(ctx):
    """Idempotent: brings the demo donors up to date (direct writes: the demo builds past registrations)."""
    now = timezone.now()
    relief, welfare = ctx.organizations["relief_committee"], ctx.organizations["welfare"]
    centers = ctx.centers
    for i, (first, last, mobile, consent) in enumerate(PERSONS):
        welfare_donor = i % 6 == 5
        org = welfare if welfare_donor else relief
        slugs = WELFARE_CENTERS if welfare_donor else RELIEF_CENTERS
        donor, _ = Donor._base_manager.update_or_create(
            organization=org, national_code=national_code(100 + i),
            defaults={"kind": Donor.Kind.PERSON, "first_name": first, "last_name": last, "mobile": f"0913{mobile}",
                      "contact_by_sms": consent, "consent_at": now if consent else None,
                      "name_on_receipt": consent})
        if donor.consent_at is None and consent:
            donor.consent_at = now
            donor.save(update_fields=["consent_at"])
        _link(donor, centers[slugs[i % len(slugs)]])
        if i == 0:  # a donor known at two centers
            _link(donor, centers[slugs[1]])
    for i, (name, mobile) in enumerate(LEGAL):
        org = welfare if i == 4 else relief
        slugs = WELFARE_CENTERS if i == 4 else RELIEF_CENTERS
        donor, _ = Donor._base_manager.update_or_create(
            organization=org, legal_entity_id=legal_entity_id(200 + i),
            defaults={"kind": Donor.Kind.LEGAL, "legal_name": name, "mobile": f"0912{mobile}"})
        _link(donor, centers[slugs[i % len(slugs)]])
    # The obvious duplicate: علی رضایی registered again at the same center, without his national code and
    # with the Arabic letter forms of another keyboard, but with the same mobile.
    original = Donor._base_manager.get(organization=relief, national_code=national_code(100))
    duplicate, _ = Donor._base_manager.get_or_create(
        organization=relief, mobile=original.mobile, national_code="", merged_into=None,
        defaults={"kind": Donor.Kind.PERSON, "first_name": "علي", "last_name": "رضائي"})
    _link(duplicate, centers[RELIEF_CENTERS[0]])
