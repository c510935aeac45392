"""Recording cash contributions through the real service, one after another (issue 4: ≥ 300 a second).

Each gift goes through ``contribution_record_cash`` exactly as the trustee's form does: a ``Contribution``
row (tracked by pghistory's triggers), its confirmation, a ``LedgerTransaction`` with two ``Posting``s and
every database trigger of the ledger (balanced, same center, immutable, fund not below zero), each gift in
its own database transaction and its own pghistory context (as a request would be).

    .venv/bin/python bench/contributions_bench.py                 # 20,000 gifts, appends to the results
    .venv/bin/python bench/contributions_bench.py -n 2000 --profile --no-record   # where does the time go?
    .venv/bin/python bench/contributions_bench.py --batch 1000    # the batch path: 20 batches of 1,000

Runs against ``DATABASE_URL`` when set, otherwise against the embedded PostgreSQL in a database of its own
(``bench_contributions``), migrated first. A new center is made for every run, so runs do not share funds.
The section appended to ``bench/contributions_results.md`` is included in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("EMBEDDED_DB_NAME", "bench_contributions")

RESULTS = Path(__file__).resolve().parent / "contributions_results.md"
PURPOSES = ["general", "zakat", "sadaqah", "food", "orphan_sponsorship"]
TARGET = 300


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _center():
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from centers.models import Center, County, License, Organization

    today = timezone.localdate()
    stamp = time.strftime("%Y%m%d%H%M%S")
    with scopes_disabled():  # reviewed: the bench builds its own center outside any request
        center = Center.objects.create(
            name=f"مرکز سنجش {stamp}", slug=f"bench-{stamp}-{os.getpid()}",
            organization=Organization.objects.get(code=Organization.Code.RELIEF_COMMITTEE),
            county=County.objects.order_by("pk").first(), status=Center.Status.LICENSED)
        License.objects.create(center=center, activity_code=f"BENCH-{center.pk}",
                               valid_from=today - datetime.timedelta(days=1),
                               valid_until=today + datetime.timedelta(days=365))
    return center


def run(count: int, profile: bool) -> dict:
    import pghistory
    from django.db import connection
    from django.utils import timezone
    from django_scopes import scope

    from contributions.models import Contribution, Posting
    from contributions.services import contribution_record_cash, fund_balances

    center = _center()
    today = timezone.localdate()
    channels = [Contribution.Channel.IN_PERSON, Contribution.Channel.BANK_TRANSFER, Contribution.Channel.CHARITY_BOX]
    latencies: list[float] = []
    profiler = cProfile.Profile() if profile else None
    expected: dict[str, int] = dict.fromkeys(PURPOSES, 0)
    with scope(center=[center.pk]):
        # Warm up (accounts created, statements planned), not measured.
        for i in range(20):
            contribution_record_cash(center=center, purpose=PURPOSES[i % len(PURPOSES)], amount=10_000,
                                     received_on=today)
            expected[PURPOSES[i % len(PURPOSES)]] += 10_000
        if profiler:
            profiler.enable()
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        cpu_started = time.process_time()
        for i in range(count):
            purpose = PURPOSES[i % len(PURPOSES)]
            amount = 50_000 + (i % 97) * 10_000
            t0 = time.perf_counter()
            with pghistory.context(bench="contributions"):
                contribution_record_cash(center=center, purpose=purpose, amount=amount, received_on=today,
                                         channel=channels[i % len(channels)])
            latencies.append(time.perf_counter() - t0)
            expected[purpose] += amount
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
        if profiler:
            profiler.disable()
        # The ledger must be right, not only fast.
        balances = fund_balances(center=center)
        assert all(balances[p] == expected[p] for p in PURPOSES), (balances, expected)
        assert Posting.objects.filter(center=center).count() == 2 * (count + 20)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    latencies.sort()
    result = {
        "count": count,
        "elapsed_s": elapsed,
        "rate": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "python_cpu_ms": cpu / count * 1000,
        "load": (load_before, load_after),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        "server_version": server_version,
    }
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
        stats.print_stats(35)
        result["profile"] = out.getvalue()
    return result


def run_batch(count: int, size: int, profile: bool) -> dict:
    """The same gifts through ``contributions_record_cash_batch``, ``size`` gifts a batch, each batch in its
    own transaction and pghistory context (as an import or a bank statement upload would be)."""
    import pghistory
    from django.db import connection
    from django.utils import timezone
    from django_scopes import scope

    from contributions.models import Contribution, Posting, Receipt
    from contributions.services import CashGift, contributions_record_cash_batch, fund_balances

    center = _center()
    today = timezone.localdate()
    channels = [Contribution.Channel.IN_PERSON, Contribution.Channel.BANK_TRANSFER, Contribution.Channel.CHARITY_BOX]
    batch_latencies: list[float] = []
    profiler = cProfile.Profile() if profile else None
    expected: dict[str, int] = dict.fromkeys(PURPOSES, 0)
    gifts = []
    for i in range(count):
        purpose = PURPOSES[i % len(PURPOSES)]
        amount = 50_000 + (i % 97) * 10_000
        gifts.append(CashGift(purpose=purpose, amount=amount, received_on=today, channel=channels[i % len(channels)],
                              external_reference=f"BENCH-{center.pk}-{i}" if i % 3 == 1 else ""))
        expected[purpose] += amount
    with scope(center=[center.pk]):
        # Warm up (accounts created, statements planned), not measured.
        warm = [CashGift(purpose=PURPOSES[i % len(PURPOSES)], amount=10_000, received_on=today) for i in range(20)]
        contributions_record_cash_batch(center=center, gifts=warm)
        for gift in warm:
            expected[gift.purpose] += gift.amount
        if profiler:
            profiler.enable()
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        cpu_started = time.process_time()
        for start in range(0, count, size):
            t0 = time.perf_counter()
            with pghistory.context(bench="contributions-batch"):
                contributions_record_cash_batch(center=center, gifts=gifts[start:start + size])
            batch_latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
        if profiler:
            profiler.disable()
        # The ledger must be right, not only fast; every gift has its receipt, numbered without gaps.
        balances = fund_balances(center=center)
        assert all(balances[p] == expected[p] for p in PURPOSES), (balances, expected)
        assert Posting.objects.filter(center=center).count() == 2 * (count + 20)
        numbers = sorted(Receipt.objects.filter(center=center).values_list("number", flat=True))
        assert numbers == list(range(1, count + 21))
        from django.apps import apps

        history = apps.get_model("contributions", "ContributionEvent").objects.filter(center_id=center.pk).count()
        assert history == count + 20, history
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    batch_latencies.sort()
    per_gift = sorted(latency / size for latency in batch_latencies)
    result = {
        "mode": "batch",
        "batch_size": size,
        "batches": len(batch_latencies),
        "count": count,
        "elapsed_s": elapsed,
        "rate": count / elapsed,
        "p50_ms": statistics.median(batch_latencies) * 1000,
        "p95_ms": batch_latencies[int(0.95 * (len(batch_latencies) - 1))] * 1000,
        "p99_ms": batch_latencies[int(0.99 * (len(batch_latencies) - 1))] * 1000,
        "gift_p50_ms": statistics.median(per_gift) * 1000,
        "gift_p95_ms": per_gift[int(0.95 * (len(per_gift) - 1))] * 1000,
        "python_cpu_ms": cpu / count * 1000,
        "load": (load_before, load_after),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        "server_version": server_version,
    }
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
        stats.print_stats(35)
        result["profile"] = out.getvalue()
    return result


def run_import(count: int) -> dict:
    """An Excel workbook of ``count`` cash gifts through ``contributions_import`` (what ``donors.tasks.run_import``
    runs): one donor in five named by national code, one gift in three with a tracking number."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_scopes import scope

    from contributions.models import Contribution
    from contributions.services.importing import contributions_import
    from core.jalali import format_jalali
    from core.validators import national_code_check_digit
    from donors.importing import workbook
    from donors.services import donor_create

    center = _center()
    today = timezone.localdate()
    with scope(center=[center.pk]):
        codes = []
        for i in range(10):
            first9 = f"4{center.pk % 1000:03d}{i:05d}"
            code = first9 + str(national_code_check_digit(first9))
            donor_create(center=center, first_name="خیر", last_name=f"شماره {i}", national_code=code)
            codes.append(code)
        headers = ["تاریخ", "مبلغ (ریال)", "نیت", "کانال", "کد ملی خیر", "موبایل خیر", "شماره پیگیری"]
        names = ["زکات", "عمومی", "صدقه", "general", "zakat"]
        channels = ["حضوری", "واریز بانکی", "صندوق صدقات"]
        rows = [[format_jalali(today, persian_digits=False), 50_000 + (i % 97) * 10_000, names[i % 5],
                 channels[i % 3], codes[i % 10] if i % 5 == 0 else None, None,
                 f"IMP-{center.pk}-{i}" if i % 3 == 1 else None] for i in range(count)]
        content = workbook("gifts", headers, rows)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        result = contributions_import(center=center, upload=SimpleUploadedFile("gifts.xlsx", content))
        elapsed = time.perf_counter() - started
        assert result.ok, [(r.number, r.errors) for r in result.bad_rows][:5]
        assert Contribution.objects.filter(center=center).count() == count
    return {"count": count, "elapsed_s": elapsed, "rate": count / elapsed, "load": (load_before, os.getloadavg()[0])}


