# ruff: noqa: S608 - the SQL is assembled from this module's constants and integers computed by the loader
"""The set-based steps of the scale data: rows made inside PostgreSQL with ``generate_series``.

Every random choice is ``pg_temp.r(i, salt)``: a hash of the row number and the seed (``hashint8extended``),
uniform in [0, 1). The same seed gives the same rows; no state is carried from row to row, so a later step
can recompute what an earlier one chose (the quantity of an in-kind gift, say) from the row's id alone.

Ids are given explicitly (the tables are empty when the load starts; the sequences are moved past them at
the end), so one step finds another's rows by arithmetic: the ledger transaction of contribution ``i`` is
``i`` and its postings are ``2i-1`` (the holder debited) and ``2i`` (the fund credited).

Account slots of center ``c``: id ``(c-1)*49 + slot``; slot 1 bank, 2 cash, 3 stock, 4 loans (qard al-hasan),
``4+p`` the fund of purpose index ``p`` (1..15), ``19+p`` its aid account, ``34+p`` its in-kind fund.
"""

from __future__ import annotations

ACCOUNT_SLOTS = 49

# Purpose codes in purpose-index order (index 1 = general); their ids are looked up in the database.
PURPOSES = ["general", "zakat", "sadaqah", "kaffara", "nazr", "fitriyah", "orphan_sponsorship",
            "family_sponsorship", "dowry", "qard_hasan", "housing", "health", "education", "employment", "food"]
QARD_HASAN = PURPOSES.index("qard_hasan") + 1
# Cumulative share of the gifts given for each purpose (same order).
PURPOSE_SHARES = [0.40, 0.48, 0.58, 0.60, 0.68, 0.71, 0.79, 0.84, 0.87, 0.91, 0.93, 0.96, 0.98, 0.99, 1.0]
# What general money is spent on (purpose indexes): food, health, housing, education, employment, dowry.
GENERAL_AID = [15, 12, 11, 13, 14, 9]

STOCK_CATEGORIES = [  # (category, description, unit, perishable, cumulative share)
    ("food", "برنج و حبوبات", "kg", True, 0.40),
    ("clothing", "پوشاک", "piece", False, 0.60),
    ("household", "لوازم خانگی", "piece", False, 0.75),
    ("medical", "دارو و لوازم پزشکی", "pack", True, 0.83),
    ("stationery", "لوازم التحریر", "pack", False, 0.91),
    ("building", "مصالح ساختمانی", "carton", False, 0.95),
    ("fuel", "نفت و سوخت گرمایشی", "litre", False, 1.0),
]

FIRST_MEN = ["علی", "محمد", "حسین", "رضا", "مهدی", "احمد", "حسن", "مرتضی", "جواد", "مجید", "امیر", "سعید", "عباس",
             "ابوالفضل", "محمود", "اکبر", "هادی", "یوسف", "کاظم", "ناصر"]
FIRST_WOMEN = ["فاطمه", "زهرا", "مریم", "معصومه", "زینب", "سمیه", "طاهره", "لیلا", "نرگس", "الهام", "رقیه", "سکینه",
               "مهناز", "پروین", "شهلا", "اعظم", "صدیقه", "کبری", "منیره", "فرشته"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "نوری", "صادقی", "جعفری", "اکبری", "رحیمی",
              "کاظمی", "هاشمی", "طباطبایی", "شریفی", "قاسمی", "نجفی", "سلیمانی", "عباسی", "یزدانی", "فاضلی",
              "زارعی", "قربانی", "ابراهیمی", "اسماعیلی", "امینی", "باقری", "حیدری", "مرادی", "نظری", "کرمانی",
              "اصفهانی", "شیرازی", "تهرانی", "خسروی", "فرهادی", "کیانی", "صالحی", "یوسفی", "میرزایی"]
COMPANIES = ["شرکت فولاد مبارکه", "شرکت ذوب آهن", "کارخانه ریسندگی", "شرکت پخش البرز", "بانک ملی - شعبه مرکزی",
             "شرکت تعاونی کشاورزان", "صنایع غذایی زاگرس", "هیئت امنای بازار", "اتحادیه صنف طلا و جواهر",
             "شرکت ساختمانی سپاهان"]
HOSTS = [  # (host place, name)
    ("mosque", "مسجد امام حسین (ع)"), ("mosque", "مسجد جامع"), ("mosque", "مسجد الزهرا (س)"),
    ("mosque", "مسجد امام رضا (ع)"), ("mosque", "مسجد ولیعصر (عج)"), ("mosque", "مسجد المهدی"),
    ("mosque", "مسجد امام صادق (ع)"), ("mosque", "حسینیه اعظم"), ("school", "دبیرستان شهید بهشتی"),
    ("school", "دبستان فردوسی"), ("workplace", "کارخانه صنایع فلزی"), ("clinic", "درمانگاه امام رضا (ع)"),
    ("university", "دانشگاه آزاد اسلامی"), ("other", "سرای محله"),
]


def sql_text_array(values) -> str:
    """A text[] literal for values we wrote ourselves (single quotes doubled)."""
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]::text[]"


def case_pick(expr: str, thresholds, values) -> str:
    """``CASE WHEN expr < t1 THEN v1 WHEN expr < t2 THEN v2 ... ELSE vn END`` (values are SQL)."""
    parts = [f"WHEN {expr} < {t} THEN {v}" for t, v in zip(thresholds[:-1], values[:-1], strict=True)]
    return "CASE " + " ".join(parts) + f" ELSE {values[-1]} END"


def persian_digits(expr: str) -> str:
    return f"translate(({expr})::text, '0123456789', '۰۱۲۳۴۵۶۷۸۹')"


