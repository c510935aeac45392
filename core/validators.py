"""Validation and normalisation of Iranian identifiers.

Every ``normalize_*`` function accepts user input in any of the digit forms
Iranians type (ASCII, Persian ``۰-۹`` and Arabic-Indic ``٠-٩``), tolerates
surrounding whitespace, invisible bidi / joiner marks picked up when copying
from right-to-left text, and separators such as spaces and dashes, and returns
the canonical ASCII form that is stored in the database.  Invalid input raises
:class:`django.core.exceptions.ValidationError` with a translatable message and
a stable ``code``:

``empty``
    nothing but whitespace / separators (or ``None``).
``invalid``
    a value of an unsupported type (only ``str`` and, except for IBANs,
    non-negative ``int`` are accepted).
``invalid_characters``
    something other than digits (and the allowed separators) remains.
``invalid_length``
    wrong number of digits.
``repeated_digits``
    a single digit repeated over the whole code (national and postal codes).
``all_zeros``
    legal entity ID whose 10 identifying digits are all zero.
``invalid_prefix``
    an IBAN with a country code other than ``IR``.
``invalid_format``
    a mobile number that is not ``09`` + 9 digits after removing the country
    prefix, or a postal code whose first five digits contain ``0`` or ``2``.
``invalid_checksum``
    the check digit(s) do not match.

The ``validate_*`` callables are thin wrappers that raise the same errors and
return ``None``, for use in ``validators=[...]`` of model and form fields.
They do not change the value; call the matching ``normalize_*`` (for example in
``clean()``) to store the canonical form.

The ``*_check_digit`` and :func:`iban_from_bban` helpers compute check digits
for generating valid demo and test data.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.digits import to_latin_digits

__all__ = [
    "iban_bank_code",
    "iban_from_bban",
    "legal_entity_check_digit",
    "national_code_check_digit",
    "normalize_iban",
    "normalize_legal_entity_id",
    "normalize_mobile",
    "normalize_national_code",
    "normalize_postal_code",
    "validate_iban",
    "validate_legal_entity_id",
    "validate_mobile",
    "validate_national_code",
    "validate_postal_code",
]

# Invisible characters that sneak in when copying from RTL text: ZWNJ, ZWJ,
# LRM, RLM, ALM, the bidi embedding/override/isolate controls and the BOM.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff",
    )
)

# Whitespace plus ASCII hyphen-minus and the Unicode hyphens/dashes/minus.
_SPACES_DASHES = r"\s\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SPACES_DASHES_RE = re.compile(f"[{_SPACES_DASHES}]+")
_MOBILE_SEPARATORS_RE = re.compile(f"[{_SPACES_DASHES}()]+")

_ASCII_DIGITS_RE = re.compile(r"[0-9]+")


NATIONAL_CODE_MESSAGES = {
    "empty": _("Enter a national code."),
    "invalid": _("Enter a valid national code."),
    "invalid_characters": _("The national code may contain only digits."),
    "invalid_length": _("The national code must have 10 digits."),
    "repeated_digits": _("The national code cannot consist of a single repeated digit."),
    "invalid_checksum": _("This national code is not valid: its check digit does not match."),
}

LEGAL_ENTITY_ID_MESSAGES = {
    "empty": _("Enter a legal entity national ID."),
    "invalid": _("Enter a valid legal entity national ID."),
    "invalid_characters": _("The legal entity national ID may contain only digits."),
    "invalid_length": _("The legal entity national ID must have 11 digits."),
    "all_zeros": _("The legal entity national ID cannot be all zeros."),
    "invalid_checksum": _("This legal entity national ID is not valid: its check digit does not match."),
}

IBAN_MESSAGES = {
    "empty": _("Enter a Sheba number (IBAN)."),
    "invalid": _("Enter a valid Sheba number (IBAN)."),
    "invalid_prefix": _("A Sheba number must start with IR."),
    "invalid_characters": _("After IR, the Sheba number may contain only digits."),
    "invalid_length": _("A Sheba number must be IR followed by 24 digits."),
    "invalid_checksum": _("This Sheba number is not valid: its check digits do not match."),
}

MOBILE_MESSAGES = {
    "empty": _("Enter a mobile number."),
    "invalid": _("Enter a valid mobile number."),
    "invalid_characters": _(
        "The mobile number may contain only digits, spaces, dashes, parentheses and a leading +."
    ),
    "invalid_format": _("Enter an Iranian mobile number such as 09121234567."),
}

POSTAL_CODE_MESSAGES = {
    "empty": _("Enter a postal code."),
    "invalid": _("Enter a valid postal code."),
    "invalid_characters": _("The postal code may contain only digits."),
    "invalid_length": _("The postal code must have 10 digits."),
    "repeated_digits": _("The postal code cannot consist of a single repeated digit."),
    "invalid_format": _("The first five digits of a postal code cannot be 0 or 2."),
}


def _fail(messages: dict, code: str) -> ValidationError:
    return ValidationError(messages[code], code=code)


def _clean(value: object, messages: dict, separators: re.Pattern[str], *, allow_int: bool = True) -> str:
    """Common pre-processing: type check, digits to ASCII, drop separators.

    Returns the remaining text (possibly with non-digit characters, which the
    caller rejects with ``invalid_characters``).  Raises ``empty`` if nothing
    remains and ``invalid`` for unsupported types.
    """
    if value is None:
        raise _fail(messages, "empty")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _fail(messages, "invalid")
    if isinstance(value, int) and not allow_int:
        raise _fail(messages, "invalid")
    if isinstance(value, int):
        if value < 0:
            raise _fail(messages, "invalid")
        value = str(value)
    text = to_latin_digits(value).translate(_INVISIBLE)
    text = separators.sub("", text)
    if not text:
        raise _fail(messages, "empty")
    return text


def _digits_only(text: str, messages: dict) -> str:
    if not _ASCII_DIGITS_RE.fullmatch(text):
        raise _fail(messages, "invalid_characters")
    return text


def _require_ascii_digits(value: str, length: int, name: str) -> str:
    """Check the argument of a check-digit helper (a programming error if bad)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    value = to_latin_digits(value)
    if len(value) != length or not _ASCII_DIGITS_RE.fullmatch(value):
        raise ValueError(f"{name} must be exactly {length} digits, got {value!r}")
    return value


