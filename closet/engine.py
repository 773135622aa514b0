"""Outfit ideas: a pure, deterministic engine over plain data.

The engine never imports Django models, never reads the database, a file or the network, and never draws a random
number: the caller (a worker job) builds :class:`EngineItem` rows and a :class:`Feedback` from *one* user's data and
gets back :class:`Idea` suggestions. That keeps the promises checkable by reading this file: no outbound call
(AI-3), learning only from that user's own feedback (AI-4), and favouring items whose last wear is old or missing
(AI-6). Ideas are suggestions (AI-5): nothing here writes anything.

How an idea is made
-------------------

1. **Conditions** (:func:`resolve_conditions`): the season comes from the request, else from the date (northern
   hemisphere unless told otherwise); the temperature decides whether outerwear is *required* (below 14 °C, or in
   winter / late autumn when no temperature is given), *forbidden* (above 24 °C, or at the beach when it is not
   cold) or *optional*. Occasion words (office, interview, wedding, date, gym, beach, rain, party, casual…) add a
   formality range and a few category rules; unknown words add nothing.
2. **Hard filters**, per item, in order: status ``active``; not ``needs_wash``; seasons include the season (no
   seasons = all year); warmth suits the weather (see :func:`_weather_ok`); formality within the occasion's range
   (unknown formality passes) and the occasion's shoe rules. An item that fails is never used, so season,
   temperature and laundry violations are impossible by construction. The counts kept while filtering explain,
   in plain words, what the closet lacks when no complete outfit can be made.
3. **Pre-score** per item (linear in the closet size), a sum of:
   freshness ``W_FRESH * min(days since last wear, 180) / 180`` (never worn = 1: AI-6), under-use (wears per
   month owned compared with the closet's median), formality fit to the occasion, warmth fit to the temperature
   (plus a cost per warmth step above 2 on days above 25 °C),
   occasion preferences (sneakers for the gym, sandals at the beach, boots and raincoats in the rain, dresses and
   blazers at a wedding), closeness to the inspiration colours (CIE Lab ΔE) and words, the user's own liked or
   disliked items, and a tiny seed-dependent tie-breaker (a CRC of seed and id, not a random draw).
4. **Pools**: each slot keeps only its best ``12 + 2 * count`` items (at most 40), so the search is bounded
   whatever the closet size. When that finds no further idea, one wider search (200 per slot, a 10x beam) makes
   sure feedback or diversity did not just exhaust the pools while other outfits exist.
5. **Beam search** per idea: (top x bottom) pairs and one-pieces → + shoes → + outerwear (when required or, at a
   small cost, optional). A partial outfit scores ``mean(item scores) + W_HARMONY * mean(pairwise colour harmony)
   + pair terms`` (formality gap, two patterns, liked pairs). The best complete outfits are re-scored
   with the harmony of the whole colour set (:func:`colour_harmony`), liked combinations, and an optional bag and
   accessory added when they raise the score ("when they fit").
6. **Diversity and feedback**: an outfit containing a disliked combination (exactly, or as a subset) is never
   built, nor any outfit with a disliked pair; two ideas never share more than one item (every pair of items used
   together in an earlier idea is barred like a disliked pair), and items already used cost a little so later
   ideas spread over the closet.

Everything is sorted by (score, id) so the same inputs and seed give the same ideas.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import heapq
import math
import re
import statistics
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from closet.taxonomy import COLOURS, SEASONS  # a plain data module: no Django import

KINDS = ("outerwear", "top", "one_piece", "bottom", "shoes", "bag", "accessory")
# The order of Idea.item_ids: outer layer first, then the body, then shoes and the extras.
SLOT_ORDER = {kind: position for position, kind in enumerate(KINDS)}

PALETTE_NEUTRALS: frozenset[str] = frozenset(hex_value for _slug, _name, hex_value, neutral in COLOURS if neutral)
PALETTE_NAMES: Mapping[str, str] = {hex_value: name for _slug, name, hex_value, _neutral in COLOURS}
_PALETTE_BY_SLUG = {slug: hex_value for slug, _name, hex_value, _neutral in COLOURS}
# Pairings stylists call classics; they earn a harmony bonus and a rationale line only when both are in the outfit.
# In the order people say them ("navy and camel").
CLASSIC_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (_PALETTE_BY_SLUG[a], _PALETTE_BY_SLUG[b])
    for a, b in (
        ("navy", "camel"),
        ("navy", "white"),
        ("black", "white"),
        ("denim", "white"),
        ("camel", "white"),
        ("camel", "black"),
        ("grey", "burgundy"),
        ("navy", "burgundy"),
        ("olive", "cream"),
        ("denim", "camel"),
    )
)

# Weights of the score terms. Harmony and freshness carry the most: an outfit must look right first, and
# among outfits that look right the long-unworn ones win (AI-6).
W_FRESH = 1.0
W_UNDER = 0.35
W_FORMAL = 0.6
W_WARM = 0.7
W_HEAT = 0.3  # per warmth step above 2 on a day above 25 °C: a hoodie is allowed at the beach, not favoured
W_INSPIRATION = 1.0
W_WORD = 0.5
W_HARMONY = 1.0
W_LIKED_ITEM = 0.3
W_DISLIKED_ITEM = -0.6
W_LIKED_PAIR = 0.3
W_LIKED_COMBO = 0.3
FRESH_CAP_DAYS = 180  # beyond this, "not worn for a long time" is as long as it gets
REUSE_PENALTY = 0.45  # per item already used by an earlier idea of the same request
# An optional outer layer must earn its place; the warmer the day, the more it has to earn.
OPTIONAL_LAYER_COST = {"mild": 0.05, "warm": 0.25, "unknown": 0.1}
EXTRA_BONUS = 0.04  # a bag or accessory that fits completes the look
EXTRA_WEIGHT = 0.5  # bags and accessories count half in the mean item score
JITTER = 0.02
LONE_COLOUR = 0.85  # colour term of a one-item partial outfit (no pair to judge yet)
MAX_IDEAS = 20
BEAM = 30
FALLBACK_POOL = 200
EXTRA_CANDIDATES = 8
FINALISTS = 4

STALE_DAYS_FOR_RATIONALE = 30


# --------------------------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True, slots=True)
class EngineItem:
    """One garment as the engine sees it; built by the caller from an Item and its wear log.

    ``colours`` are ``#rrggbb`` hexes, the dominant one first. ``seasons`` holds lower-case names from
    ``closet.models.SEASONS`` (``Item.seasons``); empty means all year. ``subcategory`` is
    the subcategory's slug or name ("sneakers", "Raincoats"); it and ``name`` are matched by keyword for the few
    category rules (sneakers for the gym, no sandals in the rain…). ``needs_wash`` is computed by the caller from
    the wear log and ``wash_interval`` (``closet.selectors.items.item_needs_wash``).
    """

    id: str
    name: str
    kind: str
    subcategory: str | None = None
    colours: tuple[str, ...] = ()
    seasons: frozenset[str] = frozenset()
    formality: int | None = None
    warmth: int | None = None
    status: str = "active"
    needs_wash: bool = False
    wear_count: int = 0
    last_worn_on: dt.date | None = None
    created_on: dt.date | None = None
    material: str = ""
    pattern: str = ""
    brand: str = ""


@dataclass(frozen=True, slots=True)
class IdeaRequest:
    """What the person asked for. ``occasion`` is free text ("office", "rainy date"); ``inspiration_colours`` are
    the hexes of an uploaded picture's palette; ``inspiration_words`` are style or colour words ("navy", "linen",
    "minimal", "bold")."""

    count: int = 3
    occasion: str = ""
    date: dt.date | None = None
    temperature_c: float | None = None
    season: str | None = None
    inspiration_colours: tuple[str, ...] = ()
    inspiration_words: tuple[str, ...] = ()
    hemisphere: str = "north"


@dataclass(frozen=True, slots=True)
class Feedback:
    """One user's own feedback (AI-4): the caller builds it from that user's rows only, never anyone else's.

    A disliked combination is never suggested again, nor any outfit that contains it; two items of a disliked pair
    are never put together; disliked items rank lower; liked combinations, pairs and items are boosted.
    """

    liked_combos: frozenset[frozenset[str]] = frozenset()
    disliked_combos: frozenset[frozenset[str]] = frozenset()
    liked_pairs: frozenset[frozenset[str]] = frozenset()
    disliked_pairs: frozenset[frozenset[str]] = frozenset()
    liked_items: frozenset[str] = frozenset()
    disliked_items: frozenset[str] = frozenset()

    @classmethod
    def from_ideas(
        cls,
        *,
        liked: Iterable[Iterable[str]] = (),
        disliked: Iterable[Iterable[str]] = (),
        liked_pairs: Iterable[Iterable[str]] = (),
        disliked_pairs: Iterable[Iterable[str]] = (),
        liked_items: Iterable[str] = (),
        disliked_items: Iterable[str] = (),
    ) -> Feedback:
        """Convenience builder from plain lists of item ids (e.g. rows of a feedback table)."""
        return cls(
            liked_combos=frozenset(frozenset(map(str, ids)) for ids in liked),
            disliked_combos=frozenset(frozenset(map(str, ids)) for ids in disliked),
            liked_pairs=frozenset(frozenset(map(str, ids)) for ids in liked_pairs),
            disliked_pairs=frozenset(frozenset(map(str, ids)) for ids in disliked_pairs),
            liked_items=frozenset(map(str, liked_items)),
            disliked_items=frozenset(map(str, disliked_items)),
        )


NO_FEEDBACK = Feedback()


@dataclass(frozen=True, slots=True)
class Idea:
    """One suggested outfit. ``item_ids`` run outerwear, top or one-piece, bottom, shoes, bag, accessory;
    ``rationale`` holds short sentences that are true of this outfit; ``harmony`` names its colour scheme."""

    item_ids: tuple[str, ...]
    score: float
    rationale: tuple[str, ...]
    harmony: str


@dataclass(frozen=True, slots=True)
class Conditions:
    """What the engine understood from a request: shown to the person ("for winter, 4 °C") and used by benches."""

    season: str
    temperature_c: float | None
    outerwear: str  # "required" | "optional" | "forbidden"
    formality: tuple[int, int] | None
    occasion: str  # the recognised occasion's label, "" when none


@dataclass(frozen=True, slots=True)
class IdeaResult:
    """The ideas, best first, and, when no complete outfit could be made, what the closet lacks in plain words."""

    ideas: tuple[Idea, ...]
    missing: tuple[str, ...] = ()
    conditions: Conditions | None = None


# --------------------------------------------------------------------------------------------------------------
# Occasions


@dataclass(frozen=True, slots=True)
class _Occasion:
    label: str = ""
    formality: tuple[int, int] | None = None
    target: float | None = None
    outerwear: str | None = None  # "required" | "forbidden" | None
    shoes_only: tuple[str, ...] = ()  # hard: shoes must match one of these keywords
    shoes_label: str = ""
    never: tuple[tuple[str, str], ...] = ()  # hard: (kind, keyword) never used
    prefer: tuple[tuple[str, str, float], ...] = ()  # soft: (kind, keyword or "", bonus)
    summer: bool = False


_OFFICE = _Occasion("the office", (3, 5), 3.5, prefer=(("outerwear", "blazer", 0.3),))
_INTERVIEW = _Occasion("an interview", (4, 5), 4.5, prefer=(("outerwear", "blazer", 0.4),))
_WEDDING = _Occasion(
    "a wedding",
    (4, 5),
    4.5,
    prefer=(("one_piece", "", 0.3), ("outerwear", "blazer", 0.4)),
    never=(("shoes", "sneaker"),),
)
_DATE = _Occasion("a date", (3, 4), 3.5)
_GYM = _Occasion(
    "the gym", (1, 2), 1.0, shoes_only=("sneaker", "trainer", "running"), shoes_label="sneakers"
)  # fmt: skip
_BEACH = _Occasion(
    "the beach",
    (1, 2),
    1.0,
    outerwear="forbidden",
    summer=True,
    never=(("shoes", "heel"), ("shoes", "boot")),
    prefer=(("shoes", "sandal", 0.5),),
)
_RAIN = _Occasion(
    "the rain",
    outerwear="required",
    never=(("shoes", "sandal"),),
    prefer=(("outerwear", "rain", 0.6), ("shoes", "boot", 0.4)),
)
_PARTY = _Occasion("a party", (3, 5), 4.0)
_CASUAL = _Occasion("a casual day", (1, 3), 2.0)

OCCASION_WORDS: Mapping[str, _Occasion] = {
    **dict.fromkeys(("office", "work", "meeting", "business", "conference"), _OFFICE),
    "interview": _INTERVIEW,
    **dict.fromkeys(("wedding", "ceremony", "gala"), _WEDDING),
    **dict.fromkeys(("date", "dinner"), _DATE),
    **dict.fromkeys(("gym", "sport", "sports", "run", "running", "workout", "training", "yoga"), _GYM),
    **dict.fromkeys(("beach", "pool", "seaside"), _BEACH),
    **dict.fromkeys(("rain", "rainy", "raining", "wet"), _RAIN),
    **dict.fromkeys(("party", "celebration"), _PARTY),
    **dict.fromkeys(("casual", "weekend", "errands", "relaxed"), _CASUAL),
}

_STYLE_WORDS = {
    "minimal": "neutral",
    "minimalist": "neutral",
    "simple": "neutral",
    "understated": "neutral",
    "bold": "saturated",
    "bright": "saturated",
    "colourful": "saturated",
    "colorful": "saturated",
    "vibrant": "saturated",
    "cosy": "warm",
    "cozy": "warm",
    "smart": "formal",
    "elegant": "formal",
    "chic": "formal",
    "formal": "formal",
    "sporty": "sporty",
    "athletic": "sporty",
}
_STYLE_SENTENCES = {
    "neutral": "Neutral pieces for a minimal look",
    "saturated": "Strong colours for a bold look",
    "warm": "Warm pieces for a cosy look",
    "formal": "Dressier pieces for a smart look",
    "sporty": "Sporty pieces for an athletic look",
}
_STOPWORDS = frozenset({"and", "the", "with", "for", "look", "style", "outfit", "some", "very", "more"})


def _occasion_profile(text: str) -> _Occasion:
    """Combine the profiles of every recognised word; unknown words add no constraint."""
    found: list[_Occasion] = []
    for word in re.findall(r"[a-z]+", (text or "").lower()):
        profile = OCCASION_WORDS.get(word)
        if profile is not None and profile not in found:
            found.append(profile)
    if not found:
        return _Occasion()
    if len(found) == 1:
        return found[0]
    ranges = [p.formality for p in found if p.formality]
    formality = None
    if ranges:
        lo, hi = max(r[0] for r in ranges), min(r[1] for r in ranges)
        # Contradictory words ("beach wedding"): span both rather than refuse everything.
        formality = (lo, hi) if lo <= hi else (min(r[0] for r in ranges), max(r[1] for r in ranges))
    targets = [p.target for p in found if p.target is not None]
    outer = {p.outerwear for p in found}
    return _Occasion(
        label=" and ".join(p.label for p in found),
        formality=formality,
        target=sum(targets) / len(targets) if targets else None,
        # Rain needs a layer even at the beach; being dry matters more than travelling light.
        outerwear="required" if "required" in outer else ("forbidden" if "forbidden" in outer else None),
        shoes_only=tuple(k for p in found for k in p.shoes_only),
        shoes_label=next((p.shoes_label for p in found if p.shoes_label), ""),
        never=tuple(n for p in found for n in p.never),
        prefer=tuple(x for p in found for x in p.prefer),
        summer=any(p.summer for p in found),
    )


# --------------------------------------------------------------------------------------------------------------
# Conditions


def season_of(day: dt.date, hemisphere: str = "north") -> str:
    """Meteorological season of a date (Dec-Feb winter in the north, Jun-Aug in the south)."""
    month = _north_month(day, hemisphere)
    return ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn", "autumn",
            "autumn", "winter")[month - 1]  # fmt: skip


def _north_month(day: dt.date, hemisphere: str) -> int:
    # The southern hemisphere's seasons are the northern ones six months later.
    return day.month if hemisphere != "south" else (day.month + 5) % 12 + 1


def resolve_conditions(request: IdeaRequest, *, today: dt.date) -> Conditions:
    """The season, temperature, outerwear rule and formality range a request implies (see the module doc)."""
    return _resolve(request, today, _occasion_profile(request.occasion))


def _resolve(request: IdeaRequest, today: dt.date, occ: _Occasion) -> Conditions:
    day = request.date or today
    t = request.temperature_c
    if request.season:
        season = request.season.strip().lower()
        if season not in SEASONS:
            raise ValueError(f"Unknown season {request.season!r}; use one of {', '.join(SEASONS)}.")
    elif occ.summer and (t is None or t >= 20):
        # "Beach" means beach clothes, whatever the calendar says (a winter holiday somewhere warm).
        season = "summer"
    else:
        season = season_of(day, request.hemisphere)
    if t is not None:
        # A known temperature is more precise than the season.
        cold, hot = t < 14, t > 24
    else:
        cold = season == "winter" or (season == "autumn" and _north_month(day, request.hemisphere) == 11)
        hot = False
    if hot:
        outer = "forbidden"
    elif cold or occ.outerwear == "required":
        outer = "required"
    elif occ.outerwear == "forbidden":
        outer = "forbidden"
    else:
        outer = "optional"
    return Conditions(season=season, temperature_c=t, outerwear=outer, formality=occ.formality, occasion=occ.label)


# --------------------------------------------------------------------------------------------------------------
# Colour


@lru_cache(maxsize=4096)
def _colour_info(hex_value: str) -> tuple[float, float, float, tuple[float, float, float]] | None:
    """(hue in degrees, HSL saturation, HSL lightness, CIE Lab) of ``#rrggbb``; None when not a colour."""
    if not re.fullmatch(r"#[0-9a-f]{6}", hex_value):
        return None
    r, g, b = (int(hex_value[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lr, lg, lb = linear(r), linear(g), linear(b)
    x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047
    y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb
    z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return h * 360.0, s, lightness, (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def hex_to_lab(hex_value: str) -> tuple[float, float, float]:
    """``#rrggbb`` or ``rrggbb`` (sRGB, any case) to CIELAB (D65). Raises ValueError for anything else."""
    info = _colour_info(_norm_hex(hex_value))
    if info is None:
        raise ValueError(f"not a #rrggbb colour: {hex_value!r}")
    return info[3]


def _norm_hex(value: str) -> str:
    value = value.strip().lower()
    return value if value.startswith("#") else f"#{value}"


def _is_neutral(hex_value: str, neutral_hexes: frozenset[str]) -> bool:
    if hex_value in neutral_hexes:
        return True
    info = _colour_info(hex_value)
    # Greys, near-blacks and near-whites a staff member added without the flag still behave as neutrals.
    return info is None or info[1] < 0.12 or info[2] < 0.12 or info[2] > 0.93


def _is_saturated(info: tuple[float, float, float, tuple[float, float, float]]) -> bool:
    # Denim (s≈0.42) and olive count as muted: they sit next to most colours without a clash.
    return info[1] >= 0.45 and 0.2 <= info[2] <= 0.8


def _hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def colour_harmony(hexes: Iterable[str], neutral_hexes: frozenset[str] = PALETTE_NEUTRALS) -> tuple[str, float]:
    """Name and score (0-1) the colour scheme of a set of colours (an outfit's dominant colours).

    Neutrals go with everything and are left out of the hue analysis. The non-neutral colours are grouped into
    hue families (within 15°):

    * none: ``neutral`` 0.85; one colour with neutrals: ``neutral`` 0.9;
    * one family in several pieces: ``monochrome`` 0.95 when the lightness varies, else 0.85;
    * two families within 40° (blue and teal): ``analogous`` 0.95; 155-180° apart: ``complementary`` 0.9;
    * two *saturated* families 90-150° apart clash: ``mixed`` 0.15 (0.45 when one is muted); other gaps 0.55;
    * three or more families: ``analogous`` 0.85 within a 60° arc, else ``mixed`` 0.4, or 0.1 when three or more
      are saturated.

    A classic pairing (navy and camel, black and white…) adds 0.1, up to 1.
    """
    colours = sorted({_norm_hex(h) for h in hexes})
    label, score = _harmony(tuple(colours), neutral_hexes)
    return label, score


def _harmony(colours: tuple[str, ...], neutral_hexes: frozenset[str]) -> tuple[str, float]:
    chromatic = [
        (info[0], hex_value, info)
        for hex_value in colours
        if not _is_neutral(hex_value, neutral_hexes) and (info := _colour_info(hex_value)) is not None
    ]
    chromatic.sort()
    families: list[list[tuple[float, str, tuple]]] = []
    for entry in chromatic:
        for family in families:
            if _hue_distance(family[0][0], entry[0]) <= 15.0:
                family.append(entry)
                break
        else:
            families.append([entry])
    if not families:
        label, score = "neutral", 0.85
    elif len(families) == 1:
        family = families[0]
        if len(family) == 1:
            label, score = "neutral", 0.9
        else:
            spread = max(e[2][2] for e in family) - min(e[2][2] for e in family)
            label, score = "monochrome", 0.95 if spread >= 0.12 else 0.85
    elif len(families) == 2:
        d = _hue_distance(families[0][0][0], families[1][0][0])
        saturated = sum(any(_is_saturated(e[2]) for e in family) for family in families)
        if d <= 40.0:
            label, score = "analogous", 0.95
        elif d >= 155.0:
            label, score = "complementary", 0.9
        elif 90.0 <= d <= 150.0:
            label, score = "mixed", 0.15 if saturated == 2 else 0.45
        else:
            label, score = "mixed", 0.55
    else:
        hues = sorted(family[0][0] for family in families)
        gaps = [hues[i + 1] - hues[i] for i in range(len(hues) - 1)] + [360.0 - hues[-1] + hues[0]]
        span = 360.0 - max(gaps)
        saturated = sum(any(_is_saturated(e[2]) for e in family) for family in families)
        if span <= 60.0:
            label, score = "analogous", 0.85
        else:
            label, score = "mixed", 0.1 if saturated >= 3 else 0.4
    present = set(colours)
    if any(a in present and b in present for a, b in CLASSIC_PAIRS):
        score = min(1.0, score + 0.1)
    return label, score


def _delta_e(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2)


# --------------------------------------------------------------------------------------------------------------
# Filters


def _kw(item: EngineItem) -> str:
    return f"{item.subcategory or ''} {item.name}".lower()


def _weather_ok(item: EngineItem, kw: str, cond: Conditions) -> bool:
    """Whether an item's warmth and type suit the temperature (or, without one, the season).

    Outer layer: warmth ≥ 4 below 5 °C (unknown warmth is not trusted there), ≥ 2 below 14 °C, ≤ 3 up to 20 °C
    and ≤ 2 above. Everything else: nothing of warmth ≥ 4 above 25 °C or of warmth 5 above 20 °C, nothing of
    warmth 1 below 5 °C (the coat does not cover the legs), no sandals below 12 °C, no shorts below 12 °C, no
    tank tops below 10 °C. Without a temperature, winter bars sandals, shorts and tank tops and wants an outer layer
    of warmth ≥ 3; summer bars warmth 5 and any outer layer above warmth 2.
    """
    kind, w, t = item.kind, item.warmth, cond.temperature_c
    if kind == "outerwear":
        if t is not None:
            if t < 5:
                return w is not None and w >= 4
            if t < 14:
                return w is None or w >= 2
            if t <= 20:
                return w is None or w <= 3
            return w is None or w <= 2
        if cond.season == "winter":
            return w is None or w >= 3
        if cond.season == "summer":
            return w is None or w <= 2
        return True
    if t is not None:
        if w is not None and ((t > 25 and w >= 4) or (t > 20 and w >= 5)):
            return False
        if t < 5 and w is not None and w <= 1 and kind in ("top", "bottom", "one_piece", "shoes"):
            return False
        if t < 12 and ((kind == "shoes" and "sandal" in kw) or (kind == "bottom" and "shorts" in kw)):
            return False
        return not (t < 10 and kind == "top" and "tank" in kw)
    if cond.season == "winter":
        return not (
            (kind == "shoes" and "sandal" in kw)
            or (kind == "bottom" and "shorts" in kw)
            or (kind == "top" and "tank" in kw)
        )
    if cond.season == "summer":
        return w is None or w <= 4
    return True


def _occasion_ok(item: EngineItem, kw: str, occ: _Occasion) -> bool:
    if occ.formality and item.formality is not None:
        lo, hi = occ.formality
        if item.kind in ("bag", "accessory"):
            # A leather tote goes to the office and to dinner: extras cross over one step.
            lo, hi = lo - 1, hi + 1
        if not lo <= item.formality <= hi:
            return False
    if item.kind == "shoes" and occ.shoes_only and not any(k in kw for k in occ.shoes_only):
        return False
    return not any(kind == item.kind and k in kw for kind, k in occ.never)


# Funnel stages: an item counts in every stage it passes.
_STAGES = ("any", "active", "clean", "season", "weather", "occasion")


def _first_failure(item: EngineItem, kw: str, cond: Conditions, occ: _Occasion) -> int:
    """Index in _STAGES of the first check the item fails, or len(_STAGES) when it passes all."""
    if item.status != "active":
        return 1
    if item.needs_wash:
        return 2
    if item.seasons and cond.season not in item.seasons:
        return 3
    if not _weather_ok(item, kw, cond):
        return 4
    if not _occasion_ok(item, kw, occ):
        return 5
    return 6


# --------------------------------------------------------------------------------------------------------------
# The engine


class _P:
    """A usable item with what the search needs precomputed."""

    __slots__ = ("days", "dom", "formality", "idx", "insp", "item", "kind", "patterned", "score", "under", "words")

    def __init__(self, item: EngineItem) -> None:
        self.item = item
        self.kind = item.kind
        self.idx = -1
        self.score = 0.0
        self.dom: str | None = None
        self.formality = item.formality
        self.patterned = bool(item.pattern) and item.pattern not in ("solid", "other")
        self.days: int | None = None
        self.under = 0.0
        self.insp = 0.0
        self.words: list[str] = []


def _fmt_temp(t: float) -> str:
    return f"{round(t):d} °C" if abs(t - round(t)) < 0.05 else f"{t:.1f} °C"


def _ideal_warmth(cond: Conditions, outer: bool) -> float:
    t = cond.temperature_c
    if t is None:
        t = {"winter": 3.0, "spring": 14.0, "autumn": 12.0, "summer": 24.0}[cond.season]
    # Straight lines through what people wear: a garment of warmth 4 at 0 °C and 1 at 25 °C; a coat of 5 at 0 °C
    # and a light jacket of 2 at 14 °C.
    ideal = 5.0 - t * 3.0 / 14.0 if outer else 4.0 - t * 3.0 / 25.0
    return max(1.0, min(5.0, ideal))


def outfit_ideas(
    items: Sequence[EngineItem],
    request: IdeaRequest,
    *,
    today: dt.date,
    feedback: Feedback = NO_FEEDBACK,
    neutral_hexes: frozenset[str] = PALETTE_NEUTRALS,
    colour_names: Mapping[str, str] | None = None,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> IdeaResult:
    """Suggest up to ``request.count`` (at most 20) complete, different outfits from ``items``.

    ``today`` anchors "days since last wear" and the season when the request has no date. ``neutral_hexes`` and
    ``colour_names`` default to the built-in palette (``closet.taxonomy``); pass the Colour table's values when
    staff have added colours. ``seed`` only reorders near-ties (ask again with another seed for other ideas).
    ``progress(percent)`` is called a few times from 0 to 100. Pure: no I/O, no clock, no randomness.
    """
    return _Engine(items, request, today, feedback, neutral_hexes, colour_names, seed, progress).run()


class _Engine:
    def __init__(
        self,
        items: Sequence[EngineItem],
        request: IdeaRequest,
        today: dt.date,
        feedback: Feedback,
        neutral_hexes: frozenset[str],
        colour_names: Mapping[str, str] | None,
        seed: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.items = items
        self.request = request
        self.today = today
        self.feedback = feedback
        self.neutral = frozenset(_norm_hex(h) for h in neutral_hexes)
        self.names = {_norm_hex(k): v for k, v in (colour_names or PALETTE_NAMES).items()}
        self.seed = seed
        self.progress = progress
        self.occ = _occasion_profile(request.occasion)
        self.cond = _resolve(request, today, self.occ)
        self.count = max(0, min(int(request.count), MAX_IDEAS))
        t = self.cond.temperature_c
        self.layer_cost = OPTIONAL_LAYER_COST["unknown" if t is None else ("warm" if t > 20 else "mild")]
        self.harmony_memo: dict[tuple[str, ...], tuple[str, float]] = {}
        self.pair_memo: dict[int, tuple[float, float]] = {}

    def _report(self, percent: int) -> None:
        if self.progress is not None:
            self.progress(percent)

    # ---- 1. filter and pre-score -------------------------------------------------------------------------------

    def run(self) -> IdeaResult:
        self._report(0)
        funnel = {kind: [0] * len(_STAGES) for kind in KINDS}
        needs_wash_seen = dict.fromkeys(KINDS, False)
        usable: list[_P] = []
        outer_used = self.cond.outerwear != "forbidden"
        for item in self.items:
            kind = item.kind
            if kind not in funnel:
                continue
            kw = _kw(item)
            stage = _first_failure(item, kw, self.cond, self.occ)
            counts = funnel[kind]
            for i in range(min(stage, len(_STAGES))):
                counts[i] += 1
            if stage == 2:
                needs_wash_seen[kind] = True
            if stage == len(_STAGES) and (kind != "outerwear" or outer_used):
                usable.append(_P(item))
        self._report(10)
        # Sorting by id makes the result independent of the order the caller passed the items in.
        usable.sort(key=lambda p: p.item.id)
        self._prescore(usable)
        self._report(30)

        pools = self.pools = self._pools(usable)
        missing = self._missing(funnel, needs_wash_seen, pools)
        if missing or self.count == 0:
            self._report(100)
            return IdeaResult(ideas=(), missing=missing, conditions=self.cond)

        ideas = self._search_all(pools)
        self._report(100)
        if not ideas:
            missing = ("No new combination: every outfit these items make includes a combination or pair you disliked",)
        return IdeaResult(ideas=tuple(ideas), missing=missing, conditions=self.cond)

    def _prescore(self, usable: list[_P]) -> None:
        """Per-item score: freshness (AI-6), under-use, formality and warmth fit, occasion preferences,
        inspiration, the user's liked/disliked items and a tiny deterministic tie-breaker."""
        today, cond, occ, fb = self.today, self.cond, self.occ, self.feedback
        insp_labs = [info[3] for h in self.request.inspiration_colours if (info := _colour_info(_norm_hex(h)))]
        colour_words, style_words, text_words = self._split_words()
        rates = []
        for p in usable:
            item = p.item
            months = max(1.0, (today - item.created_on).days / 30.0) if item.created_on else 12.0
            rates.append(max(0, item.wear_count) / months)
        median_rate = statistics.median(rates) if rates else 0.0
        ideal_outer = _ideal_warmth(cond, outer=True)
        ideal_garment = _ideal_warmth(cond, outer=False)
        hot = cond.temperature_c is not None and cond.temperature_c > 24
        very_hot = cond.temperature_c is not None and cond.temperature_c > 25
        seed_prefix = f"{self.seed}:".encode()
        for p, rate in zip(usable, rates, strict=True):
            item = p.item
            kw = _kw(item)
            colours = [h for h in (_norm_hex(c) for c in item.colours) if _colour_info(h) is not None]
            p.dom = colours[0] if colours else None
            # Freshness: days since the last wear, capped; never worn counts as the cap (AI-6).
            if item.last_worn_on is None:
                p.days = None
                fresh = 1.0
            else:
                p.days = max(0, (today - item.last_worn_on).days)
                fresh = min(p.days, FRESH_CAP_DAYS) / FRESH_CAP_DAYS
            # Under-use: wears per month owned against the closet's median (1 = never worn, 0.5 = typical).
            p.under = (median_rate + 0.5) / (median_rate + 0.5 + rate)
            score = W_FRESH * fresh + W_UNDER * p.under
            if occ.target is not None:
                # Unknown formality is allowed everywhere but ranks below a known good fit.
                fit = 1.0 - abs(item.formality - occ.target) / 4.0 if item.formality is not None else 0.5
                score += W_FORMAL * fit
            if item.kind not in ("bag", "accessory"):
                ideal = ideal_outer if item.kind == "outerwear" else ideal_garment
                score += W_WARM * (1.0 - abs(item.warmth - ideal) / 4.0 if item.warmth is not None else 0.6)
            if hot and item.kind == "shoes" and "boot" in kw:
                score -= 0.3
            if very_hot and item.warmth is not None and item.warmth > 2:
                score -= W_HEAT * (item.warmth - 2)
            if item.kind == "outerwear" and cond.outerwear == "optional" and "rain" in kw:
                score -= 0.2  # a raincoat when nobody said rain
            for kind, keyword, bonus in occ.prefer:
                if kind == item.kind and keyword in kw:
                    score += bonus
            if insp_labs and colours:
                best = 0.0
                for position, hex_value in enumerate(colours[:3]):
                    lab = _colour_info(hex_value)[3]  # type: ignore[index]
                    near = max(0.0, 1.0 - min(_delta_e(lab, x) for x in insp_labs) / 35.0)
                    best = max(best, near if position == 0 else 0.6 * near)
                p.insp = best
                score += W_INSPIRATION * best
            if colour_words or style_words or text_words:
                score += self._word_score(p, item, colours, colour_words, style_words, text_words)
            if item.id in fb.liked_items:
                score += W_LIKED_ITEM
            if item.id in fb.disliked_items:
                score += W_DISLIKED_ITEM
            score += JITTER * (zlib.crc32(seed_prefix + item.id.encode()) / 0xFFFFFFFF)
            p.score = score

    def _split_words(self) -> tuple[dict[str, set[str]], set[str], list[str]]:
        words = [w for raw in self.request.inspiration_words for w in re.findall(r"[a-z]+", raw.lower())]
        phrase = " ".join(words)
        colour_words: dict[str, set[str]] = {}
        for hex_value, name in self.names.items():
            lowered = name.lower()
            if re.search(rf"\b{re.escape(lowered)}\b", phrase):
                colour_words.setdefault(lowered, set()).add(hex_value)
        used = {part for name in colour_words for part in name.split()}
        style = {_STYLE_WORDS[w] for w in words if w in _STYLE_WORDS}
        text = [
            w
            for w in dict.fromkeys(words)
            if w not in used and w not in _STYLE_WORDS and len(w) >= 3 and w not in _STOPWORDS
        ]
        return colour_words, style, text

    def _word_score(
        self,
        p: _P,
        item: EngineItem,
        colours: list[str],
        colour_words: dict[str, set[str]],
        style_words: set[str],
        text_words: list[str],
    ) -> float:
        gain = 0.0
        for name, hexes in colour_words.items():
            if hexes.intersection(colours):
                gain += W_WORD
                p.words.append(name)
        if style_words:
            infos = [(h, _colour_info(h)) for h in colours]
            if "neutral" in style_words and colours and all(_is_neutral(h, self.neutral) for h in colours):
                gain += W_WORD * 0.6
            if "saturated" in style_words and any(i is not None and _is_saturated(i) for _h, i in infos):
                gain += W_WORD * 0.6
            if "warm" in style_words and (item.warmth or 0) >= 4:
                gain += W_WORD * 0.6
            if "formal" in style_words and (item.formality or 0) >= 4:
                gain += W_WORD * 0.6
            if "sporty" in style_words and item.formality is not None and item.formality <= 2:
                gain += W_WORD * 0.6
        if text_words:
            haystack = f"{item.name} {item.subcategory or ''} {item.material} {item.brand}".lower()
            for word in text_words:
                if re.search(rf"\b{re.escape(word)}", haystack):
                    gain += W_WORD
                    p.words.append(word)
        return min(gain, 2 * W_WORD)

    # ---- 2. pools ------------------------------------------------------------------------------------------------

    def _pools(self, usable: list[_P], size: int | None = None) -> dict[str, list[_P]]:
        """The best items per slot by pre-score: bounds the search whatever the closet size."""
        if size is None:
            size = min(40, 12 + 2 * self.count)
            # Every usable item gets an index once, so pair keys stay valid when the fallback widens the pools.
            for index, p in enumerate(usable):
                p.idx = index
            self.usable = usable
            self.n = len(usable)
            self.by_kind: dict[str, list[_P]] = {kind: [] for kind in KINDS}
            for p in usable:
                self.by_kind[p.kind].append(p)
        # Sorted by (score, id): nlargest is stable, and ids break exact ties the same way every time.
        return {kind: heapq.nlargest(size, self.by_kind[kind], key=lambda p: (p.score, p.item.id)) for kind in KINDS}

    # ---- 3. missing -------------------------------------------------------------------------------------------

    def _missing(
        self, funnel: dict[str, list[int]], needs_wash_seen: dict[str, bool], pools: dict[str, list[_P]]
    ) -> tuple[str, ...]:
        """Plain-words reasons when the pools cannot make one complete outfit ("No clean shoes for winter")."""
        missing: list[str] = []
        empty = {kind: not pools[kind] for kind in KINDS}
        if empty["one_piece"] and (empty["top"] or empty["bottom"]):
            kinds = [k for k in ("top", "bottom") if empty[k]] + ["one_piece"]
            labels = {"top": "tops", "bottom": "bottoms", "one_piece": "one-pieces"}
            subject = (
                f"{labels[kinds[0]]} or {labels[kinds[1]]}"
                if len(kinds) == 2
                else f"{labels[kinds[0]]}, {labels[kinds[1]]} or {labels[kinds[2]]}"
            )
            stage = max(self._empty_stage(funnel[k]) for k in kinds)
            missing.append(self._phrase(subject, stage, any(needs_wash_seen[k] for k in kinds), plural=True))
        if empty["shoes"]:
            subject = self.occ.shoes_label or "shoes"
            missing.append(self._phrase(subject, self._empty_stage(funnel["shoes"]), needs_wash_seen["shoes"], True))
        if self.cond.outerwear == "required" and empty["outerwear"]:
            stage = self._empty_stage(funnel["outerwear"])
            missing.append(self._phrase("outerwear", stage, needs_wash_seen["outerwear"], plural=False, outer=True))
        return tuple(missing)

    @staticmethod
    def _empty_stage(counts: list[int]) -> int:
        for stage in range(1, len(_STAGES)):
            if counts[stage] == 0:
                return stage
        return len(_STAGES)

    def _phrase(self, subject: str, stage: int, some_unwashed: bool, plural: bool, outer: bool = False) -> str:
        clean = "clean " if some_unwashed and stage >= 2 else ""
        cond, occ = self.cond, self.occ
        suit = "suit" if plural else "suits"
        if stage <= 1:
            return f"No {subject} in your closet"
        if stage == 2:
            return f"No clean {subject}: everything needs a wash"
        if stage == 3:
            return f"No {clean}{subject} for {cond.season}"
        if stage == 4:
            if cond.temperature_c is None:
                return f"No {clean}{subject} that {suit} {cond.season} weather"
            if outer and cond.temperature_c < 14:
                return f"No {clean}{subject} warm enough for {_fmt_temp(cond.temperature_c)}"
            return f"No {clean}{subject} that {suit} {_fmt_temp(cond.temperature_c)}"
        if occ.shoes_label and subject == occ.shoes_label:
            return f"No {clean}{subject} for {occ.label}"
        if occ.formality and occ.formality[0] >= 3:
            return f"No {clean}{subject} formal enough for {occ.label}"
        if occ.formality and occ.formality[1] <= 3:
            return f"No {clean}{subject} casual enough for {occ.label}"
        return f"No {clean}{subject} that {suit} {occ.label}"

    # ---- 4. search --------------------------------------------------------------------------------------------

    def _search_all(self, pools: dict[str, list[_P]]) -> list[Idea]:
        fb = self.feedback
        by_id = {p.item.id: p.idx for p in self.usable}
        # Feedback is reduced to usable items: a combination with any other item cannot occur.
        self.combos_by_idx: dict[int, list[frozenset[int]]] = {}
        for combo in fb.disliked_combos:
            if combo and all(i in by_id for i in combo):
                indices = frozenset(by_id[i] for i in combo)
                for idx in indices:
                    self.combos_by_idx.setdefault(idx, []).append(indices)
        self.liked_combos = [
            frozenset(by_id[i] for i in combo) for combo in fb.liked_combos if combo and all(i in by_id for i in combo)
        ]
        # Pairs that may not be put together: the user's disliked pairs, then every pair an earlier idea used
        # (which is exactly "no two ideas share more than one item").
        n = self.n
        self.used_pairs: set[int] = set()
        for pair in fb.disliked_pairs:
            if len(pair) == 2 and all(i in by_id for i in pair):
                a, b = sorted(by_id[i] for i in pair)
                self.used_pairs.add(a * n + b)
        self.used_items: set[int] = set()
        ideas: list[tuple[float, Idea]] = []
        wide: dict[str, list[_P]] | None = None
        for number in range(self.count):
            found = self._search_one(pools, BEAM)
            if found is None:
                # The pools and the beam may hold only outfits barred by feedback or diversity (a small closet
                # after many dislikes) while others exist: one wider search settles it before giving up.
                if wide is None:
                    wide = self._pools(self.usable, size=FALLBACK_POOL)
                found = self._search_one(wide, BEAM * 10)
            if found is None:
                break
            members, intrinsic, label = found
            indices = [p.idx for p in members]
            for a in indices:
                self.used_items.add(a)
                for b in indices:
                    if a < b:
                        self.used_pairs.add(a * n + b)
            ideas.append((intrinsic, self._idea(members, intrinsic, label)))
            self._report(30 + (70 * (number + 1)) // max(1, self.count) - 1)
        # Best first; selection order breaks ties (it is deterministic too).
        ordered = sorted(range(len(ideas)), key=lambda i: (-ideas[i][0], i))
        return [ideas[i][1] for i in ordered]

    def _eff(self, p: _P) -> float:
        return p.score - REUSE_PENALTY if p.idx in self.used_items else p.score

    def _pair(self, a: _P, b: _P) -> tuple[float, float]:
        """(colour harmony of the two dominant colours, other pair terms), memoised."""
        if a.idx > b.idx:
            a, b = b, a
        key = a.idx * self.n + b.idx
        cached = self.pair_memo.get(key)
        if cached is not None:
            return cached
        colour = self._harm(tuple(sorted({a.dom, b.dom})))[1] if a.dom and b.dom else LONE_COLOUR
        extra = 0.0
        if a.formality is not None and b.formality is not None and abs(a.formality - b.formality) > 2:
            # Running shoes with a suit: each step beyond two costs.
            extra -= 0.15 * (abs(a.formality - b.formality) - 2)
        if a.patterned and b.patterned:
            extra -= 0.1
        pair = frozenset((a.item.id, b.item.id))
        if pair in self.feedback.liked_pairs:
            extra += W_LIKED_PAIR
        self.pair_memo[key] = (colour, extra)
        return colour, extra

    def _harm(self, colours: tuple[str, ...]) -> tuple[str, float]:
        cached = self.harmony_memo.get(colours)
        if cached is None:
            cached = self.harmony_memo[colours] = _harmony(colours, self.neutral)
        return cached

    def _extend(self, state: tuple, x: _P, cost: float = 0.0) -> tuple | None:
        """A partial outfit plus one item, or None when that breaks diversity or a disliked combination.

        State: (estimate, members, sum of item scores, sum of pair colour, pairs, sum of pair extras)."""
        _est, members, sum_s, sum_colour, npairs, sum_extra = state
        n = self.n
        xi = x.idx
        for y in members:
            yi = y.idx
            key = yi * n + xi if yi < xi else xi * n + yi
            if key in self.used_pairs:
                return None
            colour, extra = self._pair(y, x)
            sum_colour += colour
            sum_extra += extra
        combos = self.combos_by_idx.get(xi)
        if combos:
            present = {y.idx for y in members}
            present.add(xi)
            if any(combo <= present for combo in combos):
                return None
        sum_s += self._eff(x)
        npairs += len(members)
        sum_extra += cost
        n = len(members) + 1
        est = sum_s / n + W_HARMONY * (sum_colour / npairs if npairs else LONE_COLOUR) + sum_extra
        return (est, (*members, x), sum_s, sum_colour, npairs, sum_extra)

    def _search_one(self, pools: dict[str, list[_P]], width: int) -> tuple[tuple[_P, ...], float, str] | None:
        """Beam search for the best next idea under the diversity and feedback rules."""
        empty: tuple = (0.0, (), 0.0, 0.0, 0, 0.0)
        states = []
        for t in pools["top"]:
            base = self._extend(empty, t)
            if base is None:
                continue
            for b in pools["bottom"]:
                state = self._extend(base, b)
                if state is not None:
                    states.append(state)
        for o in pools["one_piece"]:
            state = self._extend(empty, o)
            if state is not None:
                states.append(state)
        beam = heapq.nlargest(width, states, key=itemgetter(0))
        states = [s for state in beam for shoe in pools["shoes"] if (s := self._extend(state, shoe)) is not None]
        beam = heapq.nlargest(width, states, key=itemgetter(0))
        outer_rule = self.cond.outerwear
        if outer_rule != "forbidden" and pools["outerwear"]:
            cost = -self.layer_cost if outer_rule == "optional" else 0.0
            states = [
                s for state in beam for coat in pools["outerwear"] if (s := self._extend(state, coat, cost)) is not None
            ]
            if outer_rule == "optional":
                states.extend(beam)
            beam = heapq.nlargest(width, states, key=itemgetter(0))
        elif outer_rule == "required":
            return None
        if not beam:
            return None
        finals = sorted(
            ((self._exact(state[1], self._eff)[0], position, state) for position, state in enumerate(beam)),
            key=lambda f: (-f[0], f[1]),
        )
        best: tuple[float, int, tuple[_P, ...]] | None = None
        for rank, (score, _position, state) in enumerate(finals[:FINALISTS]):
            members, score = self._add_extras(state, score)
            if best is None or score > best[0]:
                best = (score, rank, members)
        assert best is not None
        members = best[2]
        intrinsic, label = self._exact(members, lambda p: p.score)
        return members, intrinsic, label

    def _exact(self, members: tuple[_P, ...], item_score: Callable[[_P], float]) -> tuple[float, str]:
        """Full score of a complete outfit: weighted mean item score, harmony of the whole colour set, pair terms,
        liked combinations, a small bonus per fitting extra and the optional-layer cost."""
        total = weight = extra = 0.0
        extras = 0
        for i, p in enumerate(members):
            w = EXTRA_WEIGHT if p.kind in ("bag", "accessory") else 1.0
            extras += p.kind in ("bag", "accessory")
            total += w * item_score(p)
            weight += w
            for q in members[i + 1 :]:
                extra += self._pair(p, q)[1]
        label, harmony = self._harm(tuple(sorted({p.dom for p in members if p.dom})))
        present = {p.idx for p in members}
        if any(combo <= present for combo in self.liked_combos):
            extra += W_LIKED_COMBO
        if self.cond.outerwear == "optional" and any(p.kind == "outerwear" for p in members):
            extra -= self.layer_cost
        return total / weight + W_HARMONY * harmony + extra + EXTRA_BONUS * extras, label

    def _add_extras(self, state: tuple, score: float) -> tuple[tuple[_P, ...], float]:
        """Add the bag, then the accessory, that raises the score most, if any does."""
        members = state[1]
        current = state
        for kind in ("bag", "accessory"):
            best: tuple[float, tuple] | None = None
            candidates = sorted(self.pools[kind], key=lambda p: (-self._eff(p), p.item.id))[:EXTRA_CANDIDATES]
            for x in candidates:
                extended = self._extend(current, x)
                if extended is None:
                    continue
                new_score = self._exact(extended[1], self._eff)[0]
                if new_score > score and (best is None or new_score > best[0]):
                    best = (new_score, extended)
            if best is not None:
                score, current = best
                members = current[1]
        return members, score

    # ---- 5. explain -------------------------------------------------------------------------------------------

    def _idea(self, members: tuple[_P, ...], score: float, label: str) -> Idea:
        ordered = sorted(members, key=lambda p: SLOT_ORDER[p.kind])
        return Idea(
            item_ids=tuple(p.item.id for p in ordered),
            score=round(score, 4),
            rationale=self._rationale(ordered, label),
            harmony=label,
        )

    def _name(self, hex_value: str) -> str | None:
        return self.names.get(hex_value)

    def _rationale(self, members: list[_P], label: str) -> tuple[str, ...]:
        """Short sentences, each true of this outfit: real day counts, colours that are in it, the weather."""
        lines: list[str] = []
        cond, occ = self.cond, self.occ
        # Freshness (AI-6): the two longest-unworn pieces, never-worn first.
        stale = sorted(
            (p for p in members if p.days is None or p.days >= STALE_DAYS_FOR_RATIONALE),
            key=lambda p: (p.days is not None, -(p.days or 0), p.item.id),
        )
        for p in stale[:2]:
            if p.days is None:
                lines.append(f"Never worn yet: {p.item.name}")
            else:
                lines.append(f"Not worn for {p.days} day{'s' if p.days != 1 else ''}: {p.item.name}")
        mentioned = {p.idx for p in stale[:2]}
        for p in members:
            if p.idx not in mentioned and 1 <= p.item.wear_count <= 2 and p.under >= 0.6:
                times = "once" if p.item.wear_count == 1 else "twice"
                lines.append(f"Worn only {times} so far: {p.item.name}")
                break
        # Weather: every piece passed the weather rules, so these are true.
        has_outer = any(p.kind == "outerwear" for p in members)
        t = cond.temperature_c
        if t is not None:
            if has_outer and t < 14:
                lines.append(f"Warm enough for {_fmt_temp(t)}")
            elif t > 24:
                lines.append(f"Light enough for {_fmt_temp(t)}")
            else:
                lines.append(f"Suits {_fmt_temp(t)}")
        else:
            lines.append(f"Suits {cond.season}")
        # Colours: only names of colours that are in the outfit.
        all_colours = {_norm_hex(c) for p in members for c in p.item.colours}
        for a, b in CLASSIC_PAIRS:
            if a in all_colours and b in all_colours:
                name_a, name_b = self._name(a), self._name(b)
                if name_a and name_b:
                    lines.append(f"{name_a} and {name_b.lower()} are a classic pairing")
                    break
        lines.extend(self._harmony_line(members, label))
        # Occasion.
        if occ.label:
            shoes = next((p for p in members if p.kind == "shoes"), None)
            if occ.shoes_label and shoes is not None:
                lines.append(f"{occ.shoes_label.capitalize()} for {occ.label}")
            elif occ.formality and occ.formality[0] >= 3:
                lines.append(f"Formal enough for {occ.label}")
            elif occ.outerwear == "required" and has_outer:
                lines.append(f"A layer for {occ.label}")
            else:
                lines.append(f"Suits {occ.label}")
        # Inspiration.
        close = next((p for p in sorted(members, key=lambda p: -p.insp) if p.insp >= 0.6), None)
        if close is not None:
            lines.append(f"Close to your inspiration colours: {close.item.name}")
        for p in members:
            if p.words:
                lines.append(f'Matches "{p.words[0]}": {p.item.name}')
                break
        # The user's own feedback (AI-4).
        present = {p.idx for p in members}
        if any(combo <= present for combo in self.liked_combos):
            lines.append("Includes a combination you liked")
        elif any(
            frozenset((a.item.id, b.item.id)) in self.feedback.liked_pairs
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        ):
            lines.append("Includes a pairing you liked")
        return tuple(lines)

    def _harmony_line(self, members: list[_P], label: str) -> list[str]:
        chromatic: list[str] = []
        for p in members:
            if p.dom and not _is_neutral(p.dom, self.neutral) and p.dom not in chromatic:
                chromatic.append(p.dom)
        named = [n for n in (self._name(h) for h in chromatic) if n]
        if label == "neutral":
            if not chromatic:
                return ["Neutral colours go with everything"]
            if len(named) == 1:
                return [f"{named[0]} with neutral colours"]
            return ["One colour with neutral colours"]
        if len(named) != len(chromatic) or label == "mixed":
            # An unnamed colour: say nothing rather than something vague or false.
            return []
        listed = _join([named[0]] + [n.lower() for n in named[1:]])
        if label == "analogous":
            return [f"{listed} sit side by side on the colour wheel"]
        if label == "complementary":
            return [f"{listed} are complementary colours"]
        if label == "monochrome":
            return [f"Tones of one colour: {listed.lower()}" if len(named) > 1 else f"Tones of {named[0].lower()}"]
        return []


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


__all__ = [
    "CLASSIC_PAIRS",
    "NO_FEEDBACK",
    "PALETTE_NAMES",
    "PALETTE_NEUTRALS",
    "Conditions",
    "EngineItem",
    "Feedback",
    "Idea",
    "IdeaRequest",
    "IdeaResult",
    "colour_harmony",
    "outfit_ideas",
    "resolve_conditions",
    "season_of",
]