def setup_functions(seed: int) -> list[str]:
    return [
        f"""CREATE FUNCTION pg_temp.r(i bigint, salt integer) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $$ SELECT (hashint8extended(i, salt::bigint * 1000003 + {int(seed)}) & 2147483647)::double precision
                      / 2147483648.0 $$""",
        # A valid Iranian national code from a 9-digit number (check digit: weights 10..2, mod 11).
        """CREATE FUNCTION pg_temp.nc(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
            WITH d AS (SELECT lpad((n % 1000000000)::text, 9, '0') AS s)
            SELECT s || (CASE WHEN t % 11 < 2 THEN t % 11 ELSE 11 - t % 11 END)::text
              FROM (SELECT s, (SELECT sum(substr(s, k, 1)::int * (11 - k)) FROM generate_series(1, 9) k) AS t
                      FROM d) x $$""",
    ]


def centers(*, C: int, cpp: int, province_ids: list[int], start: str, until: str, org_relief: int,
            org_welfare: int) -> list[str]:
    hosts = sql_text_array(h for h, _n in HOSTS)
    host_names = sql_text_array(n for _h, n in HOSTS)
    return [
        f"""CREATE TEMP TABLE sc_prov ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY p.id) AS pidx, p.id AS province_id,
                   (SELECT count(*) FROM centers_county c WHERE c.province_id = p.id) AS ncounty
              FROM centers_province p WHERE p.id = ANY(ARRAY[{",".join(map(str, province_ids))}]::bigint[])""",
        """CREATE TEMP TABLE sc_county ON COMMIT DROP AS
            SELECT province_id, row_number() OVER (PARTITION BY province_id ORDER BY code, id) AS rn, id, name
              FROM centers_county""",
        f"""CREATE TEMP TABLE sc_center ON COMMIT DROP AS
            WITH b AS (
              SELECT (p.pidx - 1) * {cpp} + k AS id, p.province_id, p.ncounty, k FROM sc_prov p,
                     generate_series(1, {cpp}) k),
            c AS (
              SELECT b.*,
                     CASE WHEN pg_temp.r(b.id, 11) < 0.35 THEN 1
                          ELSE 1 + floor(pg_temp.r(b.id, 12) * b.ncounty)::int END AS county_rn,
                     CASE WHEN b.k % 5 = 0 THEN {org_welfare} ELSE {org_relief} END AS org_id,
                     {case_pick("pg_temp.r(b.id, 13)", [0.03, 0.05, 1], ["'suspended'", "'revoked'", "'licensed'"])}
                       AS status,
                     DATE '{start}' - 1400 + floor(pg_temp.r(b.id, 15) * (DATE '{until}' - DATE '{start}' + 1200)
                                                  * 0.75)::int AS created_on,
                     0.35 + 1.9 * power(pg_temp.r(b.id, 16), 1.5) AS size,
                     -0.45 + 1.1 * pg_temp.r(b.id, 17) AS growth,
                     1 + floor(pg_temp.r(b.id, 18) * {len(HOSTS)})::int AS host
                FROM b)
            SELECT c.*, county.id AS county_id, county.name AS county_name,
                   CASE WHEN c.status = 'licensed' THEN NULL
                        ELSE DATE '{until}' - 20 - floor(pg_temp.r(c.id, 14) * 300)::int END AS stopped_on
              FROM c JOIN sc_county county ON county.province_id = c.province_id AND county.rn = c.county_rn""",
        """ALTER TABLE sc_center ADD COLUMN lo date, ADD COLUMN hi date""",
        f"""UPDATE sc_center SET lo = greatest(DATE '{start}', created_on + 30),
                                hi = least(DATE '{until}', coalesce(stopped_on - 1, DATE '{until}'))""",
        "ALTER TABLE sc_center ADD PRIMARY KEY (id)",
        f"""INSERT INTO centers_center (id, name, slug, kind, host_place, host_place_name, status, created_at,
                                        county_id, organization_id, activity_area, activity_area_description,
                                        activity_code, address, iban, mobile, phone, postal_code)
            SELECT c.id,
                   CASE WHEN c.org_id = {org_welfare} THEN 'پایگاه سلامت اجتماعی ' ELSE 'مرکز نیکوکاری ' END
                     || ({host_names})[c.host] || ' ' || c.county_name || ' ' || {persian_digits("c.k")},
                   'scale-' || c.id,
                   CASE WHEN c.org_id = {org_welfare} THEN 'social_health_base' ELSE 'charity' END,
                   ({hosts})[c.host], ({host_names})[c.host], c.status, c.created_on::timestamp AT TIME ZONE 'UTC',
                   c.county_id, c.org_id, NULL, '', 'SC' || lpad(c.id::text, 6, '0'),
                   c.county_name || '، خیابان ' || {persian_digits("1 + c.id % 40")} || ' متری', '', '', '', ''
              FROM sc_center c""",
        # Licenses: issued when the center was founded, renewed every two years.
        f"""INSERT INTO centers_license (id, activity_code, kind, valid_from, valid_until, issued_at,
                                         reminder_sent_at, center_id, issued_by_id)
            SELECT row_number() OVER (ORDER BY c.id, n), 'SC' || lpad(c.id::text, 6, '0'),
                   CASE WHEN n = 0 THEN 'issue' ELSE 'renewal' END,
                   c.created_on + n * 730, c.created_on + (n + 1) * 730 - 1,
                   (c.created_on + n * 730)::timestamp AT TIME ZONE 'UTC' + interval '9 hours', NULL, c.id, NULL
              FROM sc_center c, generate_series(0, 20) n
             WHERE c.created_on + n * 730 <= coalesce(c.stopped_on, DATE '{until}')""",
        """INSERT INTO centers_centertransition (id, name, from_status, to_status, at, reason, data, actor_id,
                                                 center_id)
            SELECT row_number() OVER (ORDER BY c.id), CASE WHEN c.status = 'revoked' THEN 'revoke' ELSE 'suspend' END,
                   'licensed', c.status, c.stopped_on::timestamp AT TIME ZONE 'UTC' + interval '10 hours',
                   CASE WHEN c.status = 'revoked' THEN 'لغو مجوز پس از بازرسی و تخلف مالی'
                        ELSE 'تعلیق موقت تا رفع نواقص گزارش بازرسی' END, '{}'::jsonb, NULL, c.id
              FROM sc_center c WHERE c.stopped_on IS NOT NULL""",
    ]


