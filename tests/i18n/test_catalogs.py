"""The translation catalogs: complete for German and Ukrainian, placeholders kept,
compiled files in step with their sources, and no string in the code left out.

The checks read the PO files with ``tests/i18n/pofile.py`` and the compiled MO
files with the standard library, so they need no GNU gettext. The two checks
that run gettext itself (``msgfmt --check`` and a fresh ``makemessages``)
skip where it is not installed.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.i18n.pofile import Catalog, parse

BASE = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
COMPLETE = ["de", "uk"]  # English needs no msgstr: an empty one shows the English source.
APPS = ["applications", "appointments", "casework"]


def all_po_files() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS] + sorted(BASE.glob("*/locale"))
    return sorted({po for root in roots for po in root.glob("*/LC_MESSAGES/*.po")})


def language_of(po: Path) -> str:
    return po.parent.parent.name


def label(po: Path) -> str:
    return str(po.relative_to(BASE))


PO_FILES = all_po_files()
CATALOGS = {po: parse(po) for po in PO_FILES}


# --- placeholders -------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def placeholders(text: str, flags: set[str]) -> Counter:
    """Named ``%(name)s`` always count; ``%s`` and ``{name}`` only where the entry is flagged as a format."""
    positional = bool(flags & {"python-format", "javascript-format"})
    found: Counter = Counter(
        f"%({name}){kind}" for name, kind in _PERCENT.findall(text) if kind != "%" and (name or positional)
    )
    if "python-brace-format" in flags:
        found.update(f"{{{name}}}" for name in _BRACE.findall(text))
    return found


class _AnyValue(dict):
    def __missing__(self, key):
        return 1


def test_it_finds_the_catalogs_of_every_app_and_language():
    for app in APPS:
        for language in LANGUAGES:
            po = BASE / app / "locale" / language / "LC_MESSAGES" / "django.po"
            assert po in CATALOGS, f"{label(po)} is missing: see docs/i18n.md"
            assert po.with_suffix(".mo").is_file(), f"{label(po)} is not compiled: run compilemessages"
            assert CATALOGS[po].entries, f"{label(po)} has no entries"


@pytest.mark.parametrize("po", PO_FILES, ids=label)
def test_it_has_a_header_that_names_the_language(po):
    catalog = CATALOGS[po]
    assert not catalog.header_fuzzy, "the header is marked fuzzy (left from makemessages)"
    # An empty Language header is harmless (Django goes by the folder); a wrong one means a misplaced file.
    assert catalog.header.get("Language") in ("", language_of(po))
    assert "charset=UTF-8" in catalog.header.get("Content-Type", "")
    assert "nplurals=" in catalog.header.get("Plural-Forms", "")


@pytest.mark.parametrize("po", [po for po in PO_FILES if language_of(po) in COMPLETE], ids=label)
def test_it_translates_every_entry_and_leaves_none_fuzzy(po):
    catalog = CATALOGS[po]
    fuzzy = [e.msgid for e in catalog.entries if e.fuzzy]
    untranslated = [e.msgid for e in catalog.entries if not e.translated]
    wrong_forms = [
        e.msgid
        for e in catalog.entries
        if e.msgid_plural is not None and sorted(e.msgstr) != list(range(catalog.nplurals))
    ]
    assert fuzzy == [], f"fuzzy entries in {label(po)} (check them, then remove the flag)"
    assert untranslated == [], f"untranslated entries in {label(po)}"
    assert wrong_forms == [], f"plural entries without {catalog.nplurals} forms in {label(po)}"


@pytest.mark.parametrize("po", PO_FILES, ids=label)
def test_it_keeps_the_placeholders_of_every_entry(po):
    catalog = CATALOGS[po]
    problems = []
    for entry in catalog.entries:
        flags = entry.flags
        wanted = placeholders(entry.msgid, flags) | placeholders(entry.msgid_plural or "", flags)
        for index, text in entry.msgstr.items():
            if not text:
                continue
            got = placeholders(text, flags)
            if entry.msgid_plural is None:
                ok = got == wanted
            else:  # a plural form may leave out the number ("one file"), never add a name
                ok = set(got) <= set(wanted)
            if not ok:
                problems.append(f"{entry.msgid!r} [{index}]: {dict(got)} != {dict(wanted)}")
            elif "python-format" in entry.flags:
                try:
                    text % _AnyValue()
                except (TypeError, ValueError, KeyError) as error:
                    problems.append(f"{entry.msgid!r} [{index}]: cannot be formatted ({error})")
    assert problems == []


@pytest.mark.parametrize("po", PO_FILES, ids=label)
def test_it_ships_a_compiled_catalog_in_step_with_its_source(po):
    """A stale .mo shows yesterday's text: the committed MO must hold exactly the PO's translations."""
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # the stdlib keeps the messages there
    compiled = {key: value for key, value in compiled.items() if key != ""}
    assert compiled == expected_mo_catalog(CATALOGS[po]), f"run compilemessages for {label(po)}"


def expected_mo_catalog(catalog: Catalog) -> dict:
    expected: dict = {}
    for entry in catalog.entries:
        if entry.fuzzy or not entry.translated:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
    return expected


@pytest.mark.parametrize("po", PO_FILES, ids=label)
def test_it_passes_msgfmt_check(po):
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("needs msgfmt (apt-get install gettext); the pure-Python checks above still ran")
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(po)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# Python sources and the folder their catalogs live in (the portal's are in LOCALE_PATHS).
SOURCES = {app: f"{app}/locale" for app in APPS} | {"portal": "locale", "video": "video/locale"}

# Templates and the catalog their strings belong in (docs/i18n.md). allauth's own
# templates are not ours; ``templates/allauth`` holds only our layout for them.
# The video app's catalogs hold its templates too. The video JS (djangojs) is not covered.
TEMPLATE_SOURCES = {app: ([f"templates/{app}"], f"{app}/locale") for app in APPS} | {
    "portal": (["templates/portal", "templates/components", "templates/allauth", "templates/base.html"], "locale"),
    "video": (["templates/video"], "video/locale"),
}


def missing_from_catalogs(copy: Path, catalog_root: str, monkeypatch, settings) -> dict[str, list[str]]:
    """makemessages on ``copy`` (a copy of some sources); the msgids each committed catalog lacks."""
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["de"], verbosity=0)

    extracted = {(e.msgctxt, e.msgid) for e in parse(copy / "locale/de/LC_MESSAGES/django.po").entries}
    assert extracted, "makemessages found nothing: the check itself is broken"
    catalogs = sorted((BASE / catalog_root).glob("*/LC_MESSAGES/django.po"))
    assert {language_of(po) for po in catalogs} >= set(COMPLETE)
    missing = {}
    for po in catalogs:
        committed = {(e.msgctxt, e.msgid) for e in CATALOGS[po].entries}
        missing[label(po)] = sorted(msgid for _ctxt, msgid in extracted - committed)
    return missing


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_it_has_a_translation_for_every_string_marked_in_the_code(source, tmp_path, monkeypatch, settings):
    """makemessages on a copy of the sources: every msgid it finds must be in the committed catalogs.

    This fails when code gains a new ``_("...")`` and nobody updated the catalogs
    (German users would see English), see docs/i18n.md.
    """
    if not shutil.which("xgettext"):
        pytest.skip("needs xgettext (apt-get install gettext)")
    copy = tmp_path / source
    shutil.copytree(BASE / source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"))
    missing = missing_from_catalogs(copy, SOURCES[source], monkeypatch, settings)
    assert missing == {po: [] for po in missing}, "run makemessages and translate (docs/i18n.md)"


@pytest.mark.parametrize("source", sorted(TEMPLATE_SOURCES))
def test_it_has_a_translation_for_every_string_in_the_templates(source, tmp_path, monkeypatch, settings):
    """The same for the templates: ``{% translate %}`` and ``{% blocktranslate %}`` in
    ``templates/<app>/`` must be in that app's catalog, the portal's and the shared
    components' in ``locale/``. Add missing entries by hand (docs/i18n.md)."""
    if not shutil.which("xgettext"):
        pytest.skip("needs xgettext (apt-get install gettext)")
    paths, catalog_root = TEMPLATE_SOURCES[source]
    present = [BASE / path for path in paths if (BASE / path).exists()]
    if not present:
        pytest.skip(f"no templates yet in {', '.join(paths)}")
    copy = tmp_path / source
    copy.mkdir()
    for path in present:
        if path.is_dir():
            shutil.copytree(path, copy / path.name)
        else:
            shutil.copy(path, copy / path.name)
    missing = missing_from_catalogs(copy, catalog_root, monkeypatch, settings)
    assert missing == {po: [] for po in missing}, "add these entries to the catalogs by hand (docs/i18n.md)"


