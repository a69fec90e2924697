"""The password policy (NIST SP 800-63B): length, no composition rules, and refusal of common,
breached, repeated, sequential and personal passwords, whatever their case."""

from __future__ import annotations

import pytest

from portfolio.auth.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problem


def problem(password, email="anna.svensson@exempel.se", name="Anna Svensson"):
    return password_problem(password, email=email, name=name)


@pytest.mark.parametrize("password", [
    "demo-losenord",                 # the demo's password (the README and the demo hint show it)
    "korrekt-hast-batteri",          # the test suite's
    "ett-langt-losenord", "bench-password-1",
    "korrekt häst batteri zebra",    # spaces are fine
    "jättelångt lösenord med åäö",
    "abcdefghij" + "x",              # not a pure sequence
    "2468013579",                    # digits only are allowed (no composition rules either way)
    "a" * 9 + "b",
    "x" * (MAX_LENGTH - 1) + "y",
])
def test_acceptable_passwords(password):
    assert problem(password) is None


def test_no_composition_rules():
    assert problem("enbartsmabokstaver") is None      # no digit, capital or symbol needed


def test_length_limits():
    assert "minst 10 tecken" in problem("a1b2c3d4e")
    assert MIN_LENGTH == 10 and problem("tio tecken") is None
    assert "högst 500 tecken" in problem("ab" * 250 + "c")
    assert problem(None) is not None


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "Password2024!", "iloveyou123",
                                      "qwerty123456", "Baseball2023", "Lösenord123", "losenord2025",
                                      "Sommar2025!!", "pass word 123"])
def test_common_or_breached_passwords_are_refused(password):
    assert "för vanligt" in problem(password)


@pytest.mark.parametrize("password", ["1111111111", "aaaaaaaaaaaa", "AaAaAaAaAaAa", "abcabcabcabc",
                                      "1212121212", "ääääääääääää"])
def test_repeated_characters_are_refused(password):
    assert "upprepas" in problem(password)


@pytest.mark.parametrize("password", ["1234567890", "0987654321", "abcdefghijkl", "ABCDEFGHIJ",
                                      "qwertyuiop", "5678901234", "zyxwvutsrqpo", "12345678901"])
def test_sequences_are_refused(password):
    assert "följd" in problem(password)


@pytest.mark.parametrize("password", ["anna.svensson@exempel.se", "Anna.Svensson2024", "annasvensson!!",
                                      "ANNA SVENSSON 1", "mitt-anna.svensson-pw"])
def test_the_users_email_or_name_is_refused(password):
    assert "e-postadress eller ditt namn" in problem(password)


def test_a_short_email_part_is_not_matched_by_chance():
    # "ks@exempel.se": two letters may well occur in a good password
    assert password_problem("parks-and-lakes", email="ks@exempel.se", name="Kim") is None


def test_the_shipped_list():
    words = common_passwords()
    assert len(words) > 10_000
    assert {"123456", "password", "iloveyou", "lösenord"} <= words
    assert all(w == w.casefold() for w in words)
    assert not any(w.startswith("# ") for w in words)     # the header is not a password