def accounts(*, purpose_ids: list[int]) -> list[str]:
    qard = purpose_ids[QARD_HASAN - 1]
    pids = "ARRAY[" + ",".join(map(str, purpose_ids)) + "]::bigint[]"
    return [
        f"""CREATE TEMP TABLE sc_purpose ON COMMIT DROP AS
            SELECT p AS pidx, ({pids})[p] AS id FROM generate_series(1, {len(purpose_ids)}) p""",
        f"""INSERT INTO contributions_account (id, kind, name, center_id, purpose_id)
            SELECT (c.id - 1) * {ACCOUNT_SLOTS} + s.slot, s.kind, '', c.id, s.purpose_id
              FROM sc_center c,
                   (SELECT 1 AS slot, 'bank' AS kind, NULL::bigint AS purpose_id
                    UNION ALL SELECT 2, 'cash', NULL UNION ALL SELECT 3, 'stock', NULL
                    UNION ALL SELECT 4, 'loans', {qard}
                    UNION ALL SELECT 4 + pidx, 'fund', id FROM sc_purpose
                    UNION ALL SELECT 19 + pidx, 'aid', id FROM sc_purpose
                    UNION ALL SELECT 34 + pidx, 'goods', id FROM sc_purpose) s""",
    ]


def users(*, C: int, u0: int, password: str) -> list[str]:
    """The loader (creator of the rows) is user ``u0``; the chair of center ``c`` is ``u0 + c``."""
    pw = password.replace("'", "''")
    return [
        f"""INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name, last_name,
                                       email, is_staff, is_active, date_joined, mobile, national_code, birth_date)
            SELECT {u0} + k, '{pw}', NULL, false,
                   CASE WHEN k = 0 THEN 'scale-loader' ELSE 'scale-' || k || '-chair' END,
                   CASE WHEN k = 0 THEN 'داده' ELSE ({sql_text_array(FIRST_MEN)})[1 + k % {len(FIRST_MEN)}] END,
                   CASE WHEN k = 0 THEN 'انبوه' ELSE ({sql_text_array(LAST_NAMES)})[1 + (k * 7) % {len(LAST_NAMES)}]
                   END,
                   CASE WHEN k = 0 THEN '' ELSE 'scale-' || k || '-chair@scale.charity.local' END,
                   false, k > 0, now(), '', NULL, NULL
              FROM generate_series(0, {C}) k""",
        f"""INSERT INTO centers_trusteeappointment (id, role, starts_on, ends_on, status, created_at, center_id,
                                                    user_id, appointed_by_id, end_reason, letter_number, letter_seq,
                                                    letter_year, change_request_id)
            SELECT c.id, 'chair', c.created_on, NULL, 'active', c.created_on::timestamp AT TIME ZONE 'UTC', c.id,
                   {u0} + c.id, NULL, '', '', NULL, NULL, NULL
              FROM sc_center c""",
    ]


def donors(*, C: int, D: int, until: str, start: str) -> list[str]:
    men, women = sql_text_array(FIRST_MEN), sql_text_array(FIRST_WOMEN)
    last, companies = sql_text_array(LAST_NAMES), sql_text_array(COMPANIES)
    return [
        f"""CREATE TEMP TABLE sc_donor ON COMMIT DROP AS
            SELECT d::bigint AS id, 1 + floor(pg_temp.r(d, 21) * {C})::int AS home,
                   CASE WHEN pg_temp.r(d, 22) < 0.2 THEN 1 + floor(pg_temp.r(d, 23) * {C})::int END AS second,
                   pg_temp.r(d, 24) < 0.05 AS legal
              FROM generate_series(1, {D}) d""",
        "UPDATE sc_donor SET second = NULL WHERE second = home",
        "ALTER TABLE sc_donor ADD PRIMARY KEY (id)",
        f"""INSERT INTO donors_donor (id, kind, first_name, last_name, legal_name, national_code, legal_entity_id,
                                      mobile, email, address, postal_code, contact_by_sms, contact_by_email,
                                      contact_by_post, consent_at, name_on_receipt, created_at, created_by_id,
                                      merged_into_id, organization_id, user_id)
            SELECT d.id, CASE WHEN d.legal THEN 'legal' ELSE 'person' END,
                   CASE WHEN d.legal THEN ''
                        WHEN pg_temp.r(d.id, 25) < 0.55
                          THEN ({men})[1 + floor(pg_temp.r(d.id, 26) * {len(FIRST_MEN)})::int]
                        ELSE ({women})[1 + floor(pg_temp.r(d.id, 26) * {len(FIRST_WOMEN)})::int] END,
                   CASE WHEN d.legal THEN ''
                        ELSE ({last})[1 + floor(pg_temp.r(d.id, 27) * {len(LAST_NAMES)})::int] END,
                   CASE WHEN d.legal THEN ({companies})[1 + floor(pg_temp.r(d.id, 27) * {len(COMPANIES)})::int]
                                          || ' ' || {persian_digits("d.id")} ELSE '' END,
                   CASE WHEN d.legal THEN '' ELSE pg_temp.nc((d.id * 387420489 + 13) % 1000000000) END,
                   CASE WHEN d.legal THEN '1' || lpad(((d.id * 7919) % 10000000000)::text, 10, '0') ELSE '' END,
                   '09' || lpad(((d.id * 48271 + 3) % 1000000000)::text, 9, '0'),
                   CASE WHEN pg_temp.r(d.id, 28) < 0.3 THEN 'donor' || d.id || '@example.ir' ELSE '' END,
                   '', '', true, pg_temp.r(d.id, 28) < 0.3, false,
                   CASE WHEN pg_temp.r(d.id, 29) < 0.7 THEN c.created_on::timestamp AT TIME ZONE 'UTC' END,
                   pg_temp.r(d.id, 30) < 0.8,
                   (greatest(c.created_on, DATE '{start}' - 400)
                    + floor(pg_temp.r(d.id, 31) * (DATE '{until}' - greatest(c.created_on, DATE '{start}' - 400))
                            * 0.5)::int)::timestamp AT TIME ZONE 'UTC',
                   NULL, NULL, c.org_id, NULL
              FROM sc_donor d JOIN sc_center c ON c.id = d.home""",
        """INSERT INTO donors_donorlink (id, source, since, center_id, donor_id)
            SELECT 2 * d.id - 1, CASE WHEN pg_temp.r(d.id, 32) < 0.5 THEN 'registered' ELSE 'contribution' END,
                   dd.created_at, d.home, d.id
              FROM sc_donor d JOIN donors_donor dd ON dd.id = d.id
            UNION ALL
            SELECT 2 * d.id, 'contribution', dd.created_at + interval '30 days', d.second, d.id
              FROM sc_donor d JOIN donors_donor dd ON dd.id = d.id WHERE d.second IS NOT NULL""",
    ]


