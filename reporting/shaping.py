"""Persian text for SVG charts: joined letters in visual order.

WeasyPrint draws SVG ``<text>`` one character at a time, left to right
(``weasyprint/svg/text.py``), so Persian letters come out unjoined and in the
wrong order. Browsers shape and reorder on their own. To make one SVG look the
same in both, the text is prepared here:

1. each Arabic-script letter becomes its contextual presentation form
   (isolated, final, initial, medial; lam-alef ligatures), found from the
   Unicode decompositions of the presentation-form blocks, so no table is
   typed by hand;
2. the shaped string is put into visual order (a small subset of the Unicode
   bidirectional algorithm for a right-to-left paragraph: runs of digits and
   Latin words keep their order, the rest is reversed, brackets mirrored).

The chart then emits the result with ``direction="ltr"`` and
``unicode-bidi="bidi-override"`` so a browser draws the characters exactly in
the order given, as WeasyPrint does.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from itertools import chain

_FORM_TAGS = {"<isolated>": "isolated", "<final>": "final", "<initial>": "initial", "<medial>": "medial"}
_LAM = "\u0644"
_ALEFS = "\u0627\u0622\u0623\u0625"  # alef, alef with madda, hamza above, hamza below
_ZWNJ, _ZWJ, _TATWEEL = "\u200c", "\u200d", "\u0640"
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")


@cache
def _tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(letter -> {form: char}, alef variant -> {form: lam-alef ligature})."""
    forms: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    for cp in chain(range(0xFB50, 0xFE00), range(0xFE70, 0xFF00)):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) < 2 or parts[0] not in _FORM_TAGS:
            continue
        tag = _FORM_TAGS[parts[0]]
        bases = [chr(int(p, 16)) for p in parts[1:]]
        if len(bases) == 1:
            forms.setdefault(bases[0], {}).setdefault(tag, chr(cp))
        elif len(bases) == 2 and bases[0] == _LAM and bases[1] in _ALEFS:
            lam_alef.setdefault(bases[1], {}).setdefault(tag, chr(cp))
    return forms, lam_alef


def _joining(ch: str) -> str:
    """'D' dual-joining, 'R' right-joining, 'C' join-causing, 'T' transparent, 'U' non-joining."""
    if ch in (_TATWEEL, _ZWJ):
        return "C"
    if unicodedata.category(ch) == "Mn":
        return "T"
    letter_forms = _tables()[0].get(ch)
    if not letter_forms:
        return "U"
    return "D" if "initial" in letter_forms or "medial" in letter_forms else "R"


