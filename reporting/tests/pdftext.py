"""Numbers as a reader sees them on a page of a right-to-left PDF.

pypdf gives the glyphs of a right-to-left line back to front, so a run of digits (laid out left to right inside
it) comes back reversed: «۱۲» reads «۲۱» (``numbers(text, from_pypdf=True)`` turns each run back). Poppler's
``pdftotext`` applies the bidi algorithm and returns the line in logical order (with embedding marks, dropped
here), but splits lam-alef and moves the hamza of «ـهٔ», so words are best matched in pypdf's text.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from core.digits import to_latin_digits

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)


def page_text(pdf: bytes | Path, page: int, *, layout: bool = False) -> str:
    """The text of page ``page`` (1-based) in logical order, bidi marks removed; ``layout`` keeps a line's
    columns on one line (a contents line with its page number)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(pdf) if isinstance(pdf, Path) else Path(folder) / "doc.pdf"
        if not isinstance(pdf, Path):
            path.write_bytes(pdf)
        options = ["-layout"] if layout else []
        out = subprocess.run(["pdftotext", *options, "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
    return out.translate(_BIDI_MARKS)


def numbers(text: str, *, from_pypdf: bool = False) -> list[int]:
    """The Persian-digit numbers in ``text``, in order; ``from_pypdf``: each run of digits reversed back."""
    return [int(to_latin_digits(n[::-1] if from_pypdf else n)) for n in re.findall(r"[۰-۹]+", text)]
