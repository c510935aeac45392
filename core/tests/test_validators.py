"""Tests for core.validators.

These tests never render the lazy (translated) messages, they compare
``ValidationError.code``, so they need neither a database nor settings.
"""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core.digits import to_persian_digits
from core.validators import (
    IBAN_MESSAGES,
    LEGAL_ENTITY_ID_MESSAGES,
    MOBILE_MESSAGES,
    NATIONAL_CODE_MESSAGES,
    POSTAL_CODE_MESSAGES,
    iban_bank_code,
    iban_from_bban,
    legal_entity_check_digit,
    national_code_check_digit,
    normalize_iban,
    normalize_legal_entity_id,
    normalize_mobile,
    normalize_national_code,
    normalize_postal_code,
    validate_iban,
    validate_legal_entity_id,
    validate_mobile,
    validate_national_code,
    validate_postal_code,
)

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def to_arabic(s: str) -> str:
    return s.translate(ARABIC)


def digit_strings(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


def error_code(func, value) -> str:
    with pytest.raises(ValidationError) as info:
        func(value)
    return info.value.code


def spellings(code: str) -> list[str]:
    """The same code written with Latin, Persian and Arabic digits, with whitespace."""
    return [
        code,
        to_persian_digits(code),
        to_arabic(code),
        f"  {code}\t",
        f"\n{to_persian_digits(code)} ",
        f"\u200f{to_arabic(code)}\u200e",  # RLM/LRM picked up from RTL text
    ]


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "messages",
    [
        NATIONAL_CODE_MESSAGES,
        LEGAL_ENTITY_ID_MESSAGES,
        IBAN_MESSAGES,
        MOBILE_MESSAGES,
        POSTAL_CODE_MESSAGES,
    ],
)
def test_every_identifier_has_empty_and_invalid_messages(messages):
    assert {"empty", "invalid", "invalid_characters"} <= set(messages)


# ---------------------------------------------------------------------------
# National code
# ---------------------------------------------------------------------------

national_prefixes = digit_strings(9).filter(lambda s: len(set(s)) > 1)


@st.composite
def national_codes(draw):
    first9 = draw(national_prefixes)
    return first9 + str(national_code_check_digit(first9))


def test_national_code_worked_example():
    # 0*10 + 0*9 + 1*8 + 2*7 + 3*6 + 4*5 + 5*4 + 6*3 + 7*2 = 112; 112 % 11 = 2 -> 11 - 2 = 9
    assert national_code_check_digit("001234567") == 9
    assert normalize_national_code("0012345679") == "0012345679"


@pytest.mark.parametrize(
    "code",
    ["0012345679", "0499370899", "1234567891", "0010350829", "0084575948", "0010532129"],
)
def test_national_code_known_examples(code):
    assert national_code_check_digit(code[:9]) == int(code[9])
    assert normalize_national_code(code) == code


@pytest.mark.parametrize(
    ("first9", "remainder", "check"),
    [
        ("000000014", 0, 0),  # 1*3 + 4*2 = 11 -> s = 0 -> check digit s = 0
        ("000000023", 1, 1),  # 2*3 + 3*2 = 12 -> s = 1 -> check digit s = 1
        ("000000001", 2, 9),  # 1*2 = 2 -> s = 2 -> check digit 11 - 2 = 9
        ("100000000", 10, 1),  # 1*10 = 10 -> s = 10 -> check digit 11 - 10 = 1
    ],
)
def test_national_code_check_digit_rule(first9, remainder, check):
    assert sum(int(first9[i]) * (10 - i) for i in range(9)) % 11 == remainder
    assert national_code_check_digit(first9) == check
    assert normalize_national_code(first9 + str(check)) == first9 + str(check)


@given(national_codes())
def test_valid_national_codes_accepted_in_all_digit_forms(code):
    for spelled in spellings(code):
        assert normalize_national_code(spelled) == code
    assert normalize_national_code(f"{code[:3]}-{code[3:9]}-{code[9]}") == code
    validate_national_code(to_persian_digits(code))


@given(national_codes())
def test_every_wrong_national_check_digit_rejected(code):
    for digit in "0123456789":
        if digit == code[9]:
            continue
        corrupted = code[:9] + digit
        assert error_code(normalize_national_code, corrupted) == "invalid_checksum"
        assert error_code(validate_national_code, to_persian_digits(corrupted)) == "invalid_checksum"


