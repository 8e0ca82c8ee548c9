"""Public holidays copied from the `holidays` package into calendar rows.

A snapshot, not a live lookup: the package changes between versions and clients run
different versions, so every client must compute due times from the same stored rows.
"""

from __future__ import annotations

from datetime import date

import holidays


def public_holidays(
    region: str, first_year: int, last_year: int, language: str | None = None
) -> list[tuple[date, str]]:
    """(date, name) of the public holidays of "DE", "DE-BY", "de-nw", ... for the years.

    Names are in the country's own language unless `language` is given; chosen
    explicitly because the package otherwise follows the process locale.
    """
    country, _, subdiv = region.strip().partition("-")
    try:
        probe = holidays.country_holidays(country.upper())
    except NotImplementedError as exc:  # the package's answer to an unknown country
        raise ValueError(f"unknown holiday region: {region!r}") from exc
    table = holidays.country_holidays(
        country.upper(),
        subdiv=_subdivision(probe.subdivisions, subdiv, region),
        years=range(first_year, last_year + 1),
        language=language or probe.default_language,
    )
    return sorted(table.items())


def _subdivision(known: tuple[str, ...], wanted: str, region: str) -> str | None:
    if not wanted:
        return None
    for code in known:
        if code.lower() == wanted.lower():
            return code
    raise ValueError(f"unknown holiday region: {region!r} (subdivisions: {', '.join(known)})")
