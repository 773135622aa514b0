"""The outfit engine (closet.engine): pure unit tests on plain dataclasses, no database."""

from __future__ import annotations

import ast
import datetime as dt
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from closet import engine
from closet.engine import EngineItem, Feedback, IdeaRequest, colour_harmony, outfit_ideas, resolve_conditions
from closet.taxonomy import COLOURS

TODAY = dt.date(2026, 6, 15)
HEX = {slug: hex_value for slug, _name, hex_value, _neutral in COLOURS}
NAME_OF = {hex_value: name for _slug, name, hex_value, _neutral in COLOURS}
MILD = IdeaRequest(count=3, temperature_c=18, season="spring")


def make(item_id: str, kind: str, colour: str = "black", **fields) -> EngineItem:
    """An active, clean item worn 30 days ago, unless told otherwise; colours by palette slug."""
    colours = fields.pop("colours", (colour,))
    defaults = {
        "name": f"{colour.replace('-', ' ').capitalize()} {item_id}",
        "subcategory": None,
        "colours": tuple(HEX[c] for c in colours),
        "formality": 2,
        "warmth": 2,
        "wear_count": 5,
        "last_worn_on": TODAY - dt.timedelta(days=30),
        "created_on": TODAY - dt.timedelta(days=400),
    }
    defaults.update(fields)
    return EngineItem(id=item_id, kind=kind, **defaults)


def basic_closet() -> list[EngineItem]:
    return [
        make("tee", "top", "white"),
        make("shirt", "top", "light-blue", formality=3),
        make("knit", "top", "grey", warmth=3),
        make("jeans", "bottom", "denim", warmth=3),
        make("chinos", "bottom", "beige"),
        make("skirt", "bottom", "navy"),
        make("sneakers", "shoes", "white", subcategory="sneakers"),
        make("loafers", "shoes", "brown", formality=3),
        make("boots", "shoes", "black", subcategory="boots", warmth=4, formality=3),
    ]


def items_of(result, closet) -> list[list[EngineItem]]:
    by_id = {i.id: i for i in closet}
    return [[by_id[i] for i in idea.item_ids] for idea in result.ideas]


def is_complete(outfit: list[EngineItem]) -> bool:
    kinds = [i.kind for i in outfit]
    if len(kinds) != len(set(kinds)):
        return False
    separates = {"top", "bottom", "shoes"} <= set(kinds) and "one_piece" not in kinds
    one_piece = {"one_piece", "shoes"} <= set(kinds) and not {"top", "bottom"} & set(kinds)
    return separates or one_piece


# ---- complete outfits ------------------------------------------------------------------------------------------------


def test_ideas_are_complete_outfits_in_slot_order():
    closet = [
        *basic_closet(),
        make("bag", "bag", "camel"),
        make("belt", "accessory", "brown"),
        make("dress", "one_piece", "navy"),
    ]
    result = outfit_ideas(closet, IdeaRequest(count=5, temperature_c=18, season="spring"), today=TODAY)
    assert result.ideas and not result.missing
    order = list(engine.SLOT_ORDER)
    for outfit in items_of(result, closet):
        assert is_complete(outfit), [i.id for i in outfit]
        positions = [order.index(i.kind) for i in outfit]
        assert positions == sorted(positions)


def test_one_piece_and_shoes_make_an_outfit():
    closet = [make("dress", "one_piece", "burgundy", formality=3), make("flats", "shoes", "black")]
    result = outfit_ideas(closet, MILD, today=TODAY)
    assert [idea.item_ids for idea in result.ideas] == [("dress", "flats")]


def test_no_top_and_bottom_and_one_piece_together():
    closet = [*basic_closet(), make("dress", "one_piece", "navy")]
    for outfit in items_of(outfit_ideas(closet, IdeaRequest(count=6, temperature_c=18), today=TODAY), closet):
        assert is_complete(outfit)


# ---- weather and season ----------------------------------------------------------------------------------------------


