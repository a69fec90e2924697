"""Swedish is the source language (msgids are Swedish, so Swedish is complete by construction);
the English catalog must cover every string and keep every placeholder."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "portfolio" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def test_english_catalog_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot.open("rb")) if m.id}
    catalog = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(PO.open("rb")) if m.id}
    missing = sorted(extracted - set(catalog))
    assert not missing, f"run pybabel update and translate: {missing[:10]}"
    untranslated = [i for i in extracted if not all(
        [catalog[i].string] if isinstance(catalog[i].string, str) else catalog[i].string)]
    assert not untranslated, untranslated[:10]


def test_placeholders_survive_translation():
    for message in read_po(PO.open("rb")):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert sorted(PLACEHOLDER.findall(ids[0])) == sorted(PLACEHOLDER.findall(strings[0])), message.id


def test_compiled_catalog_is_up_to_date():
    def as_map(messages):
        return {(m.id if isinstance(m.id, str) else m.id[0]):
                (m.string if isinstance(m.string, str) else tuple(m.string)) for m in messages if m.id}

    compiled, source = as_map(read_mo(MO.open("rb"))), as_map(read_po(PO.open("rb")))
    assert compiled == source, "run pybabel compile -d portfolio/translations"
