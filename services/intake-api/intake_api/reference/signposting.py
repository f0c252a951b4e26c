"""ASM-028 (¶2.51–2.54): where a complainant without an MP referral is directed.

A pure function of the complainant's situation and the business date, so that a 'No MP
referral' closure and the reference API give the same answer. It knows nothing of HTTP; its
errors are the house's 422 problems (``shared.errors``), which any caller may let through.

The guidance's three situations:

- **Never lived in the UK** (¶2.51–2.52): the complainant has no MP, so they may ask the Chair of
  PACAC to refer. They contact the Chair *via the Committee*, never the Chair's constituency
  office, because the Chair refers as Chair of PACAC, not as a constituency MP.
- **Former UK resident** (¶2.51 footnote 18): directed to their previous constituency MP, "as they
  will be on the electoral register in this area for up to fifteen years after leaving the UK".
- **Own MP refuses to refer** (¶2.53–2.54): **not** directed to PACAC. We cannot require an MP
  to refer, nor act for the complainant to get one to; we may give the House of Commons' contact
  details, telling them that MPs will not normally act for another MP's constituent.

The fifteen-year boundary is counted in calendar years from the day they left: on the
fifteenth anniversary they are still within it, the day after they are not. Someone who left on
29 February has the anniversary on 28 February in a common year (the period ends on the last day
of the month when its day does not exist, as PostgreSQL's ``date + interval '15 years'`` does).

More than fifteen years: the guidance is silent. Footnote 18's reason (they are still on their
old constituency's register) no longer holds, so they have no MP, while ¶2.51's PACAC route is
written for someone who has *never* been a UK resident. We treat them as having no MP and give
the PACAC route, with a warning for the caseworker to check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import MAXYEAR, date
from enum import StrEnum
from typing import Final, Literal

from shared.errors import UnprocessableContent

REQUIREMENT: Final = "ASM-028"
REGISTER_YEARS: Final = 15  # ¶2.51 fn 18: on the electoral register for up to fifteen years

# ¶2.52: the Committee's contact details ("signposting template values").
PACAC_NAME: Final = "Public Administration and Constitutional Affairs Committee"
PACAC_CONTACT_DETAILS: Final = (
    "Public Administration and Constitutional Affairs Committee\n"
    "House of Commons\n"
    "London\n"
    "SW1A 0AA\n"
    "Telephone: 020 7219 3268\n"
    "Email: pacac@parliament.uk"
)
# ¶2.54 names no contact details for the House of Commons; this is its postal address (¶2.52).
HOUSE_OF_COMMONS_CONTACT_DETAILS: Final = "House of Commons\nLondon\nSW1A 0AA"


class NoMpSituation(StrEnum):
    """Why the complainant has no MP referral."""

    never_lived_in_uk = "never_lived_in_uk"
    former_uk_resident = "former_uk_resident"
    own_mp_refuses = "own_mp_refuses"


class NoMpDirection(StrEnum):
    """Whom the complainant is directed to."""

    pacac_chair_via_pacac = "pacac_chair_via_pacac"
    previous_constituency_mp = "previous_constituency_mp"
    house_of_commons_contact_details = "house_of_commons_contact_details"


@dataclass(frozen=True, slots=True)
class NoMpAdvice:
    """The signposting for one complainant: the direction, the letter text, caseworker warnings."""

    situation: NoMpSituation
    direct_to: NoMpDirection
    signposting_detail: str
    warnings: tuple[str, ...] = field(default=())
    requirement: Literal["ASM-028"] = "ASM-028"


class NoMpSituationInvalid(UnprocessableContent):
    type = "no-mp-situation-invalid"
    title = "The situation and the date of leaving the UK do not fit together"


class LeftUkDateInFuture(UnprocessableContent):
    type = "date-in-future"
    title = "A date or time is in the future"


# Letter text and warnings ------------------------------------------------------------------

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_PACAC_ROUTE = (
    f"you can ask the Chair of the {PACAC_NAME} (PACAC) to refer your complaint to us. Please "
    "contact the Chair through the Committee, not through the Chair's constituency office: the "
    "Chair refers complaints in their role as Chair of PACAC, not as a constituency MP. The "
    f"Committee's contact details are:\n{PACAC_CONTACT_DETAILS}"
)
_VIA_PACAC = (
    "Direct the complainant to the Chair via PACAC, not via the Chair's constituency office "
    "(¶2.51)."
)
_NOT_PACAC = "Do not direct the complainant to the Chair of PACAC (¶2.53)."
_NO_LOBBYING = (
    "We cannot require an MP to refer a complaint, and must not act on the complainant's behalf "
    "to get an MP to refer it (¶2.54)."
)
_OTHER_MPS = (
    "Tell the complainant that MPs will not normally act on behalf of another MP's constituent "
    "(¶2.54)."
)
_BEYOND_GUIDANCE = (
    "The guidance (¶2.51, footnote 18) covers former UK residents only up to fifteen years "
    "after they left. This complainant left longer ago, so is treated as having no MP and "
    "directed to the Chair of PACAC; check this before sending."
)


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole calendar years; 29 February becomes 28 February in a common year.

    Raises ``OverflowError`` if the year leaves 1–9999.
    """
    year = day.year + years
    if not 1 <= year <= MAXYEAR:
        raise OverflowError(f"year {year} is out of range")
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return day.replace(year=year, day=28)