def _machine() -> str:
    from harness import machine_description

    return machine_description()


def record(result: dict, label: str) -> None:
    if result.get("mode") == "batch":
        return _record([
            f"### {label}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"- machine: {_machine()}; {result['database']} {result['server_version']}",
            f"- {result['count']:,} cash contributions through `contributions_record_cash_batch` (the path of "
            f"imports, counted charity boxes and bank statements), {result['batches']} batches of "
            f"{result['batch_size']:,}, one transaction each, with postings, receipts and history, "
            f"in {result['elapsed_s']:.1f} s",
            f"- **rate: {result['rate']:.0f} per second** (target ≥ {TARGET}: "
            f"{'met' if result['rate'] >= TARGET else 'not met'})",
            f"- latency per batch: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
            f"p99 {result['p99_ms']:.0f} ms; per gift (batch time / batch size): p50 {result['gift_p50_ms']:.2f} ms, "
            f"p95 {result['gift_p95_ms']:.2f} ms; Python CPU {result['python_cpu_ms']:.2f} ms per gift",
            f"- load average (1 min) before/after: {result['load'][0]:.1f} / {result['load'][1]:.1f} "
            "(the 2 cores are shared with other work; a high load slows every figure)",
            "",
        ])
    lines = [
        f"### {label}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"- machine: {_machine()}; {result['database']} {result['server_version']}",
        f"- {result['count']:,} cash contributions through `contribution_record_cash`, one transaction each, "
        f"in {result['elapsed_s']:.1f} s",
        f"- **rate: {result['rate']:.0f} per second** (target ≥ {TARGET}: "
        f"{'met' if result['rate'] >= TARGET else 'not met'})",
        f"- latency per gift: p50 {result['p50_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms; Python CPU {result['python_cpu_ms']:.2f} ms per gift",
        f"- load average (1 min) before/after: {result['load'][0]:.1f} / {result['load'][1]:.1f} "
        "(the 2 cores are shared with other work; a high load slows every figure)",
        "",
    ]
    _record(lines)