def test_outerwear_when_cold_none_when_hot():
    closet = [
        *basic_closet(),
        make("parka", "outerwear", "olive", warmth=5, seasons=frozenset({"autumn", "winter"})),
        make("windbreaker", "outerwear", "navy", warmth=1),
        make("light-tee", "top", "white", warmth=1, name="Linen tee"),
        make("shorts", "bottom", "khaki", warmth=1, subcategory="shorts"),
        make("sandals", "shoes", "brown", warmth=1, subcategory="sandals"),
    ]
    cold = outfit_ideas(closet, IdeaRequest(count=3, temperature_c=2, season="winter"), today=TODAY)
    assert cold.ideas
    for outfit in items_of(cold, closet):
        outer = [i for i in outfit if i.kind == "outerwear"]
        assert [i.id for i in outer] == ["parka"]  # the only layer warm enough for 2 °C
        assert not {"sandals", "shorts", "light-tee"} & {i.id for i in outfit}
    assert "Warm enough for 2 °C" in cold.ideas[0].rationale

    hot = outfit_ideas(closet, IdeaRequest(count=3, temperature_c=29, season="summer"), today=TODAY)
    assert hot.ideas
    for outfit in items_of(hot, closet):
        assert not [i for i in outfit if i.kind == "outerwear"]
        assert all((i.warmth or 0) <= 3 for i in outfit)
    assert hot.conditions.outerwear == "forbidden"


def test_winter_without_a_temperature_needs_a_layer():
    closet = [*basic_closet(), make("coat", "outerwear", "camel", warmth=4)]
    result = outfit_ideas(closet, IdeaRequest(count=2, date=dt.date(2027, 1, 10)), today=TODAY)
    assert result.conditions.season == "winter"
    assert all("coat" in idea.item_ids for idea in result.ideas)


def test_items_whose_seasons_exclude_the_season_are_not_used():
    closet = [
        make("summer-top", "top", "yellow", seasons=frozenset({"summer"}), last_worn_on=None, wear_count=0),
        make("all-year-top", "top", "white"),
        make("trousers", "bottom", "black"),
        make("boots", "shoes", "brown", subcategory="boots"),
        make("coat", "outerwear", "navy", warmth=4),
    ]
    # No season given: January is winter in the north.
    result = outfit_ideas(closet, IdeaRequest(count=3, date=dt.date(2027, 1, 20)), today=TODAY)
    assert result.ideas
    assert all("summer-top" not in idea.item_ids for idea in result.ideas)
    summer = outfit_ideas(closet, IdeaRequest(count=1, season="summer"), today=TODAY)
    assert "summer-top" in summer.ideas[0].item_ids  # never worn: preferred when it is in season


def test_season_comes_from_the_date_and_hemisphere():
    january = IdeaRequest(date=dt.date(2027, 1, 5))
    assert resolve_conditions(january, today=TODAY).season == "winter"
    south = IdeaRequest(date=dt.date(2027, 1, 5), hemisphere="south")
    assert resolve_conditions(south, today=TODAY).season == "summer"
    assert resolve_conditions(IdeaRequest(), today=dt.date(2026, 11, 20)).outerwear == "required"  # late autumn


# ---- laundry and status ----------------------------------------------------------------------------------------------


def test_items_needing_a_wash_or_not_active_are_never_used():
    fresh = {"last_worn_on": None, "wear_count": 0}  # would be the favourites if they were usable
    closet = [
        *basic_closet(),
        make("dirty-top", "top", "white", needs_wash=True, **fresh),
        make("dirty-shoes", "shoes", "black", needs_wash=True, **fresh),
        make("wish-top", "top", "white", status="wishlist", **fresh),
        make("draft-bottom", "bottom", "black", status="draft", **fresh),
        make("donated-shoes", "shoes", "black", status="donated", **fresh),
        make("archived-bottom", "bottom", "navy", status="archived", **fresh),
    ]
    banned = {i.id for i in closet if i.needs_wash or i.status != "active"}
    result = outfit_ideas(closet, IdeaRequest(count=6, temperature_c=18), today=TODAY)
    assert result.ideas
    for idea in result.ideas:
        assert not banned & set(idea.item_ids)


# ---- occasions -------------------------------------------------------------------------------------------------------