@given(st.sampled_from(["0", "00"]), st.data())
def test_national_code_leading_zeros_restored(zeros, data):
    # 8- and 9-digit inputs (leading zeros lost in a spreadsheet) are zero-padded.
    rest = data.draw(digit_strings(9 - len(zeros)).filter(lambda s: s[0] != "0"))
    first9 = zeros + rest
    code = first9 + str(national_code_check_digit(first9))
    stripped = code.lstrip("0")
    assert len(stripped) == 10 - len(zeros)
    assert normalize_national_code(stripped) == code
    assert normalize_national_code(to_persian_digits(stripped)) == code
    assert normalize_national_code(int(stripped)) == code


@pytest.mark.parametrize("digit", "0123456789")
def test_repeated_digit_national_codes_rejected(digit):
    assert error_code(normalize_national_code, digit * 10) == "repeated_digits"


@given(st.integers(min_value=0, max_value=20).filter(lambda n: not 8 <= n <= 10), st.data())
def test_national_code_wrong_length(length, data):
    value = data.draw(digit_strings(length))
    expected = "empty" if length == 0 else "invalid_length"
    assert error_code(normalize_national_code, value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("001234567a", "invalid_characters"),
        ("0012345.679", "invalid_characters"),
        ("00123456７9", "invalid_characters"),  # fullwidth 7 is not accepted
        ("001234567²", "invalid_characters"),  # superscript two
        (12.5, "invalid"),
        (True, "invalid"),
        (-12345679, "invalid"),
        (["0012345679"], "invalid"),
    ],
)
def test_national_code_bad_input(value, code):
    assert error_code(normalize_national_code, value) == code


@given(st.text(min_size=1).filter(lambda s: any(c.isalpha() for c in s)))
def test_national_code_with_letters_rejected(value):
    with pytest.raises(ValidationError):
        normalize_national_code(value)


def test_national_code_check_digit_helper_validates_argument():
    with pytest.raises(ValueError):
        national_code_check_digit("12345678")
    with pytest.raises(ValueError):
        national_code_check_digit("12345678a")
    with pytest.raises(TypeError):
        national_code_check_digit(123456789)
    assert national_code_check_digit("۰۰۱۲۳۴۵۶۷") == 9


# ---------------------------------------------------------------------------
# Legal entity national ID
# ---------------------------------------------------------------------------


@st.composite
def legal_entity_ids(draw):
    first10 = draw(digit_strings(10).filter(lambda s: s != "0" * 10))
    return first10 + str(legal_entity_check_digit(first10))


@pytest.mark.parametrize("first10", ["1038028479", "1000000001", "0000000001", "9999999999"])
def test_legal_entity_check_digit_matches_definition(first10):
    decimal = int(first10[9]) + 2
    coefficients = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17]
    s = sum((decimal + int(first10[i])) * coefficients[i] for i in range(10)) % 11
    assert legal_entity_check_digit(first10) == (0 if s == 10 else s)


@pytest.mark.parametrize("code", ["10380284790", "10861841950", "10000000010"])
def test_legal_entity_known_examples(code):
    assert legal_entity_check_digit(code[:10]) == int(code[10])
    assert normalize_legal_entity_id(code) == code


@given(legal_entity_ids())
def test_valid_legal_entity_ids_accepted_in_all_digit_forms(code):
    for spelled in spellings(code):
        assert normalize_legal_entity_id(spelled) == code
    validate_legal_entity_id(to_arabic(code))


@given(legal_entity_ids())
def test_every_wrong_legal_entity_check_digit_rejected(code):
    for digit in "0123456789":
        if digit == code[10]:
            continue
        corrupted = code[:10] + digit
        assert error_code(normalize_legal_entity_id, corrupted) == "invalid_checksum"
        assert error_code(validate_legal_entity_id, to_persian_digits(corrupted)) == "invalid_checksum"


@pytest.mark.parametrize("last", "0123456789")
def test_legal_entity_all_zeros_rejected(last):
    assert error_code(normalize_legal_entity_id, "0" * 10 + last) == "all_zeros"


