"""Tests for core.digits (no database, no settings needed)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.digits import (
    ARABIC_DIGITS,
    LATIN_DIGITS,
    PERSIAN_DIGITS,
    format_number_fa,
    to_latin_digits,
    to_persian_digits,
)


def test_digit_tables_are_the_expected_code_points():
    assert [ord(c) for c in PERSIAN_DIGITS] == list(range(0x06F0, 0x06FA))
    assert [ord(c) for c in ARABIC_DIGITS] == list(range(0x0660, 0x066A))


def test_to_latin_digits_examples():
    assert to_latin_digits("۱۴۰۳/۰۷/۱۵") == "1403/07/15"
    assert to_latin_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_latin_digits("کد ۱۲ و 34 و ٥٦") == "کد 12 و 34 و 56"
    assert to_latin_digits("") == ""


def test_to_latin_digits_leaves_other_unicode_digits_alone():
    # Superscripts and Devanagari are "digits" for str.isdigit() but are not converted.
    assert to_latin_digits("²१") == "²१"


def test_to_latin_digits_rejects_non_str():
    with pytest.raises(TypeError):
        to_latin_digits(123)


def test_to_persian_digits_examples():
    assert to_persian_digits("1403/07/15") == "۱۴۰۳/۰۷/۱۵"
    assert to_persian_digits(42) == "۴۲"
    assert to_persian_digits("IR06") == "IR۰۶"
    assert to_persian_digits(-3.5) == "-۳.۵"


@given(st.text())
def test_latin_persian_roundtrip(text):
    latin = to_latin_digits(text)
    assert to_latin_digits(to_persian_digits(latin)) == latin
    assert not any(c in LATIN_DIGITS for c in to_persian_digits(text))


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "۰"),
        (7, "۷"),
        (999, "۹۹۹"),
        (1000, "۱٬۰۰۰"),
        (1234567, "۱٬۲۳۴٬۵۶۷"),
        (-1000, "-۱٬۰۰۰"),
        (-5, "-۵"),
        (-123456, "-۱۲۳٬۴۵۶"),
    ],
)
def test_format_number_fa_examples(n, expected):
    assert format_number_fa(n) == expected


@given(st.integers())
def test_format_number_fa_roundtrip(n):
    text = format_number_fa(n)
    assert int(to_latin_digits(text).replace("\u066c", "")) == n
    groups = text.lstrip("-").split("\u066c")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])


@pytest.mark.parametrize("value", [1.5, "12", None, True])
def test_format_number_fa_rejects_non_int(value):
    with pytest.raises(TypeError):
        format_number_fa(value)