def campaigns(rows: list[tuple]) -> list[str]:
    """``rows``: (id, occasion, name, starts_on, ends_on, goal, organization id)."""
    if not rows:
        return ["""CREATE TEMP TABLE sc_campaign (id bigint, occasion text, name text, starts_on date, ends_on date,
                                            goal bigint, org_id bigint) ON COMMIT DROP"""]
    values = ",".join(
        f"({i}, '{occ}', '{name}', DATE '{s}', DATE '{e}', {goal}, {org})" for i, occ, name, s, e, goal, org in rows)
    return [
        f"""CREATE TEMP TABLE sc_campaign ON COMMIT DROP AS
            SELECT * FROM (VALUES {values}) v(id, occasion, name, starts_on, ends_on, goal, org_id)""",
        """INSERT INTO contributions_campaign (id, occasion, name, starts_on, ends_on, goal_amount, created_at,
                                               organization_id)
            SELECT id, occasion, name, starts_on, ends_on, goal, (starts_on - 30)::timestamp AT TIME ZONE 'UTC', org_id
              FROM sc_campaign""",
        """INSERT INTO contributions_campaign_centers (id, campaign_id, center_id)
            SELECT row_number() OVER (ORDER BY k.id, c.id), k.id, c.id
              FROM sc_campaign k JOIN sc_center c ON c.org_id = k.org_id""",
    ]


def contributions(*, N: int, D: int, C: int, until: str, loader: int) -> list[str]:
    purpose_pick = case_pick("r_pur", PURPOSE_SHARES, [str(i) for i in range(1, len(PURPOSES) + 1)])
    kind = case_pick("r_kind", [0.82, 0.91, 0.97, 1], ["'cash'", "'in_kind'", "'service'", "'construction'"])
    channel = case_pick("r_chan", [0.08, 0.30, 0.50, 0.78, 0.90, 1],
                        ["'charity_box'", "'in_person'", "'bank_transfer'", "'online'", "'payroll'", "'sms_ussd'"])
    # The gift's date: later days are likelier (giving grows about 25% over the period).
    x = "((sqrt(1 + 0.25 * 2.25 * r_date) - 1) / 0.25)"
    amount = f"""CASE
        WHEN kind = 'cash' AND channel = 'charity_box'
          THEN greatest(10000, round(power(10, 4.7 + 1.6 * r_amt) * size * (1 + growth * {x}) / 10000) * 10000)
        WHEN kind = 'cash'
          THEN greatest(10000, round(power(10, 5 + 2.6 * power(r_amt, 1.4)) * size * (1 + growth * {x}) / 10000)
                               * 10000)
        WHEN kind = 'in_kind'
          THEN (1 + floor(pg_temp.r(g.id, 41) * 20)) * (round(power(10, 5 + 1.5 * pg_temp.r(g.id, 42)) / 1000) * 1000)
        WHEN kind = 'service'
          THEN (1 + floor(pg_temp.r(g.id, 45) * 40)) * (500000 + round(pg_temp.r(g.id, 46) * 30) * 50000)
        ELSE round(power(10, 7 + 1.3 * r_amt) / 1000000) * 1000000 END"""
    return [
        f"""CREATE TEMP TABLE sc_gift ON COMMIT DROP AS
            WITH g AS (
              SELECT i, pg_temp.r(i, 33) AS r_kind, pg_temp.r(i, 34) AS r_chan, pg_temp.r(i, 35) AS r_pur,
                     pg_temp.r(i, 36) AS r_amt, pg_temp.r(i, 37) AS r_date, pg_temp.r(i, 38) AS r_stat,
                     pg_temp.r(i, 39) AS r_who, pg_temp.r(i, 40) AS r_camp
                FROM generate_series(1::bigint, {N}) i),
            d AS (
              SELECT g.*, CASE WHEN r_chan < 0.08 THEN NULL
                               ELSE 1 + floor(power(r_who, 1.6) * {D})::bigint END AS donor_id
                FROM g),
            c AS (
              SELECT d.*, CASE WHEN d.donor_id IS NULL THEN 1 + floor(r_who * {C})::int
                               WHEN sd.second IS NOT NULL AND pg_temp.r(i, 43) < 0.2 THEN sd.second
                               ELSE sd.home END AS center_id
                FROM d LEFT JOIN sc_donor sd ON sd.id = d.donor_id),
            k AS (
              SELECT c.*, CASE WHEN donor_id IS NULL THEN 'cash' ELSE {kind} END AS kind,
                     {purpose_pick} AS pidx
                FROM c)
            SELECT k.i AS id, k.kind,
                   CASE WHEN k.kind <> 'cash' THEN 'in_person' ELSE {channel} END AS channel,
                   sc.lo + floor({x} * (sc.hi - sc.lo + 1))::int AS received_on,
                   k.r_amt, k.r_stat, k.r_camp, k.r_date, k.center_id, k.donor_id, k.pidx, sc.size, sc.growth, sc.org_id
              FROM k JOIN sc_center sc ON sc.id = k.center_id""",
        f"""INSERT INTO contributions_contribution (id, kind, channel, received_on, amount, status, external_reference,
                                                    note, reversal_reason, recorded_at, confirmed_at, reversed_at,
                                                    campaign_id, center_id, confirmed_by_id, donor_id,
                                                    ledger_transaction_id, purpose_id, recorded_by_id, reversed_by_id)
            WITH s AS (
              SELECT g.*, {amount}::bigint AS amount,
                     CASE WHEN g.kind = 'cash' AND g.r_stat < 0.008 THEN 'reversed'
                          WHEN g.received_on > DATE '{until}' - 20 AND g.r_stat > 0.6 THEN 'recorded'
                          ELSE 'confirmed' END AS status,
                     g.received_on::timestamp AT TIME ZONE 'UTC' + interval '10 hours'
                       + (g.r_stat * interval '8 hours') AS recorded_at
                FROM sc_gift g)
            SELECT s.id, s.kind, s.channel, s.received_on, s.amount, s.status, '', '',
                   CASE WHEN s.status = 'reversed' THEN 'ثبت تکراری؛ مبلغ به حساب واریز نشده بود' ELSE '' END,
                   s.recorded_at,
                   CASE WHEN s.status <> 'recorded' THEN s.recorded_at + interval '1 hour' END,
                   CASE WHEN s.status = 'reversed' THEN least(s.recorded_at + interval '3 days',
                                                              DATE '{until}'::timestamp AT TIME ZONE 'UTC'
                                                              + interval '20 hours') END,
                   CASE WHEN s.r_camp < 0.5 THEN (SELECT k.id FROM sc_campaign k WHERE k.org_id = s.org_id
                                                     AND s.received_on BETWEEN k.starts_on AND k.ends_on
                                                   ORDER BY k.id LIMIT 1) END,
                   s.center_id, CASE WHEN s.status <> 'recorded' THEN {loader} END, s.donor_id,
                   CASE WHEN s.kind IN ('cash', 'in_kind') AND s.status <> 'recorded' THEN s.id END,
                   p.id, {loader}, CASE WHEN s.status = 'reversed' THEN {loader} END
              FROM s JOIN sc_purpose p ON p.pidx = s.pidx""",
    ]