@given(st.integers(min_value=1, max_value=20).filter(lambda n: n != 11), st.data())
def test_legal_entity_wrong_length(length, data):
    value = data.draw(digit_strings(length))
    assert error_code(normalize_legal_entity_id, value) == "invalid_length"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        (None, "empty"),
        ("1038028479O", "invalid_characters"),  # letter O instead of zero
        ("1038028479+", "invalid_characters"),
        (1.0, "invalid"),
    ],
)
def test_legal_entity_bad_input(value, code):
    assert error_code(normalize_legal_entity_id, value) == code


def test_legal_entity_check_digit_helper_validates_argument():
    with pytest.raises(ValueError):
        legal_entity_check_digit("123")


# ---------------------------------------------------------------------------
# IBAN (Sheba)
# ---------------------------------------------------------------------------


@st.composite
def ibans(draw):
    return iban_from_bban(draw(digit_strings(22)))


@pytest.mark.parametrize(
    ("iban", "bank"),
    [
        ("IR062960000000100324200001", "296"),
        ("IR820540102680020817909002", "054"),
        ("IR580540105180021273113007", "054"),
    ],
)
def test_iban_known_examples(iban, bank):
    assert normalize_iban(iban) == iban
    assert iban_bank_code(iban) == bank
    assert iban_from_bban(iban[4:]) == iban


def test_iban_spaced_and_lowercase():
    assert normalize_iban("ir82 0540 1026 8002 0817 9090 02") == "IR820540102680020817909002"
    assert normalize_iban("IR82-0540-1026-8002-0817-9090-02") == "IR820540102680020817909002"
    assert normalize_iban("iR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲") == "IR820540102680020817909002"
    # "IR" printed as a fixed prefix on the form: only the 24 digits were typed
    assert normalize_iban("820540102680020817909002") == "IR820540102680020817909002"
    assert iban_bank_code(" ir82 0540 1026 8002 0817 9090 02 ") == "054"


@given(ibans())
def test_valid_ibans_accepted_in_all_forms(iban):
    assert iban.startswith("IR") and len(iban) == 26
    assert 2 <= int(iban[2:4]) <= 98
    grouped = " ".join(iban[i : i + 4] for i in range(0, 26, 4))
    variants = [iban.lower(), grouped, grouped.replace(" ", "-"), to_persian_digits(grouped)]
    for spelled in spellings(iban) + variants:
        assert normalize_iban(spelled) == iban
    assert iban_bank_code(iban) == iban[4:7]
    validate_iban(iban.lower())


@given(ibans())
def test_every_single_digit_change_in_iban_rejected(iban):
    for position in range(2, 26):
        for digit in "0123456789":
            if digit == iban[position]:
                continue
            corrupted = iban[:position] + digit + iban[position + 1 :]
            assert error_code(normalize_iban, corrupted) == "invalid_checksum"


@given(ibans(), st.integers(min_value=2, max_value=24))
def test_adjacent_transposition_in_iban_rejected(iban, position):
    a, b = iban[position], iban[position + 1]
    assume(a != b)
    swapped = iban[:position] + b + a + iban[position + 2 :]
    assert error_code(normalize_iban, swapped) == "invalid_checksum"


@given(st.integers(min_value=0, max_value=40).filter(lambda n: n != 24), st.data())
def test_iban_wrong_length(length, data):
    body = data.draw(digit_strings(length))
    assert error_code(normalize_iban, "IR" + body) == "invalid_length"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        (" - ", "empty"),
        (None, "empty"),
        ("DE89370400440532013000", "invalid_prefix"),
        ("GB82WEST12345698765432", "invalid_prefix"),
        ("IR82054010268002081790900X", "invalid_characters"),
        ("IR82 0540 1026 8002 0817 9090 0.", "invalid_characters"),
        ("I820540102680020817909002", "invalid_characters"),
        ("IR", "invalid_length"),
        ("IR8205401026800208179090", "invalid_length"),
        ("IR8205401026800208179090020", "invalid_length"),
        ("IR000540102680020817909002", "invalid_checksum"),
        (820540102680020817909002, "invalid"),
    ],
)
def test_iban_bad_input(value, code):
    assert error_code(normalize_iban, value) == code


def test_iban_bank_code_rejects_invalid_iban():
    assert error_code(iban_bank_code, "IR000540102680020817909002") == "invalid_checksum"


def test_iban_from_bban_validates_argument():
    with pytest.raises(ValueError):
        iban_from_bban("0" * 24)
    with pytest.raises(ValueError):
        iban_from_bban("05401026800208179090a2")
    with pytest.raises(TypeError):
        iban_from_bban(540102680020817909002)