def shape_letters(text: str) -> str:
    """Replace Arabic-script letters by their contextual presentation forms (logical order kept)."""
    forms, lam_alef = _tables()
    kinds = [_joining(ch) for ch in text]

    def neighbour(i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(text) and kinds[j] == "T":
            j += step
        return j if 0 <= j < len(text) else None

    out: list[str] = []
    skip: set[int] = set()
    for i, ch in enumerate(text):
        if i in skip or ch in (_ZWNJ, _ZWJ):
            continue
        kind = kinds[i]
        if kind not in ("D", "R"):
            out.append(ch)
            continue
        prev = neighbour(i, -1)
        joins_prev = prev is not None and kinds[prev] in ("D", "C")
        nxt = neighbour(i, 1)
        if ch == _LAM and nxt is not None and text[nxt] in lam_alef:
            out.append(lam_alef[text[nxt]]["final" if joins_prev else "isolated"])
            skip.add(nxt)
            continue
        joins_next = kind == "D" and nxt is not None and kinds[nxt] in ("D", "R", "C")
        form = {
            (True, True): "medial",
            (True, False): "final",
            (False, True): "initial",
            (False, False): "isolated",
        }[(joins_prev, joins_next)]
        letter_forms = forms[ch]
        out.append(letter_forms.get(form) or letter_forms.get("isolated") or ch)
    return "".join(out)


def _classes(text: str) -> list[str]:
    """Simplified bidi classes: 'R' (right-to-left letter), 'L', 'N' (number part) or 'O' (neutral)."""
    raw = [unicodedata.bidirectional(ch) for ch in text]
    cls = []
    for b in raw:
        if b in ("R", "AL"):
            cls.append("R")
        elif b == "L":
            cls.append("L")
        elif b in ("EN", "AN"):
            cls.append("N")
        else:
            cls.append("O")
    n = len(text)
    # W4: one separator between two digits belongs to the number (۱۲٬۳۴۵, ۱۲٫۵, ۱۴۰۴/۰۷).
    for i in range(1, n - 1):
        if raw[i] in ("CS", "ES") and cls[i - 1] == "N" and cls[i + 1] == "N":
            cls[i] = "N"
    # W5: percent signs and the like next to a number join it; so does a sign right before it.
    for i in range(n):
        if cls[i] != "O":
            continue
        touches_number = (i > 0 and cls[i - 1] == "N") or (i + 1 < n and cls[i + 1] == "N")
        if raw[i] == "ET" and touches_number:
            cls[i] = "N"
        elif raw[i] == "ES" and i + 1 < n and cls[i + 1] == "N" and (i == 0 or cls[i - 1] != "N"):
            cls[i] = "N"
    return cls


def visual_order(text: str, *, rtl: bool = True) -> str:
    """Reorder a paragraph (right-to-left by default, else left-to-right) into left-to-right display order."""
    cls = _classes(text)
    base = 1 if rtl else 0
    n = len(text)
    levels = [0] * n
    strong = list(cls)  # numbers resolved: "L" after left-to-right text (W7), else "R" for the neutrals (N1)
    previous_strong = "R" if rtl else "L"
    for i, c in enumerate(cls):
        if c == "R":
            levels[i] = 1
            previous_strong = "R"
        elif c == "L":
            levels[i] = 2 if rtl else 0
            previous_strong = "L"
        elif c == "N":
            strong[i] = previous_strong
            levels[i] = 2 if (rtl or previous_strong == "R") else 0
    # N1/N2: a neutral between two strong characters of one direction takes it (numbers count as
    # right-to-left); anything else takes the paragraph's direction.
    i = 0
    while i < n:
        if cls[i] != "O":
            i += 1
            continue
        j = i
        while j < n and cls[j] == "O":
            j += 1
        before = strong[i - 1] if i > 0 else ("R" if rtl else "L")
        after = strong[j] if j < n else ("R" if rtl else "L")
        if before == after == "L":
            level = 2 if rtl else 0
        elif before == after == "R":
            level = 1
        else:
            level = base
        for k in range(i, j):
            levels[k] = level
        i = j
    chars = list(text)
    for level in (2, 1):
        k = 0
        while k < n:
            if levels[k] < level:
                k += 1
                continue
            m = k
            while m < n and levels[m] >= level:
                m += 1
            chars[k:m] = chars[k:m][::-1]
            levels[k:m] = levels[k:m][::-1]
            k = m
    # Mirror brackets that ended up at a right-to-left level (odd).
    return "".join(ch.translate(_MIRROR) if lv % 2 else ch for ch, lv in zip(chars, levels, strict=True))


def for_svg(text: str, *, rtl: bool | None = None) -> str:
    """Text ready for an SVG ``<text>`` drawn with bidi-override left to right; the paragraph direction is the
    active language's unless given."""
    if rtl is None:
        from django.utils.translation import get_language_bidi

        rtl = get_language_bidi()
    return visual_order(shape_letters(text), rtl=rtl)


@cache
def _font_metrics() -> tuple[dict[int, int], int]:
    from django.conf import settings
    from fontTools.ttLib import TTFont

    with TTFont(settings.BASE_DIR / "static" / "fonts" / "vazirmatn" / "Vazirmatn-Regular.ttf") as font:
        hmtx = font["hmtx"]
        widths = {cp: hmtx[name][0] for cp, name in font.getBestCmap().items()}
        return widths, font["head"].unitsPerEm


def text_width(shaped: str, font_size: float) -> float:
    """Width of an already shaped string in the chart font (Vazirmatn), in user units."""
    widths, per_em = _font_metrics()
    default = per_em // 2
    return sum(widths.get(ord(ch), default) for ch in shaped) * font_size / per_em