def test_interview_picks_formal_pieces():
    never = {"last_worn_on": None, "wear_count": 0}
    closet = [
        make("hoodie", "top", "grey", formality=1, **never),
        make("joggers", "bottom", "grey", formality=1, **never),
        make("trainers", "shoes", "white", formality=1, subcategory="sneakers", **never),
        make("shirt", "top", "white", formality=4),
        make("trousers", "bottom", "navy", formality=5),
        make("oxfords", "shoes", "black", formality=4),
        make("blazer", "outerwear", "navy", formality=5, warmth=2, subcategory="blazers"),
    ]
    result = outfit_ideas(closet, IdeaRequest(count=2, occasion="Job interview", temperature_c=18), today=TODAY)
    assert result.ideas
    for outfit in items_of(result, closet):
        assert all(i.formality is None or i.formality >= 4 for i in outfit)
    assert "Formal enough for an interview" in result.ideas[0].rationale


def test_gym_picks_sneakers():
    closet = [
        make("tee", "top", "white", formality=1),
        make("leggings", "bottom", "black", formality=1),
        make("heels", "shoes", "black", formality=1, subcategory="heels", last_worn_on=None, wear_count=0),
        make("boots", "shoes", "brown", formality=1, subcategory="boots", last_worn_on=None, wear_count=0),
        make("runners", "shoes", "grey", formality=1, subcategory="sneakers"),
    ]
    result = outfit_ideas(closet, IdeaRequest(count=1, occasion="gym", temperature_c=18), today=TODAY)
    assert result.ideas[0].item_ids == ("tee", "leggings", "runners")
    assert "Sneakers for the gym" in result.ideas[0].rationale


def test_unknown_occasion_words_add_no_constraint():
    closet = basic_closet()
    plain = outfit_ideas(closet, MILD, today=TODAY)
    picnic = outfit_ideas(
        closet, IdeaRequest(count=3, temperature_c=18, season="spring", occasion="picnic"), today=TODAY
    )
    assert [i.item_ids for i in picnic.ideas] == [i.item_ids for i in plain.ideas]


def test_rain_requires_a_layer_and_no_sandals():
    closet = [
        *basic_closet(),
        make("sandals", "shoes", "brown", subcategory="sandals", last_worn_on=None, wear_count=0),
        make("raincoat", "outerwear", "olive", subcategory="raincoats", warmth=2),
    ]
    result = outfit_ideas(closet, IdeaRequest(count=1, occasion="rain", temperature_c=18), today=TODAY)
    assert "raincoat" in result.ideas[0].item_ids
    assert "sandals" not in result.ideas[0].item_ids


# ---- colour harmony --------------------------------------------------------------------------------------------------


def test_a_clash_scores_lower_than_navy_and_camel():
    clash_label, clash = colour_harmony([HEX["red"], HEX["green"]])
    classic_label, classic = colour_harmony([HEX["navy"], HEX["camel"]])
    assert clash < classic
    assert clash_label == "mixed" and classic_label == "neutral"
    assert colour_harmony([HEX["blue"], HEX["teal"]])[0] == "analogous"
    assert colour_harmony([HEX["blue"], HEX["light-blue"]])[0] == "monochrome"
    assert colour_harmony([HEX["blue"], HEX["orange"]])[0] == "complementary"
    assert colour_harmony([HEX["red"], HEX["green"], HEX["blue"]])[1] < 0.2  # three saturated hues

    # The same outfit in clashing colours scores lower than in navy and camel.
    def outfit(top: str, bottom: str):
        closet = [make("top", "top", top), make("bottom", "bottom", bottom), make("shoes", "shoes", "black")]
        return outfit_ideas(closet, IdeaRequest(count=1, temperature_c=18), today=TODAY).ideas[0]

    clashing, classic_idea = outfit("red", "green"), outfit("navy", "camel")
    assert clashing.score < classic_idea.score
    assert (clashing.harmony, classic_idea.harmony) == ("mixed", "neutral")
    assert "Navy and camel are a classic pairing" in classic_idea.rationale

    # Given the choice, the engine steers away from the clash.
    closet = [
        make("red-top", "top", "red"),
        make("navy-top", "top", "navy"),
        make("green-trousers", "bottom", "green"),
        make("shoes", "shoes", "black"),
    ]
    best = outfit_ideas(closet, IdeaRequest(count=1, temperature_c=18), today=TODAY).ideas[0]
    assert best.item_ids == ("navy-top", "green-trousers", "shoes")