def contribution_ledger(*, N: int, loader: int) -> list[str]:
    slots = ACCOUNT_SLOTS
    return [
        f"""INSERT INTO contributions_ledgertransaction (id, occurred_on, memo, reference, created_at, center_id,
                                                        created_by_id, reverses_id, approval_reference)
            SELECT c.id, c.received_on,
                   CASE WHEN c.kind = 'cash' THEN 'دریافت کمک نقدی شماره ' ELSE 'دریافت کالای اهدایی شماره ' END
                     || {persian_digits("c.id")},
                   'contribution:' || c.id, c.confirmed_at, c.center_id, {loader}, NULL, ''
              FROM contributions_contribution c WHERE c.ledger_transaction_id IS NOT NULL""",
        f"""INSERT INTO contributions_posting (id, amount, account_id, center_id, transaction_id)
            SELECT 2 * c.id - 1, -c.amount,
                   (c.center_id - 1) * {slots} + CASE WHEN c.kind = 'in_kind' THEN 3
                                                      WHEN c.channel IN ('in_person', 'charity_box') THEN 2
                                                      ELSE 1 END,
                   c.center_id, c.id
              FROM contributions_contribution c WHERE c.ledger_transaction_id IS NOT NULL
            UNION ALL
            SELECT 2 * c.id, c.amount,
                   (c.center_id - 1) * {slots} + CASE WHEN c.kind = 'in_kind' THEN 34 ELSE 4 END + p.pidx,
                   c.center_id, c.id
              FROM contributions_contribution c JOIN sc_purpose p ON p.id = c.purpose_id
             WHERE c.ledger_transaction_id IS NOT NULL""",
        # Reversals: a transaction pointing at the original, every posting turned round.
        f"""INSERT INTO contributions_ledgertransaction (id, occurred_on, memo, reference, created_at, center_id,
                                                        created_by_id, reverses_id, approval_reference)
            SELECT {N} + c.id, c.reversed_at::date, 'برگشت تراکنش شماره ' || {persian_digits("c.id")}, '',
                   c.reversed_at, c.center_id, {loader}, c.id, ''
              FROM contributions_contribution c WHERE c.status = 'reversed'""",
        f"""INSERT INTO contributions_posting (id, amount, account_id, center_id, transaction_id)
            SELECT {2 * N} + p.id, -p.amount, p.account_id, p.center_id, {N} + c.id
              FROM contributions_contribution c JOIN contributions_posting p ON p.transaction_id = c.id
             WHERE c.status = 'reversed'""",
    ]


