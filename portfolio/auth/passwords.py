"""The password policy, after NIST SP 800-63B: length (User.LIMITS: at least 10 characters, at
most 500), no composition rules (no demand for digits, capitals or symbols), and refusal of
passwords that are easy to guess — common or breached ones from lists shipped with the app
(data/common-passwords*.txt), one character or a short pattern repeated, obvious sequences such
as 1234567890 or qwertyuiop, and the user's own e-mail address or name. Comparisons ignore case.

Pure: no Flask app or database needed (the messages are translated when a locale is active)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from flask_babel import gettext as _

from portfolio.auth.models import User

MIN_LENGTH = User.LIMITS["password_min"]
MAX_LENGTH = User.LIMITS["password_max"]
LIST_FILES = ("common-passwords.txt", "common-passwords-sv.txt")

# Runs of characters people type in order; a password that is a stretch of one (either way,
# wrapping round) is refused.
SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyzåäö",
    "qwertyuiopå",
    "asdfghjklöä",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_SEPARATORS = re.compile(r"[\s\-_.,;:!?'\"´`+*/\\|()\[\]{}<>@#$%&=~^]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_WORD = re.compile(r"[\W_]+")
OWN_WORD_MIN = 4       # a part of the e-mail or name shorter than this may occur by chance


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped lists (lines starting with "# " are comments)."""
    words: set[str] = set()
    package = resources.files("portfolio.auth").joinpath("data")
    for name in LIST_FILES:
        for line in package.joinpath(name).read_text(encoding="utf-8").splitlines():
            if line and line != "#" and not line.startswith("# "):
                words.add(line.casefold())
    return frozenset(words)


def _variants(password: str) -> set[str]:
    """The password as compared: lowercased, and with spaces and punctuation taken out."""
    folded = password.strip().casefold()
    return {folded, _SEPARATORS.sub("", folded)} - {""}


def _is_common(variants: set[str]) -> bool:
    common = common_passwords()
    cores = {_EDGES.sub("", v) for v in variants}    # "Sommar2025!" → "sommar"
    return any(v in common for v in variants | cores)


def _is_repeated(text: str) -> bool:
    """One character, or a pattern repeated at least three times ("abcabcabc")."""
    for size in range(1, len(text) // 3 + 1):
        unit = text[:size]
        if (unit * (len(text) // size + 1))[:len(text)] == text:
            return True
    return False


def _is_sequence(text: str) -> bool:
    if len(text) < 4:
        return False
    for run in SEQUENCES:
        for candidate in (run, run[::-1]):
            if text in candidate * 2:
                return True
    return False


def _own_words(email: str | None, name: str | None) -> set[str]:
    words = set()
    for value in (email, (email or "").split("@")[0], name):
        word = _NOT_WORD.sub("", (value or "").casefold())
        if len(word) >= OWN_WORD_MIN:
            words.add(word)
    return words


def password_problem(password: str | None, *, email: str | None = None,
                     name: str | None = None) -> str | None:
    """What is wrong with `password` as a new password for the user with this e-mail address
    and name, in Swedish (the first problem found), or None when it may be used."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet måste ha minst %(min)d tecken.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Lösenordet får ha högst %(max)d tecken.", max=MAX_LENGTH)
    variants = _variants(password)
    if any(_is_repeated(v) for v in variants):
        return _("Lösenordet får inte vara ett och samma tecken eller ett kort mönster som upprepas. "
                 "Välj något längre som är svårt att gissa, t.ex. en fras av flera ord.")
    if any(_is_sequence(v) for v in variants):
        return _("Lösenordet får inte vara en enkel följd som 1234567890, abcdefghij eller "
                 "qwertyuiop. Välj något som är svårt att gissa, t.ex. en fras av flera ord.")
    plain = _NOT_WORD.sub("", password.casefold())
    if any(word in plain for word in _own_words(email, name)):
        return _("Lösenordet får inte innehålla din e-postadress eller ditt namn.")
    if _is_common(variants):
        return _("Lösenordet är för vanligt: det finns bland de lösenord som oftast används eller "
                 "har läckt. Välj ett annat, gärna en fras av flera ord som bara du känner till.")
    return None