# ---------------------------------------------------------------------------
# National code (کد ملی)
# ---------------------------------------------------------------------------


def national_code_check_digit(first9: str) -> int:
    """Return the check digit (10th digit) of an Iranian national code.

    The Iranian national code (کد ملی) is 10 digits; the last one is a check
    digit over the first nine, weighted 10, 9, ..., 2 from the left::

        s = sum(d[i] * (10 - i) for i in 0..8) % 11
        check = s        if s < 2
        check = 11 - s   otherwise

    Worked example: ``001234567`` gives ``s = 112 % 11 = 2``, so the check
    digit is ``9`` and the national code is ``0012345679``.
    """
    digits = _require_ascii_digits(first9, 9, "first9")
    s = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return s if s < 2 else 11 - s


def normalize_national_code(value: str | int) -> str:
    """Validate an Iranian national code (کد ملی) and return its 10 ASCII digits.

    Accepts Persian/Arabic/ASCII digits, surrounding whitespace and internal
    spaces or dashes (as printed on the national card, e.g. ``001-234567-9``).

    Leading zeros are often lost (spreadsheets, integer columns), so 8- and
    9-digit inputs are left-padded with zeros to 10 digits before checking;
    ``12345679`` therefore normalises to ``0012345679``.

    Codes made of a single repeated digit (``1111111111``, ...) satisfy the
    check-digit formula for some digits but are never issued, so they are
    rejected.  The check digit rule is described in
    :func:`national_code_check_digit`.
    """
    messages = NATIONAL_CODE_MESSAGES
    code = _digits_only(_clean(value, messages, _SPACES_DASHES_RE), messages)
    if not 8 <= len(code) <= 10:
        raise _fail(messages, "invalid_length")
    code = code.zfill(10)
    if len(set(code)) == 1:
        raise _fail(messages, "repeated_digits")
    if national_code_check_digit(code[:9]) != int(code[9]):
        raise _fail(messages, "invalid_checksum")
    return code


def validate_national_code(value: str | int) -> None:
    """Django validator: raise ``ValidationError`` unless ``value`` is a valid national code."""
    normalize_national_code(value)


# ---------------------------------------------------------------------------
# Legal entity national ID (شناسه ملی اشخاص حقوقی)
# ---------------------------------------------------------------------------

