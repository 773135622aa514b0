"""Benchmark: are the outfit ideas complete, weather-safe, clean, varied and respectful of dislikes?

    .venv/bin/python bench/outfit_quality.py [--count 5] [--seed 7]

Builds seeded synthetic closets (small ~25, typical ~150, large ~1,000 items) with a realistic mix of kinds and
subcategories, palette colours (``closet.taxonomy.COLOURS``), seasons, formality, warmth, some items needing a
wash or no longer active, and wear histories; then asks ``closet.engine.outfit_ideas`` for ideas over a grid of
temperatures (-5 to 30 °C) and occasions (office, wedding, gym, beach, date, rain, none) and checks every idea
with rules written here independently of the engine:

* incomplete outfits (not top + bottom + shoes or one-piece + shoes; two items of one kind; outerwear missing
  below 14 °C or present above 24 °C / at a warm beach),
* season/temperature violations (an item whose seasons exclude the season; outer layer under warmth 4 below
  5 °C; warmth 4+ above 25 °C; sandals or shorts below 12 °C),
* laundry violations (an item that needs a wash or is not active),

all three must be 0, and reports the mean colour-harmony score, the share of ideas with an item not worn for 60+
days (or never) and the share of such items among the items of all ideas, against the same share when the engine
is run on the same closet with every wear history made alike (AI-6: the first must be well above the second),
diversity (most items two ideas of one
request share; must be ≤ 1) and whether feedback is respected: neither a disliked idea (also not inside a bigger
outfit) nor a disliked pair may come back.
Exits non-zero when a hard rule is broken. No Django, no database: the engine is pure. Record results in
bench/README.md ("Outfit ideas").
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from closet.engine import (  # noqa: E402  (after the sys.path setup)
    EngineItem,
    Feedback,
    IdeaRequest,
    colour_harmony,
    outfit_ideas,
)
from closet.taxonomy import COLOURS  # noqa: E402

TODAY = dt.date(2026, 11, 21)
TEMPERATURES = (-5, 0, 5, 10, 15, 20, 25, 30)
OCCASIONS = ("office", "wedding", "gym", "beach", "date", "rain", "")
SIZES = (("small", 25), ("typical", 150), ("large", 1000))

# kind: share of a closet, [(subcategory, formality range, warmth range, name)]
KIND_MIX = {
    "top": (0.28, [
        ("t-shirts", (1, 2), (1, 2), "T-shirt"), ("shirts-blouses", (2, 4), (2, 2), "Shirt"),
        ("knitwear", (2, 3), (3, 4), "Jumper"), ("sweatshirts-hoodies", (1, 2), (3, 4), "Hoodie"),
        ("tank-tops", (1, 2), (1, 1), "Tank top"),
    ]),
    "bottom": (0.17, [
        ("jeans", (1, 3), (3, 3), "Jeans"), ("trousers", (3, 5), (2, 3), "Trousers"),
        ("skirts", (2, 4), (1, 2), "Skirt"), ("shorts", (1, 2), (1, 1), "Shorts"),
        ("leggings", (1, 1), (2, 2), "Leggings"),
    ]),
    "one_piece": (0.08, [("dresses", (2, 5), (1, 3), "Dress"), ("jumpsuits", (2, 4), (2, 2), "Jumpsuit")]),
    "outerwear": (0.11, [
        ("coats", (3, 5), (4, 5), "Coat"), ("jackets", (1, 3), (2, 4), "Jacket"), ("blazers", (3, 5), (2, 2), "Blazer"),
        ("raincoats", (1, 3), (2, 3), "Raincoat"),
    ]),
    "shoes": (0.14, [
        ("sneakers", (1, 2), (2, 2), "Sneakers"), ("boots", (2, 4), (3, 5), "Boots"),
        ("flats", (2, 4), (2, 2), "Flats"), ("heels", (4, 5), (1, 2), "Heels"), ("sandals", (1, 3), (1, 1), "Sandals"),
    ]),
    "bag": (0.08, [
        ("handbags", (3, 4), None, "Handbag"), ("backpacks", (1, 2), None, "Backpack"), ("totes", (2, 3), None, "Tote"),
        ("clutches", (4, 5), None, "Clutch"),
    ]),
    "accessory": (0.14, [
        ("scarves", (2, 3), (3, 5), "Scarf"), ("hats", (1, 3), (1, 4), "Hat"), ("belts", (2, 4), None, "Belt"),
        ("jewellery", (3, 5), None, "Necklace"), ("sunglasses", (1, 2), None, "Sunglasses"),
    ]),
}  # fmt: skip
NEUTRALS = [c for c in COLOURS if c[3]]
CHROMATIC = [c for c in COLOURS if not c[3]]


def season_for(temperature: float) -> str:
    """The season a temperature most plausibly belongs to (the bench asks realistic questions)."""
    if temperature < 5:
        return "winter"
    if temperature < 12:
        return "autumn"
    if temperature < 20:
        return "spring"
    return "summer"


def _seasons(rng: random.Random, warmth: int | None) -> frozenset[str]:
    if rng.random() < 0.35 or warmth is None:
        return frozenset()  # all year
    if warmth >= 4:
        return frozenset(("autumn", "winter") if rng.random() < 0.6 else ("autumn", "winter", "spring"))
    if warmth <= 1:
        return frozenset(("spring", "summer") if rng.random() < 0.7 else ("summer",))
    return frozenset(rng.sample(["spring", "summer", "autumn", "winter"], 3))


def make_closet(size: int, seed: int) -> list[EngineItem]:
    """A seeded synthetic closet of ``size`` items (at least one of every kind)."""
    rng = random.Random(seed)
    kinds = list(KIND_MIX)
    weights = [KIND_MIX[k][0] for k in kinds]
    plan = kinds + rng.choices(kinds, weights=weights, k=max(0, size - len(kinds)))
    items = []
    for number, kind in enumerate(plan):
        subcategory, formality_range, warmth_range, noun = rng.choice(KIND_MIX[kind][1])
        formality = rng.randint(*formality_range) if rng.random() > 0.1 else None
        warmth = rng.randint(*warmth_range) if warmth_range and rng.random() > 0.1 else None
        dominant = rng.choice(NEUTRALS) if rng.random() < 0.6 else rng.choice(CHROMATIC)
        colours = [dominant[2]]
        if rng.random() < 0.3:
            colours.append(rng.choice(COLOURS)[2])
        wear_count = 0 if rng.random() < 0.15 else int(rng.expovariate(1 / 12)) + 1
        last_worn = TODAY - dt.timedelta(days=int(rng.expovariate(1 / 70))) if wear_count else None
        created = (last_worn or TODAY) - dt.timedelta(days=rng.randint(0, 1200))
        status = rng.choices(["active", "draft", "archived", "donated"], weights=[90, 4, 3, 3])[0]
        items.append(
            EngineItem(
                id=f"item-{seed}-{number:05d}",
                name=f"{dominant[1]} {noun.lower()}",
                kind=kind,
                subcategory=subcategory,
                colours=tuple(dict.fromkeys(colours)),
                seasons=_seasons(rng, warmth),
                formality=formality,
                warmth=warmth,
                status=status,
                needs_wash=rng.random() < 0.08,
                wear_count=wear_count,
                last_worn_on=last_worn,
                created_on=created,
                pattern=rng.choice(["solid"] * 6 + ["striped", "checked", "floral", "printed"]),
            )
        )
    return items


def _violations(ideas, by_id, temperature: float, season: str, occasion: str) -> tuple[int, int, int]:
    """(incomplete, season/temperature, laundry) problems among the ideas, by this bench's own rules."""
    incomplete = weather = laundry = 0
    for idea in ideas:
        items = [by_id[i] for i in idea.item_ids]
        kinds = [i.kind for i in items]
        core = ({"top", "bottom", "shoes"} <= set(kinds)) or ({"one_piece", "shoes"} <= set(kinds))
        mixed = "one_piece" in kinds and ("top" in kinds or "bottom" in kinds)
        outer = [i for i in items if i.kind == "outerwear"]
        warm_beach = occasion == "beach" and temperature >= 14
        if not core or mixed or len(set(kinds)) != len(kinds):
            incomplete += 1
        if temperature < 14 and not outer:
            incomplete += 1
        if (temperature > 24 or warm_beach) and outer:
            weather += 1
        for item in items:
            kw = f"{item.subcategory} {item.name}".lower()
            if item.seasons and season not in item.seasons:
                weather += 1
            if item.kind == "outerwear" and temperature < 5 and (item.warmth or 0) < 4:
                weather += 1
            if temperature > 25 and (item.warmth or 0) >= 4:
                weather += 1
            if temperature < 12 and ("sandal" in kw or "shorts" in kw):
                weather += 1
            if item.status != "active" or item.needs_wash:
                laundry += 1
    return incomplete, weather, laundry


