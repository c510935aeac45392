"""The Persian catalogue is complete, stays complete, and the committed .mo matches the committed .po.

The catalogue is regenerated the way a developer does it, in a copy of the source tree (so the checkout's
own files are never touched):

    python manage.py makemessages -l fa --ignore=.venv --ignore=staticfiles --ignore=static --ignore=bench \
        --ignore=.data --ignore=build --ignore=test-artifacts --ignore=node_modules --ignore=*.egg-info
    python manage.py compilemessages -l fa --ignore=.venv

Every new or changed string must then be translated (no empty, no fuzzy entry), and the .mo recompiled and
committed, so a machine without GNU gettext still shows the portal in Persian.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
PO_RELATIVE = Path("locale", "fa", "LC_MESSAGES", "django.po")
PO_PATH = BASE_DIR / PO_RELATIVE
MO_PATH = PO_PATH.with_suffix(".mo")
PLURAL_FORMS = "nplurals=2; plural=(n > 1);"

# Not the project's own source: dependencies, generated or collected files, benchmarks, test output.
# makemessages skips them (it already skips hidden folders such as .git), and so does the copy.
NOT_SOURCE = (".venv", "staticfiles", "static", "bench", ".data", "build", "test-artifacts", "node_modules",
              "*.egg-info")
MAKEMESSAGES = ["makemessages", "-l", "fa", *(f"--ignore={pattern}" for pattern in NOT_SOURCE)]
MAKEMESSAGES_HINT = "python manage.py " + " ".join(MAKEMESSAGES)
COMPILE_HINT = "python manage.py compilemessages -l fa --ignore=.venv"

# Translations kept by hand because xgettext cannot see the call that uses them. Each one is a bug to fix
# in the code; makemessages marks them obsolete and compilemessages would then drop them.
NOT_EXTRACTABLE: set[str] = set()

GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgattrib", "msgfmt")


def _require_gettext():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is not installed (missing: {', '.join(missing)}): install the Debian package "
                    "`gettext` (sudo apt-get install gettext; `make test` installs it).", pytrace=False)


def _label(entry: polib.POEntry) -> str:
    text = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}|{entry.msgid}"
    return repr(text)


def _listing(entries) -> str:
    return "\n  " + "\n  ".join(_label(e) for e in entries)


@pytest.fixture(scope="module")
def regenerated_po(tmp_path_factory) -> polib.POFile:
    """The fa catalogue as makemessages makes it now from the source, merged into the committed one."""
    _require_gettext()
    copy = tmp_path_factory.mktemp("source") / "tree"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE, ".*", "__pycache__", "*.pyc"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The copy's settings would otherwise create a new embedded database under the copy's own .data.
        "DATA_DIR": os.environ.get("DATA_DIR") or str(settings.DATA_DIR),
    }
    result = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES, "-v", "0"], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    assert "warning" not in result.stderr.lower(), f"xgettext warned about the source:\n{result.stderr}"
    return polib.pofile(str(copy / PO_RELATIVE))


def test_every_string_of_the_source_is_translated(regenerated_po):
    untranslated = regenerated_po.untranslated_entries()
    fuzzy = regenerated_po.fuzzy_entries()  # msgmerge's guesses for changed strings: Django does not use them
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} strings have no Persian translation:{_listing(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} translations are fuzzy (check them, then remove the fuzzy flag):"
                        f"{_listing(fuzzy)}")
    assert not problems, (f"run makemessages and translate in {PO_RELATIVE}, then compilemessages.\n"
                          + "\n".join(problems) + f"\n({MAKEMESSAGES_HINT})")


def test_every_plural_form_is_filled(regenerated_po):
    assert regenerated_po.metadata.get("Plural-Forms") == PLURAL_FORMS
    incomplete = [e for e in regenerated_po if e.msgid_plural and not e.obsolete
                  and sorted(k for k, v in e.msgstr_plural.items() if v.strip()) != [0, 1]]
    assert not incomplete, f"run makemessages and translate both plural forms of:{_listing(incomplete)}"


def test_no_committed_translation_is_lost_when_the_catalogue_is_regenerated(regenerated_po):
    """A translation makemessages no longer finds in the source is dropped by the next compilemessages."""
    lost = [e for e in regenerated_po.obsolete_entries() if e.msgid not in NOT_EXTRACTABLE]
    assert not lost, ("these translations are no longer found in the source. If the string was removed, run "
                      "makemessages to drop it; if it is still used, xgettext cannot see it (an f-string, a "
                      f"variable): mark the literal itself with gettext:{_listing(lost)}")


def test_committed_catalogue_is_well_formed():
    _require_gettext()
    po = polib.pofile(str(PO_PATH))
    assert po.metadata.get("Language") == "fa"
    assert po.metadata.get("Plural-Forms") == PLURAL_FORMS
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    # Placeholders (%(name)s, %s) kept exactly, header and plural forms consistent.
    result = subprocess.run(["msgfmt", "--check", "--check-format", "-o", os.devnull, str(PO_PATH)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), f"msgfmt -c found problems:\n{result.stderr}"


def _catalogue(entries) -> dict:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural or None): (tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural
                                                        else e.msgstr)
        for e in entries
    }


def test_committed_mo_is_compiled_from_the_committed_po():
    po = polib.pofile(str(PO_PATH))
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(BASE_DIR)} is missing; run {COMPILE_HINT} and commit it"
    mo = polib.mofile(str(MO_PATH))
    expected, compiled = _catalogue(po.translated_entries()), _catalogue(mo)
    stale = sorted(repr(key[1]) for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key))
    assert not stale, (f"{MO_PATH.relative_to(BASE_DIR)} is out of date with the .po ({len(stale)} entries differ); "
                       f"run {COMPILE_HINT} and commit the .mo:\n  " + "\n  ".join(stale[:50]))
    assert mo.metadata.get("Plural-Forms") == PLURAL_FORMS


def _fa(message: str) -> str:
    # Called with a variable, not a literal: this test must not add its own strings to the catalogue.
    with translation.override("fa"):
        return translation.gettext(message)


@pytest.mark.parametrize(("message", "persian"), [("Dashboard", None), ("%(amount)s rials", "%(amount)s ریال")])
def test_the_interface_speaks_persian(message, persian):
    translated = _fa(message)
    assert translated != message, f"{message!r} is not translated into Persian"
    assert any("\u0600" <= ch <= "\u06ff" for ch in translated), translated
    if persian is not None:
        assert translated == persian
