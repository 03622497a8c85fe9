"""Which team works a new application: the Jobcenter's routing rules.

A common Jobcenter practice splits benefits work by the applicant's surname
initial ("Buchstabenbereich": A-K to team 1, L-Z to team 2). A Jobcenter
defines ranges per team and one default team; an application whose surname
matches no range (or that has none) goes to the default.

This module holds the pure part (normalising names, matching ranges); the
services that apply it to applications live in ``casework.services``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Letters whose German sort order is not their base letter's accent-stripped form.
_SPECIAL = {"ß": "SS", "Æ": "AE", "Ø": "O", "Œ": "OE", "Ł": "L", "Đ": "D"}


def normalise_surname(surname: str) -> str:
    """Upper-case A-Z only: "Müller" -> "MULLER", "d'Alembert" -> "DALEMBERT".

    Umlauts file under their base letter (DIN 5007-1, the telephone-book
    order that filing ranges use). Names in other scripts (e.g. Cyrillic)
    normalise to "" and go to the default team.
    """
    out = []
    for char in surname.strip().upper():
        char = _SPECIAL.get(char, char)
        base = unicodedata.normalize("NFKD", char)
        out.extend(c for c in base if "A" <= c <= "Z")
    return "".join(out)


def in_range(key: str, start: str, end: str) -> bool:
    """Whether the normalised surname ``key`` falls in [start, end], both bounds
    compared on as many letters as the bound has ("KA".."KZ" covers "Kaiser")."""
    if not key:
        return False
    start, end = normalise_surname(start), normalise_surname(end)
    return (not start or key[: len(start)] >= start) and (not end or key[: len(end)] <= end)


@dataclass(frozen=True)
class Rule:
    team_id: int
    surname_from: str = ""
    surname_to: str = ""
    is_default: bool = False
    position: int = 0


def pick_team(surname: str, rules: Iterable[Rule]) -> int | None:
    """The team of the first matching range rule (by position), else the default team."""
    key = normalise_surname(surname or "")
    default = None
    for rule in sorted(rules, key=lambda r: (r.is_default, r.position)):
        if rule.is_default:
            default = default or rule.team_id
        elif in_range(key, rule.surname_from, rule.surname_to):
            return rule.team_id
    return default