def gift_details(*, N: int, loader: int, until: str) -> list[str]:
    cats = STOCK_CATEGORIES
    cat_idx = case_pick("pg_temp.r(c.id, 44)", [s for *_x, s in cats], [str(i) for i in range(1, len(cats) + 1)])
    names = sql_text_array(c[0] for c in cats)
    descs = sql_text_array(c[1] for c in cats)
    units = sql_text_array(c[2] for c in cats)
    perishable = "ARRAY[" + ",".join("true" if c[3] else "false" for c in cats) + "]::boolean[]"
    service_types = sql_text_array(["medical", "legal", "teaching", "building", "counselling", "other"])
    service_desc = sql_text_array(["ویزیت رایگان بیماران", "مشاوره حقوقی", "کلاس تقویتی", "تعمیر منزل",
                                   "مشاوره خانواده", "خدمات داوطلبانه"])
    facilities = sql_text_array(["housing", "school", "clinic", "center_building", "mosque", "workshop"])
    facility_names = sql_text_array(["واحد مسکونی مددجو", "مدرسه روستایی", "خانه بهداشت", "ساختمان مرکز",
                                     "مسجد محله", "کارگاه اشتغال"])
    return [
        f"""CREATE TEMP TABLE sc_lot ON COMMIT DROP AS
            SELECT c.id, c.center_id, c.received_on, c.amount, c.status, c.purpose_id, p.pidx,
                   {cat_idx} AS cat, (1 + floor(pg_temp.r(c.id, 41) * 20))::int AS qty,
                   pg_temp.r(c.id, 47) < 0.7 AND c.received_on < DATE '{until}' AND c.status = 'confirmed'
                     AS given
              FROM contributions_contribution c JOIN sc_purpose p ON p.id = c.purpose_id
             WHERE c.kind = 'in_kind'""",
        f"""INSERT INTO contributions_stockitem (id, category, description, key, unit, created_at, center_id)
            SELECT (c.id - 1) * {len(cats)} + q, ({names})[q], ({descs})[q], ({descs})[q], ({units})[q],
                   c.created_on::timestamp AT TIME ZONE 'UTC', c.id
              FROM sc_center c, generate_series(1, {len(cats)}) q""",
        f"""INSERT INTO contributions_inkindline (id, category, description, unit, quantity, unit_value, perishable,
                                                  expires_on, center_id, contribution_id)
            SELECT l.id, ({names})[l.cat], ({descs})[l.cat], ({units})[l.cat], l.qty, l.amount / l.qty,
                   ({perishable})[l.cat], CASE WHEN ({perishable})[l.cat] THEN l.received_on + 180 END,
                   l.center_id, l.id
              FROM sc_lot l""",
        f"""INSERT INTO contributions_stocklot (id, received_on, quantity_received, quantity_remaining, unit_value,
                                                value_received, value_remaining, perishable, expires_on, center_id,
                                                contribution_id, item_id, line_id, purpose_id)
            SELECT l.id, l.received_on, l.qty, CASE WHEN l.given THEN 0 ELSE l.qty END, l.amount / l.qty,
                   l.amount, CASE WHEN l.given THEN 0 ELSE l.amount END,
                   ({perishable})[l.cat], CASE WHEN ({perishable})[l.cat] THEN l.received_on + 180 END,
                   l.center_id, l.id, (l.center_id - 1) * {len(cats)} + l.cat, l.id, l.purpose_id
              FROM sc_lot l WHERE l.status = 'confirmed'""",
        f"""INSERT INTO contributions_stockmovement (id, batch, kind, cause, quantity, value, occurred_on,
                                                     recipient_reference, reason, created_at, center_id,
                                                     created_by_id, item_id, ledger_transaction_id, lot_id,
                                                     purpose_id)
            SELECT l.id, md5('receipt:' || l.id)::uuid, 'receipt', '', l.qty, l.amount, l.received_on, '', '',
                   l.received_on::timestamp AT TIME ZONE 'UTC' + interval '11 hours', l.center_id, {loader},
                   (l.center_id - 1) * {len(cats)} + l.cat, l.id, l.id, l.purpose_id
              FROM sc_lot l WHERE l.status = 'confirmed'""",
        f"""INSERT INTO contributions_servicedetail (id, service_type, measure, quantity, description, center_id,
                                                     contribution_id)
            SELECT c.id, ({service_types})[k], 'hours', 1 + floor(pg_temp.r(c.id, 45) * 40), ({service_desc})[k],
                   c.center_id, c.id
              FROM (SELECT c.*, 1 + floor(pg_temp.r(c.id, 48) * 6)::int AS k FROM contributions_contribution c
                     WHERE c.kind = 'service') c""",
        f"""INSERT INTO contributions_constructiondetail (id, form, facility_type, facility_name, address, area_m2,
                                                          completed_on, center_id, contribution_id)
            SELECT c.id, CASE WHEN pg_temp.r(c.id, 49) < 0.7 THEN 'participation' ELSE 'donor_built' END,
                   ({facilities})[k], ({facility_names})[k], '', 40 + floor(pg_temp.r(c.id, 50) * 400)::int, NULL,
                   c.center_id, c.id
              FROM (SELECT c.*, 1 + floor(pg_temp.r(c.id, 51) * 6)::int AS k FROM contributions_contribution c
                     WHERE c.kind = 'construction') c""",
    ]