_LEGAL_ENTITY_COEFFICIENTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def legal_entity_check_digit(first10: str) -> int:
    """Return the check digit (11th digit) of an Iranian legal entity national ID.

    The national ID of legal persons (شناسه ملی اشخاص حقوقی) is 11 digits.
    With ``d`` the first ten digits, ``decimal = d[9] + 2`` (the tenth digit
    plus two) and weights ``29, 27, 23, 19, 17, 29, 27, 23, 19, 17``::

        s = sum((decimal + d[i]) * weight[i] for i in 0..9) % 11
        check = 0 if s == 10 else s
    """
    digits = _require_ascii_digits(first10, 10, "first10")
    decimal = int(digits[9]) + 2
    s = (
        sum(
            (decimal + int(digit)) * weight
            for digit, weight in zip(digits, _LEGAL_ENTITY_COEFFICIENTS, strict=True)
        )
        % 11
    )
    return 0 if s == 10 else s


def normalize_legal_entity_id(value: str | int) -> str:
    """Validate an Iranian legal entity national ID and return its 11 ASCII digits.

    Accepts Persian/Arabic/ASCII digits, surrounding whitespace and internal
    spaces or dashes.  The value must have exactly 11 digits, its first ten
    digits must not all be zero, and the last digit must match the check
    digit described in :func:`legal_entity_check_digit`.
    """
    messages = LEGAL_ENTITY_ID_MESSAGES
    code = _digits_only(_clean(value, messages, _SPACES_DASHES_RE), messages)
    if len(code) != 11:
        raise _fail(messages, "invalid_length")
    if code[:10] == "0" * 10:
        raise _fail(messages, "all_zeros")
    if legal_entity_check_digit(code[:10]) != int(code[10]):
        raise _fail(messages, "invalid_checksum")
    return code


def validate_legal_entity_id(value: str | int) -> None:
    """Django validator: raise ``ValidationError`` unless ``value`` is a valid legal entity ID."""
    normalize_legal_entity_id(value)


# ---------------------------------------------------------------------------
# IBAN / Sheba (شبا)
# ---------------------------------------------------------------------------


# An Iranian IBAN (شماره شبا) is 26 characters, "IR" + 24 digits:
#
#     IR kk bbb aaaaaaaaaaaaaaaaaaa
#        |  |   +-- 19-digit account part
#        |  +------ 3-digit bank identifier (e.g. 017, 054, 062)
#        +--------- 2 ISO 7064 check digits
#
# so the BBAN (what follows the check digits) is 22 digits.
IBAN_COUNTRY_CODE = "IR"
IBAN_LENGTH = 26
IBAN_BBAN_LENGTH = 22

_ASCII_LETTERS_RE = re.compile(r"[A-Z]{2}")


