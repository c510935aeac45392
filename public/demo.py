"""Demo data of the public pages: each demo center's story (``seed(ctx)`` is called by ``seed_demo``)."""

from public.models import PublicProfile

STORY = (
    "{name} در سال ۱۳۹۸ با همت اهالی محل و هیئت امنای {place} آغاز به کار کرد. همسایه‌ها نیازمندان واقعی محله "
    "را با حفظ آبرو شناسایی می‌کنند، کمک‌ها را شفاف گردآوری می‌کنند و با کرامت به دستشان می‌رسانند.\n\n"
    "اولویت ما اشتغال و توانمندسازی خانواده‌هاست: وام قرض‌الحسنه برای کسب‌وکارهای خانگی، آموزش مهارت، و "
    "حمایت از تحصیل فرزندان. گزارش دریافت‌ها و کمک‌های امسال را در همین صفحه می‌بینید."
)


def seed(ctx):
    """Idempotent: every demo center gets its story (direct writes: the demo builds past state)."""
    for center in ctx.centers.values():
        place = center.host_place_name or center.get_host_place_display()
        PublicProfile._base_manager.update_or_create(
            center=center, defaults={"story": STORY.format(name=center.name, place=place)})