def _record(lines: list[str]) -> None:
    new = not RESULTS.exists()
    with RESULTS.open("a", encoding="utf-8") as f:
        if new:
            f.write("## Recording cash contributions (`bench/contributions_bench.py`)\n\n"
                    "Appended by `make bench-contributions`, newest last; the notes between runs say what "
                    "changed.\n\n")
        f.write("\n".join(lines) + "\n")
    from harness import RESULTS_JSON, RESULTS_MD, load_results, render_markdown

    RESULTS_MD.write_text(render_markdown(load_results(RESULTS_JSON)), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print where the time goes (cProfile)")
    parser.add_argument("--label", default="run", help="what this run measures (before/after a change)")
    parser.add_argument("--no-record", action="store_true", help="print only; append nothing to the results")
    parser.add_argument("--batch", type=int, nargs="?", const=1000, default=0, metavar="SIZE",
                        help="record through contributions_record_cash_batch, SIZE gifts a batch (default 1000)")
    parser.add_argument("--import", dest="import_rows", type=int, default=0, metavar="ROWS",
                        help="time contributions_import of a workbook of ROWS gifts (prints only)")
    args = parser.parse_args()
    _setup()
    if args.import_rows:
        result = run_import(args.import_rows)
        print(f"import of {result['count']} rows in {result['elapsed_s']:.1f} s: {result['rate']:.0f} rows/s, "
              f"load {result['load']}")
        return 0
    if args.batch:
        result = run_batch(args.count, args.batch, args.profile)
    else:
        result = run(args.count, args.profile)
    if args.profile:
        print(result.pop("profile"))
    print(f"{result['count']} gifts in {result['elapsed_s']:.1f} s: {result['rate']:.0f}/s, "
          f"p50 {result['p50_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms"
          f"{f' per batch of {args.batch}' if args.batch else ''}, "
          f"Python CPU {result['python_cpu_ms']:.2f} ms/gift, load {result['load']}")
    if not args.no_record:
        record(result, args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