def _iban_mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 remainder of an IBAN, as specified by ISO 13616.

    The first four characters (country code and check digits) are moved to
    the end, every letter is replaced by two digits (A=10, B=11, ..., Z=35),
    and the result is read as one decimal number and reduced modulo 97.  An
    IBAN is valid iff the remainder is 1.  This detects every single-digit
    substitution and every transposition of adjacent digits.
    """
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97


def iban_from_bban(bban: str) -> str:
    """Return the Iranian IBAN (Sheba) ``IR`` + check digits + ``bban``.

    ``bban`` is the 22-digit Iranian BBAN: the 3-digit bank identifier
    followed by the 19-digit account part (Persian/Arabic digits accepted).
    The two check digits are computed with ISO 7064 MOD 97-10: with check
    digits ``00`` the rearranged number ``N`` gives ``check = 98 - N % 97``.
    """
    if not isinstance(bban, str):
        raise TypeError(f"bban must be a str, got {type(bban).__name__}")
    digits = to_latin_digits(bban)
    if len(digits) != IBAN_BBAN_LENGTH or not _ASCII_DIGITS_RE.fullmatch(digits):
        raise ValueError(
            f"bban must be exactly {IBAN_BBAN_LENGTH} digits "
            f"(3-digit bank code + 19-digit account part), got {bban!r}"
        )
    check = 98 - _iban_mod97(IBAN_COUNTRY_CODE + "00" + digits)
    return f"{IBAN_COUNTRY_CODE}{check:02d}{digits}"


def normalize_iban(value: str) -> str:
    """Validate an Iranian IBAN (شماره شبا) and return it as ``IR`` + 24 digits.

    Accepts ``IR``/``ir`` in any case, spaces and dashes anywhere (``IR06 2960
    0000 ...``) and Persian/Arabic digits.  Because many Iranian banking forms
    print ``IR`` as a fixed prefix and users type only the rest, exactly 24
    digits without a country code are also accepted and prefixed with ``IR``.
    The check digits are verified with ISO 7064 MOD 97-10 (see
    :func:`_iban_mod97`).
    """
    messages = IBAN_MESSAGES
    text = _clean(value, messages, _SPACES_DASHES_RE, allow_int=False).upper()
    if _ASCII_LETTERS_RE.match(text):
        if text[:2] != IBAN_COUNTRY_CODE:
            raise _fail(messages, "invalid_prefix")
        body = text[2:]
    else:
        body = text
    if not body:
        raise _fail(messages, "invalid_length")
    _digits_only(body, messages)
    if len(body) != IBAN_LENGTH - 2:
        raise _fail(messages, "invalid_length")
    iban = IBAN_COUNTRY_CODE + body
    if _iban_mod97(iban) != 1:
        raise _fail(messages, "invalid_checksum")
    return iban


def iban_bank_code(iban: str) -> str:
    """Return the 3-digit bank identifier of an Iranian IBAN (characters 5-7).

    The IBAN is normalised (and validated) first, so any accepted input form
    works; ``IR062960000000100324200001`` gives ``"296"`` and
    ``IR820540102680020817909002`` gives ``"054"``.
    """
    return normalize_iban(iban)[4:7]


def validate_iban(value: str) -> None:
    """Django validator: raise ``ValidationError`` unless ``value`` is a valid Iranian IBAN."""
    normalize_iban(value)


# ---------------------------------------------------------------------------
# Mobile number (شماره تلفن همراه)
# ---------------------------------------------------------------------------

_MOBILE_TEXT_RE = re.compile(r"\+?[0-9]+")


def normalize_mobile(value: str | int) -> str:
    """Validate an Iranian mobile number and return it as ``09`` + 9 digits.

    Iranian mobile numbers are ``9`` + 9 digits in national significant form,
    written domestically with a trunk ``0`` (``0912 123 4567``) and
    internationally with country code 98.  All of these are accepted, with
    spaces, dashes and parentheses anywhere and Persian/Arabic digits::

        09121234567   9121234567   +989121234567   00989121234567
        989121234567  +98 (0)912 123-4567

    The operator prefix (``0912``, ``0935``, ...) is not checked, since new
    ranges are assigned from time to time.
    """
    messages = MOBILE_MESSAGES
    text = _clean(value, messages, _MOBILE_SEPARATORS_RE)
    if not _MOBILE_TEXT_RE.fullmatch(text):
        raise _fail(messages, "invalid_characters")
    if text.startswith("+"):
        if not text.startswith("+98"):
            raise _fail(messages, "invalid_format")
        national = text[3:]
    elif text.startswith("0098"):
        national = text[4:]
    elif text.startswith("98") and len(text) == 12:
        national = text[2:]
    else:
        national = text
    if len(national) == 11 and national.startswith("0"):
        national = national[1:]  # trunk prefix, also "+98 0912 ..."
    if len(national) != 10 or not national.startswith("9"):
        raise _fail(messages, "invalid_format")
    return "0" + national


def validate_mobile(value: str | int) -> None:
    """Django validator: raise ``ValidationError`` unless ``value`` is an Iranian mobile number."""
    normalize_mobile(value)


# ---------------------------------------------------------------------------
# Postal code (کد پستی)
# ---------------------------------------------------------------------------

_POSTAL_FORBIDDEN_IN_PREFIX = frozenset("02")


def normalize_postal_code(value: str | int) -> str:
    """Validate an Iranian postal code (کد پستی) and return its 10 ASCII digits.

    Accepts Persian/Arabic digits and spaces or dashes (``13145-12345``).
    Iranian postal codes are 10 digits; the first five (the area part) use
    only the digits 1 and 3-9, i.e. they never contain ``0`` or ``2``.
    Codes made of one repeated digit are rejected as placeholders.
    """
    messages = POSTAL_CODE_MESSAGES
    code = _digits_only(_clean(value, messages, _SPACES_DASHES_RE), messages)
    if len(code) != 10:
        raise _fail(messages, "invalid_length")
    if len(set(code)) == 1:
        raise _fail(messages, "repeated_digits")
    if _POSTAL_FORBIDDEN_IN_PREFIX & set(code[:5]):
        raise _fail(messages, "invalid_format")
    return code


def validate_postal_code(value: str | int) -> None:
    """Django validator: raise ``ValidationError`` unless ``value`` is a valid postal code."""
    normalize_postal_code(value)
