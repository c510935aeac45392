"""The national list of purposes money may be given for (DESIGN §5); only "general" is unrestricted."""

from django.db import migrations

PURPOSES = [
    ("general", "عمومی", False),
    ("zakat", "زکات", True),
    ("sadaqah", "صدقه", True),
    ("kaffara", "کفاره", True),
    ("nazr", "نذر", True),
    ("fitriyah", "فطریه", True),
    ("orphan_sponsorship", "کفالت ایتام", True),
    ("family_sponsorship", "کفالت خانواده", True),
    ("dowry", "جهیزیه", True),
    ("qard_hasan", "قرض‌الحسنه", True),
    ("housing", "مسکن", True),
    ("health", "درمان", True),
    ("education", "تحصیل", True),
    ("employment", "اشتغال", True),
    ("food", "غذا", True),
]


def load(apps, schema_editor):
    Purpose = apps.get_model("contributions", "Purpose")
    for code, name, restricted in PURPOSES:
        Purpose.objects.update_or_create(code=code, defaults={"name": name, "restricted": restricted})


def unload(apps, schema_editor):
    apps.get_model("contributions", "Purpose").objects.filter(code__in=[p[0] for p in PURPOSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