def test_rationale_names_only_colours_that_are_in_the_outfit():
    slugs = ["red", "green", "navy", "camel", "white", "black", "teal", "orange", "burgundy", "mustard", "grey"]
    closet = []
    for n, slug in enumerate(slugs):
        kind = ("top", "bottom", "shoes", "bag", "accessory")[n % 5]
        closet.append(make(f"{kind}-{slug}", kind, slug, last_worn_on=TODAY - dt.timedelta(days=10 * n)))
        closet.append(make(f"top-{slug}-2", "top", slug, name=f"Top {n}"))
    closet.append(make("bottom-extra", "bottom", "denim", name="Jeans"))
    closet.append(make("shoes-extra", "shoes", "brown", name="Loafers"))
    names = sorted(NAME_OF.values(), key=len, reverse=True)  # "Light blue" before "Blue"
    result = outfit_ideas(closet, IdeaRequest(count=6, temperature_c=18), today=TODAY)
    assert len(result.ideas) >= 3
    by_id = {i.id: i for i in closet}
    for idea in result.ideas:
        in_outfit = {NAME_OF[c].lower() for i in idea.item_ids for c in by_id[i].colours}
        for line in idea.rationale:
            text = line.lower()
            for name in names:
                pattern = rf"\b{re.escape(name.lower())}\b"
                if re.search(pattern, text):
                    assert name.lower() in in_outfit, (line, idea.item_ids)
                    text = re.sub(pattern, " ", text)


# ---- AI-6: long-unworn items are favoured ----------------------------------------------------------------------------


@pytest.mark.promise("AI-6")
def test_favours_the_item_not_worn_for_longest_and_says_how_long():
    closet = [
        make("recent-top", "top", "white", last_worn_on=TODAY - dt.timedelta(days=2)),
        make("old-top", "top", "white", last_worn_on=TODAY - dt.timedelta(days=94)),
        make("trousers", "bottom", "black"),
        make("shoes", "shoes", "black"),
    ]
    result = outfit_ideas(closet, IdeaRequest(count=1, temperature_c=18), today=TODAY)
    assert "old-top" in result.ideas[0].item_ids
    old_name = closet[1].name
    assert f"Not worn for 94 days: {old_name}" in result.ideas[0].rationale
    # Every day count in a rationale is the real one.
    for line in result.ideas[0].rationale:
        if match := re.match(r"Not worn for (\d+) days?: (.+)", line):
            item = next(i for i in closet if i.name == match.group(2))
            assert int(match.group(1)) == (TODAY - item.last_worn_on).days


@pytest.mark.promise("AI-6")
def test_a_never_worn_item_beats_a_recently_worn_one():
    closet = [
        make("worn-top", "top", "white", last_worn_on=TODAY - dt.timedelta(days=3), wear_count=20),
        make("new-top", "top", "white", last_worn_on=None, wear_count=0, name="New shirt"),
        make("trousers", "bottom", "black"),
        make("shoes", "shoes", "black"),
    ]
    idea = outfit_ideas(closet, IdeaRequest(count=1, temperature_c=18), today=TODAY).ideas[0]
    assert "new-top" in idea.item_ids
    assert "Never worn yet: New shirt" in idea.rationale


# ---- diversity -------------------------------------------------------------------------------------------------------


def test_no_two_ideas_share_more_than_one_item():
    closet = [
        *basic_closet(),
        make("polo", "top", "navy"),
        make("blouse", "top", "cream"),
        make("cords", "bottom", "brown"),
        make("flats", "shoes", "beige"),
        make("dress", "one_piece", "burgundy"),
        make("tote", "bag", "camel"),
        make("scarf", "accessory", "grey"),
    ]
    ideas = outfit_ideas(closet, IdeaRequest(count=8, temperature_c=18), today=TODAY).ideas
    assert len(ideas) >= 4
    for n, a in enumerate(ideas):
        for b in ideas[n + 1 :]:
            assert len(set(a.item_ids) & set(b.item_ids)) <= 1, (a.item_ids, b.item_ids)


# ---- AI-4: feedback is per user, from that user's own feedback -------------------------------------------------------