def goods_aid(*, tx0: int, post0: int, aid0: int, move0: int, loader: int, until: str) -> list[str]:
    """Each lot marked ``given`` goes whole to one active household of its center within a month."""
    slots = ACCOUNT_SLOTS
    n_cats = len(STOCK_CATEGORIES)
    return [
        f"""CREATE TEMP TABLE sc_goods ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY l.id) AS rn, l.*,
                   least(DATE '{until}', l.received_on + 1 + floor(pg_temp.r(l.id, 52) * 30)::int) AS given_on,
                   h.first_id + floor(pg_temp.r(l.id, 53) * r.n_reg)::bigint AS household_id
              FROM sc_lot l JOIN sc_hh h ON h.center_id = l.center_id
                   JOIN sc_hh_reg r ON r.center_id = l.center_id
                    AND r.month = date_trunc('month', least(DATE '{until}',
                                                            l.received_on + 1 + floor(pg_temp.r(l.id, 52) * 30)::int))
             WHERE l.given""",
        # Lots of centers without an active household stay in stock.
        """UPDATE contributions_stocklot s SET quantity_remaining = s.quantity_received,
                                              value_remaining = s.value_received
            FROM sc_lot l WHERE l.id = s.id AND l.given AND NOT EXISTS (SELECT 1 FROM sc_goods g WHERE g.id = l.id)""",
        f"""INSERT INTO contributions_ledgertransaction (id, occurred_on, memo, reference, created_at, center_id,
                                                        created_by_id, reverses_id, approval_reference)
            SELECT {tx0} + g.rn, g.given_on, 'توزیع کالا به خانوار', '',
                   g.given_on::timestamp AT TIME ZONE 'UTC' + interval '12 hours', g.center_id, {loader}, NULL, ''
              FROM sc_goods g""",
        f"""INSERT INTO contributions_posting (id, amount, account_id, center_id, transaction_id)
            SELECT {post0} + 2 * g.rn - 1, g.amount, (g.center_id - 1) * {slots} + 3, g.center_id, {tx0} + g.rn
              FROM sc_goods g
            UNION ALL
            SELECT {post0} + 2 * g.rn, -g.amount, (g.center_id - 1) * {slots} + 34 + g.pidx, g.center_id,
                   {tx0} + g.rn
              FROM sc_goods g""",
        f"""INSERT INTO contributions_stockmovement (id, batch, kind, cause, quantity, value, occurred_on,
                                                     recipient_reference, reason, created_at, center_id,
                                                     created_by_id, item_id, ledger_transaction_id, lot_id,
                                                     purpose_id)
            SELECT {move0} + g.rn, md5('goods:' || g.id)::uuid, 'distribution', '', g.qty, g.amount, g.given_on,
                   'household:' || g.household_id, '', g.given_on::timestamp AT TIME ZONE 'UTC' + interval '12 hours',
                   g.center_id, {loader}, (g.center_id - 1) * {n_cats} + g.cat, {tx0} + g.rn, g.id, g.purpose_id
              FROM sc_goods g""",
        f"""INSERT INTO beneficiaries_aiddistribution (id, kind, approval_reference, value, occurred_on, note,
                                                       service_type, service_measure, service_quantity, status,
                                                       reversal_reason, reversed_at, recorded_at, center_id,
                                                       household_id, ledger_transaction_id, member_id, purpose_id,
                                                       recorded_by_id, reversal_transaction_id, reversed_by_id,
                                                       source_purpose_id, dowry_case_id)
            SELECT {aid0} + g.rn, 'goods', '', g.amount, g.given_on, '', '', '', NULL, 'recorded', '', NULL,
                   g.given_on::timestamp AT TIME ZONE 'UTC' + interval '12 hours', g.center_id, g.household_id,
                   NULL, NULL, g.purpose_id, {loader}, NULL, NULL, g.purpose_id, NULL
              FROM sc_goods g""",
        f"""INSERT INTO beneficiaries_aidgoodsline (id, quantity, value, stock_batch, center_id, distribution_id,
                                                    item_id, ledger_transaction_id)
            SELECT g.rn, g.qty, g.amount, md5('goods:' || g.id)::uuid, g.center_id, {aid0} + g.rn,
                   (g.center_id - 1) * {n_cats} + g.cat, {tx0} + g.rn
              FROM sc_goods g""",
    ]


def cash_aid(*, target: int, total_cash: int, tx0: int, post0: int, aid0: int, loader: int, until: str) -> list[str]:
    """Per center, purpose and month, 60% of the money received (qard al-hasan aside: it is lent, not given)
    goes out as aid in about ``target`` distributions overall: no fund ends below zero, and none is spent
    before the month its money came in."""
    slots = ACCOUNT_SLOTS
    avg = max(100_000, int(0.6 * total_cash / max(target, 1)))
    general_aid = "ARRAY[" + ",".join(map(str, GENERAL_AID)) + "]::int[]"
    return [
        f"""CREATE TEMP TABLE sc_aid ON COMMIT DROP AS
            WITH m AS (
              SELECT c.center_id, p.pidx, date_trunc('month', c.received_on)::date AS month, sum(c.amount) AS s
                FROM contributions_contribution c JOIN sc_purpose p ON p.id = c.purpose_id
               WHERE c.kind = 'cash' AND c.status = 'confirmed' AND p.pidx <> {QARD_HASAN}
               GROUP BY 1, 2, 3),
            k AS (
              SELECT m.*, greatest(1, round(0.6 * s / {avg}))::int AS k FROM m WHERE 0.6 * s >= 100000),
            e AS (
              SELECT row_number() OVER (ORDER BY k.center_id, k.pidx, k.month, j) AS rn, k.center_id, k.pidx,
                     k.month, (floor(0.6 * k.s / k.k / 10000) * 10000)::bigint AS value
                FROM k, generate_series(1, k.k) j)
            SELECT e.*, CASE WHEN e.pidx = 1 THEN ({general_aid})[1 + floor(pg_temp.r(e.rn, 61) * 6)::int]
                             ELSE e.pidx END AS aid_pidx,
                   least(DATE '{until}', e.month + floor(pg_temp.r(e.rn, 62) * 28)::int) AS given_on,
                   h.first_id + floor(pg_temp.r(e.rn, 63) * r.n_reg)::bigint AS household_id
              FROM e JOIN sc_hh h ON h.center_id = e.center_id
                   JOIN sc_hh_reg r ON r.center_id = e.center_id AND r.month = e.month
             WHERE e.value > 0""",
        f"""INSERT INTO contributions_ledgertransaction (id, occurred_on, memo, reference, created_at, center_id,
                                                        created_by_id, reverses_id, approval_reference)
            SELECT {tx0} + a.rn, a.given_on, 'پرداخت کمک نقدی به خانوار', '',
                   a.given_on::timestamp AT TIME ZONE 'UTC' + interval '13 hours', a.center_id, {loader}, NULL,
                   CASE WHEN a.pidx = 1 THEN 'مصوبه هیئت امنا ' || {persian_digits("a.center_id")} || '/'
                                              || {persian_digits("extract(month from a.month)")} ELSE '' END
              FROM sc_aid a""",
        f"""INSERT INTO contributions_posting (id, amount, account_id, center_id, transaction_id)
            SELECT {post0} + 2 * a.rn - 1, -a.value, (a.center_id - 1) * {slots} + 4 + a.pidx, a.center_id,
                   {tx0} + a.rn
              FROM sc_aid a
            UNION ALL
            SELECT {post0} + 2 * a.rn, a.value, (a.center_id - 1) * {slots} + 19 + a.aid_pidx, a.center_id,
                   {tx0} + a.rn
              FROM sc_aid a""",
        f"""INSERT INTO beneficiaries_aiddistribution (id, kind, approval_reference, value, occurred_on, note,
                                                       service_type, service_measure, service_quantity, status,
                                                       reversal_reason, reversed_at, recorded_at, center_id,
                                                       household_id, ledger_transaction_id, member_id, purpose_id,
                                                       recorded_by_id, reversal_transaction_id, reversed_by_id,
                                                       source_purpose_id, dowry_case_id)
            SELECT {aid0} + a.rn, 'cash', t.approval_reference, a.value, a.given_on, '', '', '', NULL, 'recorded',
                   '', NULL, t.created_at, a.center_id, a.household_id, t.id, NULL, ap.id, {loader}, NULL, NULL,
                   sp.id, NULL
              FROM sc_aid a JOIN contributions_ledgertransaction t ON t.id = {tx0} + a.rn
                   JOIN sc_purpose ap ON ap.pidx = a.aid_pidx JOIN sc_purpose sp ON sp.pidx = a.pidx""",
    ]


