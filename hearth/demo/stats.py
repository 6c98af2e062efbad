"""The demo's made-up child populations for Wessex's local authorities (issue 15 §2), so
the statistics pages have rates per 10,000 children to show.

Made up, not ONS's: Northshire starts at 61,200 children aged 0 to 17 at mid-2012 and
grows 0.6 % a year, Southmoor starts at 44,800 and grows 0.3 % a year, each mid-year from
2012 to 2026, so every financial year the demo's data can fall in (to 31 March 2027) has
its mid-(N−1) estimate. Women aged 16 and over (for MARAC's rate per 10,000 adult women)
are made up as 1.3 times the children of the same year. Saved through the import's own
service, marked as demo figures; idempotent: run it again and nothing changes.
"""

from __future__ import annotations

from hearth.stats.imports import PopulationRow, population_save
from hearth.stats.models import ADULT_WOMEN, GeographicLevel, PopulationSource

FIRST_MID_YEAR = 2012
LAST_MID_YEAR = 2026
# Children aged 0 to 17 at mid-2012 and the yearly growth, per 1,000, by local authority.
STARTS = {"E06900001": (61_200, 6), "E06900002": (44_800, 3)}
# Made-up women aged 16 and over per child aged 0 to 17, in tenths.
WOMEN_PER_CHILD_TENTHS = 13


def demo_children(code: str, mid_year: int) -> int:
    """The made-up children aged 0 to 17 in ``code`` at mid-``mid_year`` (steady growth)."""
    start, per_1000 = STARTS[code]
    return round(start * (1 + per_1000 / 1000) ** (mid_year - FIRST_MID_YEAR))


def demo_adult_women(code: str, mid_year: int) -> int:
    """The made-up women aged 16 and over in ``code`` at mid-``mid_year``: 1.3 times its
    children."""
    return demo_children(code, mid_year) * WOMEN_PER_CHILD_TENTHS // 10


# The Wessex local authorities (codes and names, as hearth/demo/wessex.py seeds them: it
# calls this module, so this module does not import it).
LOCAL_AUTHORITIES = (("E06900001", "Northshire"), ("E06900002", "Southmoor"))


def seed_population() -> None:
    """Give Northshire and Southmoor a child population, and a population of women aged
    16 and over, for each mid-year 2012 to 2026."""
    rows = [
        PopulationRow(
            code=code,
            name=name,
            geographic_level=GeographicLevel.LOCAL_AUTHORITY,
            mid_year=mid_year,
            estimate=demo_children(code, mid_year),
            source=PopulationSource.DEMO,
        )
        for code, name in LOCAL_AUTHORITIES
        for mid_year in range(FIRST_MID_YEAR, LAST_MID_YEAR + 1)
    ] + [
        PopulationRow(
            code=code,
            name=name,
            geographic_level=GeographicLevel.LOCAL_AUTHORITY,
            mid_year=mid_year,
            estimate=demo_adult_women(code, mid_year),
            age_group=ADULT_WOMEN,
            source=PopulationSource.DEMO,
        )
        for code, name in LOCAL_AUTHORITIES
        for mid_year in range(FIRST_MID_YEAR, LAST_MID_YEAR + 1)
    ]
    population_save(rows=rows)