# ---------------------------------------------------------------------------
# Mobile
# ---------------------------------------------------------------------------


@given(digit_strings(9))
def test_mobile_forms_normalise_to_the_same_value(rest):
    expected = "09" + rest
    a, b, c = rest[:2], rest[2:5], rest[5:]
    forms = [
        f"09{rest}",
        f"9{rest}",
        f"+989{rest}",
        f"00989{rest}",
        f"989{rest}",
        f"09{a} {b} {c}",
        f"09{a}-{b}-{c}",
        f"(09{a}) {b}-{c}",
        f"+98 9{a} {b} {c}",
        f"+98 (0)9{a} {b} {c}",
        f"0098-9{a}-{b}-{c}",
        f"  09{rest}  ",
    ]
    forms += [to_persian_digits(f) for f in forms] + [to_arabic(f) for f in forms]
    for form in forms:
        assert normalize_mobile(form) == expected, form
    assert normalize_mobile(int(f"9{rest}")) == expected
    validate_mobile(to_persian_digits(f"+989{rest}"))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("()", "empty"),
        (None, "empty"),
        ("0912123456a", "invalid_characters"),
        ("0912+1234567", "invalid_characters"),
        ("0912.123.4567", "invalid_characters"),
        ("++989121234567", "invalid_characters"),
        ("02112345678", "invalid_format"),  # Tehran landline
        ("0912123456", "invalid_format"),
        ("091212345678", "invalid_format"),
        ("+19121234567", "invalid_format"),
        ("+44 912 123 4567", "invalid_format"),
        ("8121234567", "invalid_format"),
        ("9", "invalid_format"),
        ("+98", "invalid_format"),
        (9.5, "invalid"),
    ],
)
def test_mobile_bad_input(value, code):
    assert error_code(normalize_mobile, value) == code


# ---------------------------------------------------------------------------
# Postal code
# ---------------------------------------------------------------------------

postal_prefixes = st.text(alphabet="13456789", min_size=5, max_size=5)


@st.composite
def postal_codes(draw):
    code = draw(postal_prefixes) + draw(digit_strings(5))
    assume(len(set(code)) > 1)
    return code


@given(postal_codes())
def test_valid_postal_codes_accepted(code):
    for spelled in spellings(code):
        assert normalize_postal_code(spelled) == code
    assert normalize_postal_code(f"{code[:5]}-{code[5:]}") == code
    assert normalize_postal_code(to_persian_digits(f"{code[:5]} {code[5:]}")) == code
    validate_postal_code(code)


@given(postal_codes(), st.integers(min_value=0, max_value=4), st.sampled_from("02"))
def test_postal_code_prefix_with_zero_or_two_rejected(code, position, bad):
    corrupted = code[:position] + bad + code[position + 1 :]
    assume(len(set(corrupted)) > 1)
    assert error_code(normalize_postal_code, corrupted) == "invalid_format"


@pytest.mark.parametrize("digit", "0123456789")
def test_repeated_digit_postal_codes_rejected(digit):
    assert error_code(normalize_postal_code, digit * 10) == "repeated_digits"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1314512345", None),
        ("۱۳۱۴۵-۱۲۳۴۵", None),
        ("", "empty"),
        (None, "empty"),
        ("131451234", "invalid_length"),
        ("13145123456", "invalid_length"),
        ("13145_12345", "invalid_characters"),
        ("1314a12345", "invalid_characters"),
        ("1014512345", "invalid_format"),
        ("1314212345", "invalid_format"),
        (b"1314512345", "invalid"),
    ],
)
def test_postal_code_examples(value, code):
    if code is None:
        assert normalize_postal_code(value) == "1314512345"
    else:
        assert error_code(normalize_postal_code, value) == code


@given(st.integers(min_value=1, max_value=20).filter(lambda n: n != 10), st.data())
def test_postal_code_wrong_length(length, data):
    value = data.draw(digit_strings(length))
    assert error_code(normalize_postal_code, value) == "invalid_length"


def test_validators_return_none_for_valid_values():
    assert validate_national_code("0012345679") is None
    assert validate_legal_entity_id("10380284790") is None
    assert validate_iban("IR820540102680020817909002") is None
    assert validate_mobile("09121234567") is None
    assert validate_postal_code("1314512345") is None