def within_register_period(left_uk_on: date, today: date) -> bool:
    """Whether ``today`` is no more than fifteen years after ``left_uk_on`` (the anniversary
    itself counts as within)."""
    if left_uk_on.year + REGISTER_YEARS > MAXYEAR:
        return True  # the anniversary is beyond any date there is
    return today <= add_years(left_uk_on, REGISTER_YEARS)


def no_mp_signposting(
    situation: NoMpSituation, *, left_uk_on: date | None, today: date
) -> NoMpAdvice:
    """ASM-028: whom a complainant without an MP referral is directed to, and what to tell them.

    ``left_uk_on`` (the date the complainant left the UK) is required for a former UK resident,
    must be absent for someone who has never lived in the UK, and is ignored when their own MP
    refuses (a former resident's previous constituency MP may be the one refusing). It may not
    be after ``today``, the business date. Raises ``NoMpSituationInvalid`` or
    ``LeftUkDateInFuture`` (both 422 problems) otherwise.
    """
    try:
        situation = NoMpSituation(situation)
    except ValueError:
        raise NoMpSituationInvalid(f"ASM-028: unknown situation {situation!r}") from None
    if left_uk_on is not None and left_uk_on > today:
        raise LeftUkDateInFuture(f"left_uk_on {left_uk_on} is after today ({today})")

    if situation is NoMpSituation.never_lived_in_uk:
        if left_uk_on is not None:
            raise NoMpSituationInvalid(
                "ASM-028: someone who has never lived in the UK has no date of leaving it; "
                "omit left_uk_on or choose former_uk_resident"
            )
        return NoMpAdvice(
            situation=situation,
            direct_to=NoMpDirection.pacac_chair_via_pacac,
            signposting_detail=(
                f"As you do not have an MP and have not lived in the UK, {_PACAC_ROUTE}"
            ),
            warnings=(_VIA_PACAC,),
        )

    if situation is NoMpSituation.former_uk_resident:
        if left_uk_on is None:
            raise NoMpSituationInvalid(
                "ASM-028: a former UK resident needs left_uk_on, the date they left the UK"
            )
        if within_register_period(left_uk_on, today):
            return NoMpAdvice(
                situation=situation,
                direct_to=NoMpDirection.previous_constituency_mp,
                signposting_detail=(
                    f"You told us you left the UK on {_long_date(left_uk_on)}. People who have "
                    "lived in the UK stay on the electoral register in the area where they last "
                    "lived for up to fifteen years after leaving, so you can ask the MP for the "
                    "constituency where you last lived in the UK to refer your complaint to us."
                ),
            )
        return NoMpAdvice(
            situation=situation,
            direct_to=NoMpDirection.pacac_chair_via_pacac,
            signposting_detail=(
                f"You told us you left the UK on {_long_date(left_uk_on)}, more than fifteen "
                "years ago. As you are no longer on the electoral register in the area where you "
                f"last lived, and so do not have a constituency MP, {_PACAC_ROUTE}"
            ),
            warnings=(_BEYOND_GUIDANCE, _VIA_PACAC),
        )

    # NoMpSituation.own_mp_refuses: never PACAC (¶2.53); no compelling or lobbying (¶2.54).
    return NoMpAdvice(
        situation=situation,
        direct_to=NoMpDirection.house_of_commons_contact_details,
        signposting_detail=(
            "We cannot require an MP to refer a complaint to us, and we cannot ask an MP to refer "
            "it on your behalf. If you would like to try to find another MP to support your "
            "complaint, you can contact the House of Commons:\n"
            f"{HOUSE_OF_COMMONS_CONTACT_DETAILS}\n"
            "Please be aware that MPs will not normally act on behalf of another MP's "
            "constituent."
        ),
        warnings=(_NOT_PACAC, _NO_LOBBYING, _OTHER_MPS),
    )