def complaints(*, until: str, start: str) -> list[str]:
    texts = sql_text_array(["رسید کمک نقدی با تأخیر صادر شد.", "پاسخ تلفنی به درخواست کمک داده نشد.",
                            "توزیع بسته‌های غذایی عادلانه نبود.", "برخورد نامناسب یکی از کارکنان.",
                            "مبلغ واریزی در گزارش مرکز دیده نمی‌شود."])
    return [
        f"""CREATE TEMP TABLE sc_complaint ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY c.id, n) AS id, c.id AS center_id, n,
                   (greatest(DATE '{start}', c.created_on)
                    + floor(pg_temp.r(c.id * 10 + n, 71) * (c.hi - 40 - greatest(DATE '{start}', c.created_on)))::int)
                     ::timestamp AT TIME ZONE 'UTC' + interval '9 hours' AS filed_at,
                   1 + floor(pg_temp.r(c.id * 10 + n, 72) * 3)::int AS kind_k,
                   pg_temp.r(c.id * 10 + n, 73) AS r_out, 1 + floor(pg_temp.r(c.id * 10 + n, 74) * 5)::int AS text_k
              FROM sc_center c, generate_series(1, 6) n
             WHERE pg_temp.r(c.id * 10 + n, 70) < 0.5 AND c.hi - 40 > greatest(DATE '{start}', c.created_on)""",
        # Resolved at level 1 (60%), escalated to 2 then resolved (20%), escalated to 3 (10%), open (10%).
        f"""INSERT INTO centers_complaint (id, tracking_code, complainant_kind, complainant_name, complainant_mobile,
                                           text, level, status, deadline, overdue_flagged_at, created_at, center_id)
            SELECT k.id, 'SC' || lpad(k.id::text, 8, '0'),
                   (ARRAY['donor', 'beneficiary', 'public'])[k.kind_k],
                   ({sql_text_array(FIRST_MEN)})[1 + k.id % {len(FIRST_MEN)}] || ' '
                     || ({sql_text_array(LAST_NAMES)})[1 + (k.id * 3) % {len(LAST_NAMES)}],
                   '09' || lpad(((k.id * 7919 + 11) % 1000000000)::text, 9, '0'), ({texts})[k.text_k],
                   CASE WHEN k.r_out < 0.6 THEN 1 WHEN k.r_out < 0.8 THEN 2 ELSE 3 END,
                   CASE WHEN k.r_out < 0.9 THEN 'resolved' ELSE 'open' END,
                   k.filed_at + CASE WHEN k.r_out < 0.6 THEN interval '10 days'
                                     WHEN k.r_out < 0.8 THEN interval '20 days' ELSE interval '30 days' END,
                   NULL, k.filed_at, k.center_id
              FROM sc_complaint k""",
        """INSERT INTO centers_complaintevent (id, kind, level, text, public, at, actor_id, center_id, complaint_id)
            SELECT row_number() OVER (ORDER BY e.complaint_id, e.at, e.kind), e.kind, e.level, e.text, true, e.at,
                   NULL, e.center_id, e.complaint_id
              FROM (
                SELECT k.id AS complaint_id, k.center_id, 'filed' AS kind, 1 AS level, 'شکایت ثبت شد.' AS text,
                       k.filed_at AS at FROM sc_complaint k
                UNION ALL
                SELECT k.id, k.center_id, 'escalated', 2, 'پاسخ در مهلت داده نشد؛ به سطح بعد ارجاع شد.',
                       k.filed_at + interval '10 days' FROM sc_complaint k WHERE k.r_out >= 0.6
                UNION ALL
                SELECT k.id, k.center_id, 'escalated', 3, 'پاسخ در مهلت داده نشد؛ به سطح بعد ارجاع شد.',
                       k.filed_at + interval '20 days' FROM sc_complaint k WHERE k.r_out >= 0.8
                UNION ALL
                SELECT k.id, k.center_id, 'resolved',
                       CASE WHEN k.r_out < 0.6 THEN 1 WHEN k.r_out < 0.8 THEN 2 ELSE 3 END,
                       'موضوع بررسی و به شاکی پاسخ داده شد.',
                       k.filed_at + (1 + floor(k.r_out * 12)) * interval '1 day' + interval '5 hours'
                         + CASE WHEN k.r_out < 0.6 THEN interval '0' WHEN k.r_out < 0.8 THEN interval '10 days'
                                ELSE interval '20 days' END
                  FROM sc_complaint k WHERE k.r_out < 0.9) e""",
    ]
