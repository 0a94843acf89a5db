"""The country seeds, generated: `python -m segments.devtools.countries` writes
`seeds/countries.csv` and `seeds/country_aliases.csv` (`--check` only
compares them with what it would write).

- countries: every ISO 3166-1 country in pycountry (alpha-2, alpha-3, names)
  with its UN M49 region, sub-region and intermediate region, from the table
  in `data/m49/` (its README names the source).
- country_aliases: every way a country may be written in raw data, in the form
  staging compares it in (`upper(clean_text(country))`: trimmed, upper case),
  with the alpha-2 code it means. Each country's codes and names, each name
  also without accents, with "&" for "and", "St" / "St." for "Saint",
  without a parenthesis, and "Korea, Republic of" turned round; then the
  hand-kept `COMMON_ALIASES`. An alias that two countries would claim stops
  the generation.

The output is sorted and depends only on pycountry's version and this
package's files, so the committed seeds can be compared with it (a test does).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

from segments.core.errors import SegmentsError
from segments.core.project import project_dir

M49_PATH = Path(__file__).parent / "data" / "m49" / "m49_regions.csv"
COUNTRIES_SEED = Path("seeds") / "countries.csv"
ALIASES_SEED = Path("seeds") / "country_aliases.csv"
COUNTRY_COLUMNS = (
    "country_code",
    "iso3_code",
    "country_name",
    "iso_name",
    "official_name",
    "region",
    "subregion",
    "intermediate_region",
)
ALIAS_COLUMNS = ("country_alias", "country_code")


@dataclass(frozen=True)
class Region:
    region: str
    subregion: str
    intermediate_region: str = ""


# M49 gives Antarctica no region, and has no row for Taiwan (the UN counts it
# with China); every country of the seed gets one, so these two are set here.
REGION_OVERRIDES: dict[str, Region] = {
    "AQ": Region("Antarctica", "Antarctica"),
    "TW": Region("Asia", "Eastern Asia"),
}

# Spellings that no ISO name gives: short forms, former names, parts of a
# country, the native names of a few markets; and a few that pycountry gives
# today (Czech Republic, South Korea, Vietnam, ...), kept here so that they
# survive a rename there. Each one also gets the variants the ISO names get
# (without accents, "&", "St"). Add a spelling here, never in the seed, and
# regenerate.
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "U.A.E.", "EMIRATES"),
    "AT": ("ÖSTERREICH",),
    "BE": ("BELGIË", "BELGIQUE"),
    "BN": ("BRUNEI",),
    "BR": ("BRASIL",),
    "BS": ("THE BAHAMAS",),
    "CD": (
        "DR CONGO",
        "DRC",
        "DEMOCRATIC REPUBLIC OF CONGO",
        "DEMOCRATIC REPUBLIC OF THE CONGO",
        "CONGO-KINSHASA",
        "ZAIRE",
    ),
    "CG": ("REPUBLIC OF CONGO", "REPUBLIC OF THE CONGO", "CONGO-BRAZZAVILLE"),
    "CH": ("SCHWEIZ", "SUISSE", "SVIZZERA"),
    "CI": ("IVORY COAST",),
    "CN": ("PRC", "MAINLAND CHINA"),
    "CV": ("CAPE VERDE",),
    "CZ": ("CZECH REPUBLIC",),
    "DE": ("DEUTSCHLAND",),
    "DK": ("DANMARK",),
    "ES": ("ESPAÑA",),
    "FI": ("SUOMI",),
    "FK": ("FALKLANDS",),
    "GB": (
        "UK",
        "U.K.",
        "BRITAIN",
        "GREAT BRITAIN",
        "ENGLAND",
        "SCOTLAND",
        "WALES",
        "NORTHERN IRELAND",
    ),
    "GM": ("THE GAMBIA",),
    "GR": ("HELLAS",),
    "HK": ("HONG KONG SAR",),
    "IE": ("ÉIRE", "REPUBLIC OF IRELAND"),
    "IT": ("ITALIA",),
    "KP": ("NORTH KOREA", "DPRK"),
    "KR": ("KOREA", "SOUTH KOREA", "REPUBLIC OF KOREA"),
    "MK": ("MACEDONIA",),
    "MM": ("BURMA",),
    "MO": ("MACAU",),
    "MX": ("MÉXICO",),
    "NL": ("HOLLAND", "THE NETHERLANDS", "NEDERLAND"),
    "NO": ("NORGE",),
    "PH": ("THE PHILIPPINES",),
    "PL": ("POLSKA",),
    "RU": ("RUSSIA",),
    "SE": ("SVERIGE",),
    "SZ": ("SWAZILAND",),
    "TL": ("EAST TIMOR",),
    "TR": ("TURKEY",),
    "US": ("U.S.", "U.S.A.", "AMERICA", "THE UNITED STATES", "UNITED STATES OF AMERICA"),
    "VA": ("VATICAN", "VATICAN CITY"),
    "VG": ("BRITISH VIRGIN ISLANDS",),
    "VI": ("US VIRGIN ISLANDS", "U.S. VIRGIN ISLANDS"),
    "VN": ("VIETNAM",),
    "ZA": ("RSA", "REPUBLIC OF SOUTH AFRICA"),
}


@dataclass(frozen=True)
class Country:
    country_code: str
    iso3_code: str
    country_name: str
    iso_name: str
    official_name: str
    region: Region

    def row(self) -> tuple[str, ...]:
        return (
            self.country_code,
            self.iso3_code,
            self.country_name,
            self.iso_name,
            self.official_name,
            self.region.region,
            self.region.subregion,
            self.region.intermediate_region,
        )

    def names(self) -> tuple[str, ...]:
        return tuple(
            name for name in (self.iso_name, self.official_name, self.country_name) if name
        )


def m49_regions() -> dict[str, tuple[str, Region]]:
    """alpha-2 -> (alpha-3, region) from the committed UN M49 table."""
    with M49_PATH.open(encoding="utf-8", newline="") as handle:
        return {
            row["iso_alpha2"]: (
                row["iso_alpha3"],
                Region(row["region"], row["sub_region"], row["intermediate_region"]),
            )
            for row in csv.DictReader(handle)
        }


def countries() -> list[Country]:
    """Every ISO 3166-1 country in pycountry with its region, sorted by alpha-2 code."""
    m49 = m49_regions()
    result = []
    for record in pycountry.countries:
        code = record.alpha_2
        m49_alpha3, region = m49.get(code, (record.alpha_3, Region("", "")))
        region = REGION_OVERRIDES.get(code, region)
        if m49_alpha3 != record.alpha_3:
            raise SegmentsError(
                f"{code}: alpha-3 {record.alpha_3} in pycountry, {m49_alpha3} in {M49_PATH.name}"
            )
        if not region.region or not region.subregion:
            raise SegmentsError(
                f"{code} ({record.name}) has no UN M49 region: add it to {M49_PATH} "
                "(see the README there) or to REGION_OVERRIDES"
            )
        common_name = getattr(record, "common_name", "")
        result.append(
            Country(
                country_code=code,
                iso3_code=record.alpha_3,
                country_name=common_name or record.name,
                iso_name=record.name,
                official_name=getattr(record, "official_name", ""),
                region=region,
            )
        )
    return sorted(result, key=lambda country: country.country_code)


def normalise(text: str) -> str:
    """Text as staging compares it: `upper(clean_text(...))`, trimmed and upper case."""
    return unicodedata.normalize("NFC", text).strip().upper()


def _turned_round(name: str) -> str:
    """Turn an ISO name round: "Korea, Republic of" -> "Republic of Korea"."""
    match = re.fullmatch(r"(?P<head>[^,]+), (?P<tail>.+ of(?: the)?)", name, re.IGNORECASE)
    return f"{match['tail']} {match['head']}" if match else name


def _without_leading_the(name: str) -> str:
    return re.sub(r"^the ", "", name, flags=re.IGNORECASE)


def _without_parenthesis(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name)


def _ampersand(name: str) -> str:
    return re.sub(r" and ", " & ", name, flags=re.IGNORECASE)


def _unaccented(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _saint_as_st(name: str) -> str:
    return re.sub(r"^saint ", "St ", name, flags=re.IGNORECASE)


def _saint_as_st_dot(name: str) -> str:
    return re.sub(r"^saint ", "St. ", name, flags=re.IGNORECASE)


# Applied in turn, each to every form the ones before made.
_VARIANTS: tuple[Callable[[str], str], ...] = (
    _turned_round,
    _without_leading_the,
    _without_parenthesis,
    _ampersand,
    _saint_as_st,
    _saint_as_st_dot,
    _unaccented,
)


def spellings(name: str) -> set[str]:
    """A name and its variants, normalised as staging normalises raw text."""
    forms = {name}
    for variant in _VARIANTS:
        forms |= {variant(form) for form in forms}
    return {normalise(form) for form in forms}


def aliases(known: Iterable[Country]) -> dict[str, str]:
    """alias -> alpha-2 code, for every country's codes and names and COMMON_ALIASES."""
    claims: dict[str, str] = {}

    def claim(alias: str, code: str) -> None:
        owner = claims.setdefault(alias, code)
        if owner != code:
            raise SegmentsError(f"country alias {alias!r} would mean both {owner} and {code}")

    codes = set()
    for country in known:
        codes.add(country.country_code)
        claim(country.country_code, country.country_code)
        claim(country.iso3_code, country.country_code)
        for name in country.names():
            for alias in spellings(name):
                claim(alias, country.country_code)
    for code, names in sorted(COMMON_ALIASES.items()):
        if code not in codes:
            raise SegmentsError(f"COMMON_ALIASES names {code}, which is no ISO 3166-1 country")
        for name in names:
            for alias in spellings(name):
                claim(alias, code)
    return dict(sorted(claims.items()))


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def seed_texts() -> dict[Path, str]:
    """Path under the project root -> the CSV text it should hold."""
    known = countries()
    return {
        COUNTRIES_SEED: _csv(COUNTRY_COLUMNS, (country.row() for country in known)),
        ALIASES_SEED: _csv(ALIAS_COLUMNS, aliases(known).items()),
    }


def stale_seeds(root: Path) -> list[Path]:
    """The seeds whose committed text differs from what would be generated now."""
    return [
        path
        for path, text in seed_texts().items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]


def write_seeds(root: Path) -> list[Path]:
    """Write both seeds under `root`; the paths written."""
    written = []
    for path, text in seed_texts().items():
        (root / path).write_text(text, encoding="utf-8")
        written.append(root / path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segments.devtools.countries",
        description="Regenerate seeds/countries.csv and seeds/country_aliases.csv from "
        "pycountry, the UN M49 table in segments/devtools/data/m49 and the hand-kept aliases.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a committed seed differs from what would be written",
    )
    args = parser.parse_args(argv)
    try:
        root = project_dir()
        if args.check:
            stale = stale_seeds(root)
            for path in stale:
                print(f"stale: {path} (run python -m segments.devtools.countries)", file=sys.stderr)
            return 1 if stale else 0
        for path in write_seeds(root):
            print(f"wrote {path}")
    except SegmentsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