# Marked in the code in a way xgettext cannot see, so added to the catalogs by hand
# (docs/i18n.md). makemessages turns such entries into obsolete "#~" lines; this
# keeps them from being lost until the code marks them visibly.
ADDED_BY_HAND = {
    "applications": ["born"],  # _('born') inside an f-string, pdf.py
    "casework": [  # gettext_noop imported as N_, pdf.py
        "Standard needs (Regelbedarf)",
        "Additional needs (Mehrbedarfe)",
        "Housing and heating (KdU)",
        "Total per month",
    ],
}


@pytest.mark.parametrize("app", sorted(ADDED_BY_HAND))
@pytest.mark.parametrize("language", COMPLETE)
def test_it_keeps_the_entries_that_makemessages_cannot_see(app, language):
    catalog = CATALOGS[BASE / app / "locale" / language / "LC_MESSAGES/django.po"]
    translated = {entry.msgid for entry in catalog.entries if entry.translated}
    lost = [msgid for msgid in ADDED_BY_HAND[app] if msgid not in translated]
    assert lost == [], f"restore these entries in {app}/locale/{language} (remove the '#~ ' prefix)"


@pytest.mark.parametrize("language", COMPLETE)
def test_it_translates_one_text_the_same_way_in_every_catalog(language):
    """Django merges the catalogs, the first in LOCALE_PATHS and INSTALLED_APPS winning:
    a text translated differently in two catalogs shows only one of them everywhere
    (a staff button "Not accepted" read as the citizen's status "Nicht anerkannt").
    Give a text with another meaning its own msgid or a context (pgettext)."""
    seen: dict[tuple, dict[str, dict]] = {}
    for po, catalog in CATALOGS.items():
        if language_of(po) != language or "djangojs" in po.name:
            continue
        for entry in catalog.entries:
            if entry.msgid and entry.translated:
                seen.setdefault((entry.msgctxt, entry.msgid), {})[label(po)] = entry.msgstr
    differing = {key[1]: found for key, found in seen.items() if len({str(v) for v in found.values()}) > 1}
    assert differing == {}
