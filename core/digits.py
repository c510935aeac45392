"""Conversion between Persian, Arabic-Indic and ASCII (Latin) digits.

Iranian users type numbers with whichever keyboard layout is active, so the
same national code may arrive as ``0012345679``, ``۰۰۱۲۳۴۵۶۷۹`` (Extended
Arabic-Indic / Persian digits, U+06F0..U+06F9) or ``٠٠١٢٣٤٥٦٧٩`` (Arabic-Indic
digits, U+0660..U+0669).  Everything stored in the database uses ASCII digits;
everything shown to users uses Persian digits.

Only these three digit families are converted.  Other Unicode characters for
which ``str.isdigit()`` is true (superscripts, Devanagari, ...) are left alone
on purpose, so validators that insist on ``[0-9]`` reject them.
"""

from __future__ import annotations

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0 .. U+06F9
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"  # U+0660 .. U+0669
LATIN_DIGITS = "0123456789"

#: U+066C ARABIC THOUSANDS SEPARATOR, the grouping mark used in Persian text.
PERSIAN_THOUSANDS_SEPARATOR = "\u066c"

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS)


def to_latin_digits(s: str) -> str:
    """Return ``s`` with Persian and Arabic-Indic digits replaced by ASCII digits.

    All other characters are kept unchanged.

    >>> to_latin_digits("۱۴۰۳/٠٧/15")
    '1403/07/15'
    """
    if not isinstance(s, str):
        raise TypeError(f"to_latin_digits() expects str, got {type(s).__name__}")
    return s.translate(_TO_LATIN)


def to_persian_digits(value: object) -> str:
    """Return ``str(value)`` with ASCII digits replaced by Persian digits.

    Any other character (separators, letters, signs) is kept, so this is
    suitable for displaying dates, codes and numbers in Persian text.

    >>> to_persian_digits("1403/07/15")
    '۱۴۰۳/۰۷/۱۵'
    >>> to_persian_digits(42)
    '۴۲'
    """
    return str(value).translate(_TO_PERSIAN)


def format_number_fa(n: int) -> str:
    """Format an integer with Persian digits and the Persian thousands separator.

    Digits are grouped in threes with U+066C (``٬``).  Negative numbers get
    a leading ASCII hyphen-minus.

    >>> format_number_fa(1234567)
    '۱٬۲۳۴٬۵۶۷'
    >>> format_number_fa(-1000)
    '-۱٬۰۰۰'
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"format_number_fa() expects int, got {type(n).__name__}")
    grouped = f"{abs(n):,}".replace(",", PERSIAN_THOUSANDS_SEPARATOR)
    sign = "-" if n < 0 else ""
    return sign + to_persian_digits(grouped)