@pytest.mark.promise("AI-4")
def test_a_disliked_combination_never_comes_back_for_that_user_only():
    closet = basic_closet()
    request = IdeaRequest(count=4, temperature_c=18)
    first = outfit_ideas(closet, request, today=TODAY).ideas[0].item_ids

    alice = Feedback(disliked_combos=frozenset({frozenset(first)}))
    for seed in range(3):
        for idea in outfit_ideas(closet, request, today=TODAY, feedback=alice, seed=seed).ideas:
            assert not set(first) <= set(idea.item_ids)

    # The same closet with another person's feedback (bob's: empty) still gets the combination: nothing learnt
    # from alice leaks into anyone else's ideas.
    bob = Feedback()
    assert outfit_ideas(closet, request, today=TODAY, feedback=bob).ideas[0].item_ids == first


@pytest.mark.promise("AI-4")
def test_a_disliked_subset_bars_bigger_outfits_and_a_disliked_pair_is_avoided():
    closet = [*basic_closet(), make("bag", "bag", "camel"), make("belt", "accessory", "brown")]
    request = IdeaRequest(count=5, temperature_c=18)
    ideas = outfit_ideas(closet, request, today=TODAY).ideas
    top, bottom = ideas[0].item_ids[0], ideas[0].item_ids[1]

    subset = Feedback(disliked_combos=frozenset({frozenset({top, bottom})}))
    for idea in outfit_ideas(closet, request, today=TODAY, feedback=subset).ideas:
        assert not {top, bottom} <= set(idea.item_ids)

    shoes = ideas[0].item_ids[2]
    pair = Feedback(disliked_pairs=frozenset({frozenset({top, shoes})}))
    again = outfit_ideas(closet, request, today=TODAY, feedback=pair).ideas
    assert again
    for idea in again:
        assert not {top, shoes} <= set(idea.item_ids)


@pytest.mark.promise("AI-4")
def test_after_many_dislikes_every_remaining_combination_is_still_offered():
    # One bottom, one pair of shoes, 20 tops: each dislike removes one combination; the engine must keep finding
    # the others (beyond its usual per-slot pool) and then say why it has nothing left.
    closet = [make(f"top-{n:02d}", "top", "white", wear_count=n) for n in range(20)]
    closet += [make("jeans", "bottom", "denim"), make("shoes", "shoes", "black")]
    request = IdeaRequest(count=1, temperature_c=18)
    disliked: set[frozenset[str]] = set()
    seen_tops = set()
    for _ in range(20):
        result = outfit_ideas(closet, request, today=TODAY, feedback=Feedback(disliked_combos=frozenset(disliked)))
        (idea,) = result.ideas
        assert frozenset(idea.item_ids) not in disliked
        seen_tops.add(idea.item_ids[0])
        disliked.add(frozenset(idea.item_ids))
    assert len(seen_tops) == 20
    final = outfit_ideas(closet, request, today=TODAY, feedback=Feedback(disliked_combos=frozenset(disliked)))
    assert final.ideas == ()
    assert final.missing and "disliked" in final.missing[0]


@pytest.mark.promise("AI-4")
def test_liked_pairs_and_items_are_boosted():
    closet = basic_closet()
    request = IdeaRequest(count=1, temperature_c=18)
    liked = Feedback(liked_pairs=frozenset({frozenset({"knit", "skirt"})}), liked_items=frozenset({"loafers"}))
    idea = outfit_ideas(closet, request, today=TODAY, feedback=liked).ideas[0]
    assert {"knit", "skirt", "loafers"} <= set(idea.item_ids)
    assert "Includes a pairing you liked" in idea.rationale


def test_feedback_from_ideas_builds_sets():
    fb = Feedback.from_ideas(disliked=[["a", "b", "c"]], liked_pairs=[("a", "d")], liked_items=["x"])
    assert fb.disliked_combos == frozenset({frozenset({"a", "b", "c"})})
    assert fb.liked_pairs == frozenset({frozenset({"a", "d"})})
    assert fb.liked_items == frozenset({"x"})


# ---- what is missing -------------------------------------------------------------------------------------------------


