"""Normalised forms for the previous-contact search (¶1.1, INT-001) and the keys kept on a person.

A search normalises what it is given the same way, so that 'ALEX  example' finds 'Alex Example'
and 'zz99 9zz' finds 'ZZ99 9ZZ'. The keys are rewritten whenever the fields they come from change.
"""

from __future__ import annotations

import re

from intake_api.people.models import Person

_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Case-folded, single-spaced: 'ALEX  example' and 'Alex Example' match."""
    return _SPACES.sub(" ", value).strip().casefold()


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_postcode(value: str) -> str:
    """Upper case without spaces: 'zz99 9zz' and 'ZZ999ZZ' match."""
    return _SPACES.sub("", value).upper()


def normalise_phone(value: str) -> str:
    """Digits only, with a UK +44 / 0044 prefix written as the national 0."""
    text = value.strip().replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+44"):
        return "0" + digits[2:]
    if text.startswith("0044"):
        return "0" + digits[4:]
    return digits


def refresh_search_keys(person: Person) -> None:
    """Rewrite the person's ``sort_name`` and ``search_*`` keys from their current details."""
    names: set[str] = set()
    if person.family_name:
        names.add(normalise_name(person.family_name))
        if person.given_name:
            names.add(normalise_name(f"{person.given_name} {person.family_name}"))
    elif person.given_name:
        names.add(normalise_name(person.given_name))
    if person.organisation_name:
        names.add(normalise_name(person.organisation_name))
    person.search_names = sorted(names)
    person.sort_name = normalise_name(
        person.family_name or person.organisation_name or person.given_name or ""
    )
    person.search_emails = sorted({normalise_email(e["address"]) for e in person.emails})
    person.search_phones = sorted({normalise_phone(p["number"]) for p in person.phones})
    person.search_postcodes = sorted(
        {normalise_postcode(a["postcode"]) for a in person.addresses if a.get("postcode")}
    )