def _max_shared(ideas) -> int:
    sets = [set(i.item_ids) for i in ideas]
    return max((len(a & b) for n, a in enumerate(sets) for b in sets[n + 1 :]), default=0)


def run_closet(label: str, size: int, seed: int, count: int) -> dict:
    items = make_closet(size, seed)
    by_id = {i.id: i for i in items}
    stats = {
        "closet": f"{label} ({size})",
        "requests": 0,
        "answered": 0,
        "ideas": 0,
        "incomplete": 0,
        "weather": 0,
        "laundry": 0,
        "harmony": [],
        "stale": 0,
        "idea_items": 0,
        "stale_items": 0,
        "max_shared": 0,
        "combo_back": 0,
        "pair_back": 0,
        "feedback_checks": 0,
    }
    # The counterfactual for AI-6: the same closet with every wear history made alike, so the engine cannot know
    # what was worn when. The share of long-unworn items it then picks is what the other rules alone would give.
    blind = [dataclasses.replace(i, last_worn_on=TODAY - dt.timedelta(days=30), wear_count=5) for i in items]
    stats["blind_items"] = stats["blind_stale"] = 0
    for temperature in TEMPERATURES:
        season = season_for(temperature)
        for occasion in OCCASIONS:
            request = IdeaRequest(count=count, occasion=occasion, temperature_c=temperature, season=season)
            result = outfit_ideas(items, request, today=TODAY, seed=seed)
            stats["requests"] += 1
            ideas = result.ideas
            if not ideas:
                assert result.missing, "no idea and no explanation"
                continue
            stats["answered"] += 1
            stats["ideas"] += len(ideas)
            incomplete, weather, laundry = _violations(ideas, by_id, temperature, season, occasion)
            stats["incomplete"] += incomplete
            stats["weather"] += weather
            stats["laundry"] += laundry
            for idea in ideas:
                stats["harmony"].append(colour_harmony(by_id[i].colours[0] for i in idea.item_ids)[1])
                stale = [
                    i
                    for i in idea.item_ids
                    if by_id[i].last_worn_on is None or (TODAY - by_id[i].last_worn_on).days >= 60
                ]
                stats["stale"] += bool(stale)
                stats["stale_items"] += len(stale)
                stats["idea_items"] += len(idea.item_ids)
            stats["max_shared"] = max(stats["max_shared"], _max_shared(ideas))
            for idea in outfit_ideas(blind, request, today=TODAY, seed=seed).ideas:
                stats["blind_items"] += len(idea.item_ids)
                stats["blind_stale"] += sum(
                    1
                    for i in idea.item_ids
                    if by_id[i].last_worn_on is None or (TODAY - by_id[i].last_worn_on).days >= 60
                )
            # Feedback: dislike the first idea and a pair from the second; ask again.
            combo = frozenset(ideas[0].item_ids)
            pair = frozenset(ideas[-1].item_ids[:2])
            feedback = Feedback(disliked_combos=frozenset({combo}), disliked_pairs=frozenset({pair}))
            again = outfit_ideas(items, request, today=TODAY, seed=seed, feedback=feedback).ideas
            stats["feedback_checks"] += 1
            stats["combo_back"] += sum(1 for idea in again if combo <= set(idea.item_ids))
            stats["pair_back"] += sum(1 for idea in again if pair <= set(idea.item_ids))
            i2, w2, l2 = _violations(again, by_id, temperature, season, occasion)
            stats["incomplete"] += i2
            stats["weather"] += w2
            stats["laundry"] += l2
    return stats


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5, help="ideas per request")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rows = [run_closet(label, size, args.seed + n, args.count) for n, (label, size) in enumerate(SIZES)]
    header = (
        "| closet | requests answered | ideas | incomplete | season/temp violations | laundry violations | "
        "mean harmony | ideas with a 60+ day item | 60+ day items in ideas (blind to wears) | max shared items | "
        "disliked combo back | "
        "disliked pair back |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    failed = False
    for s in rows:
        ideas = max(1, s["ideas"])
        print(
            f"| {s['closet']} | {s['answered']}/{s['requests']} | {s['ideas']} | {s['incomplete']} | {s['weather']} | "
            f"{s['laundry']} | {statistics.fmean(s['harmony']) if s['harmony'] else 0:.2f} | "
            f"{100 * s['stale'] / ideas:.0f}% | {100 * s['stale_items'] / max(1, s['idea_items']):.0f}% "
            f"({100 * s['blind_stale'] / max(1, s['blind_items']):.0f}%) | {s['max_shared']} | "
            f"{s['combo_back']}/{s['feedback_checks']} | {s['pair_back']}/{s['feedback_checks']} |"
        )
        failed |= bool(
            s["incomplete"] or s["weather"] or s["laundry"] or s["combo_back"] or s["pair_back"] or s["max_shared"] > 1
        )
    if failed:
        print("FAILED: incomplete outfits, violations, repeated dislikes or too-similar ideas", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