def test_missing_says_what_the_closet_lacks():
    no_shoes = [i for i in basic_closet() if i.kind != "shoes"]
    result = outfit_ideas(no_shoes, MILD, today=TODAY)
    assert result.ideas == ()
    assert result.missing == ("No shoes in your closet",)

    dirty_shoes = [
        *no_shoes,
        make("s1", "shoes", "black", needs_wash=True),
        make("s2", "shoes", "white", seasons=frozenset({"summer"})),
    ]
    winter = outfit_ideas(dirty_shoes, IdeaRequest(season="winter", occasion="casual"), today=TODAY)
    assert "No clean shoes for winter" in winter.missing

    warm_only = [
        make("tee", "top", "white", warmth=1),
        make("wool-trousers", "bottom", "grey", warmth=4),
        make("sandals", "shoes", "brown", warmth=1, subcategory="sandals"),
    ]
    hot = outfit_ideas(warm_only, IdeaRequest(temperature_c=28), today=TODAY)
    assert hot.missing == ("No bottoms or one-pieces that suit 28 °C",)

    no_coat = outfit_ideas(basic_closet(), IdeaRequest(temperature_c=-3), today=TODAY)
    assert no_coat.missing == ("No outerwear in your closet",)
    no_sneakers = [i for i in basic_closet() if i.id != "sneakers"]
    gym = outfit_ideas(no_sneakers, IdeaRequest(occasion="gym"), today=TODAY)
    assert "No sneakers for the gym" in gym.missing


# ---- inspiration -----------------------------------------------------------------------------------------------------


def test_inspiration_colours_steer_the_choice():
    closet = [
        make("rust-top", "top", "rust"),
        make("teal-top", "top", "teal"),
        make("trousers", "bottom", "beige"),
        make("shoes", "shoes", "brown"),
    ]
    rusty = outfit_ideas(closet, IdeaRequest(count=1, inspiration_colours=("#b5471a",)), today=TODAY)
    teal = outfit_ideas(closet, IdeaRequest(count=1, inspiration_colours=("#20807c",)), today=TODAY)
    assert "rust-top" in rusty.ideas[0].item_ids
    assert "teal-top" in teal.ideas[0].item_ids
    assert any(line.startswith("Close to your inspiration colours") for line in teal.ideas[0].rationale)


def test_inspiration_words_match_names_and_colours():
    closet = [
        make("linen", "top", "white", name="Linen shirt"),
        make("cotton", "top", "white", name="Cotton shirt"),
        make("trousers", "bottom", "beige"),
        make("shoes", "shoes", "brown"),
    ]
    idea = outfit_ideas(closet, IdeaRequest(count=1, inspiration_words=("linen",)), today=TODAY).ideas[0]
    assert "linen" in idea.item_ids
    assert 'Matches "linen": Linen shirt' in idea.rationale


# ---- determinism, purity, progress -----------------------------------------------------------------------------------


def test_same_input_same_output_whatever_the_order():
    closet = [*basic_closet(), make("dress", "one_piece", "navy"), make("bag", "bag", "camel")]
    request = IdeaRequest(count=4, temperature_c=12, occasion="date", inspiration_words=("navy",))
    first = outfit_ideas(closet, request, today=TODAY, seed=3)
    assert outfit_ideas(closet, request, today=TODAY, seed=3) == first
    assert outfit_ideas(list(reversed(closet)), request, today=TODAY, seed=3) == first


def test_progress_is_reported_from_0_to_100():
    seen: list[int] = []
    outfit_ideas(basic_closet(), IdeaRequest(count=3), today=TODAY, progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 100
    assert seen == sorted(seen)


NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "requests", "httpx", "aiohttp", "ftplib", "smtplib", "asyncio"}


@pytest.mark.promise("AI-3")
def test_the_engine_makes_no_network_call(monkeypatch):
    # 1. Its source imports nothing that can reach the network, nor Django.
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & (NETWORK_MODULES | {"django", "subprocess", "os"}), imported

    # 2. Importing it in a fresh interpreter loads no networking module.
    code = (
        "import sys; before = set(sys.modules); import closet.engine; "
        "print(' '.join(sorted(m.split('.')[0] for m in set(sys.modules) - before)))"
    )
    root = Path(engine.__file__).resolve().parent.parent
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "closet" in loaded
    assert not loaded & (NETWORK_MODULES | {"django"}), loaded

    # 3. A whole run with sockets forbidden still works.
    def no_network(*args, **kwargs):
        raise AssertionError("the outfit engine opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert outfit_ideas(basic_closet(), IdeaRequest(count=2), today=TODAY).ideas
