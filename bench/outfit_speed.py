"""Benchmark: how long does the outfit engine take to suggest 10 ideas?

    .venv/bin/python bench/outfit_speed.py [--runs 15]

Times ``closet.engine.outfit_ideas`` alone (engine time: the caller's queries are not included) for 10 ideas on
seeded synthetic closets of 100, 1,000 and 10,000 items (the generator of bench/outfit_quality.py), over a mix
of requests (cold office day, rainy autumn, mild day without occasion, hot beach, date night, winter wedding).
Prints the median and the slowest run per size and exits non-zero when the median at 1,000 items exceeds
300 ms. Not a test: timings depend on the machine. Record results in bench/README.md ("Outfit ideas").
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from outfit_quality import TODAY, make_closet  # noqa: E402

from closet.engine import IdeaRequest, outfit_ideas  # noqa: E402  (after the sys.path setup)

TARGETS_MS = {1_000: 300.0}
REQUESTS = (
    IdeaRequest(count=10, occasion="office", temperature_c=-2, season="winter"),
    IdeaRequest(count=10, occasion="rain", temperature_c=9, season="autumn"),
    IdeaRequest(count=10, occasion="", temperature_c=18, season="spring"),
    IdeaRequest(count=10, occasion="beach", temperature_c=29, season="summer"),
    IdeaRequest(count=10, occasion="date", temperature_c=15, season="spring", inspiration_colours=("#7b1e3a",)),
    IdeaRequest(count=10, occasion="wedding", date=TODAY),
)


def measure(size: int, runs: int) -> tuple[list[float], int]:
    """Engine times in ms for ``runs`` requests (cycling through REQUESTS), and the ideas made in total."""
    items = make_closet(size, seed=size)
    outfit_ideas(items, REQUESTS[0], today=TODAY)  # warm the colour caches, as a long-running worker would be
    samples, ideas = [], 0
    for run in range(runs):
        request = REQUESTS[run % len(REQUESTS)]
        gc.collect()
        started = time.perf_counter()
        result = outfit_ideas(items, request, today=TODAY, seed=run)
        samples.append((time.perf_counter() - started) * 1000)
        ideas += len(result.ideas)
    return samples, ideas


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=18, help="runs per closet size (10,000 items: a third)")
    args = parser.parse_args()

    print("| closet | runs | ideas per run | median | slowest | target |")
    print("|---|---|---|---|---|---|")
    failed = False
    for size in (100, 1_000, 10_000):
        runs = args.runs if size < 10_000 else max(len(REQUESTS), args.runs // 3)
        samples, ideas = measure(size, runs)
        median = statistics.median(samples)
        target = TARGETS_MS.get(size)
        verdict = "—" if target is None else f"≤ {target:.0f} ms " + ("ok" if median <= target else "MISSED")
        print(f"| {size:,} items | {runs} | {ideas / runs:.1f} | {median:.0f} ms | {max(samples):.0f} ms | {verdict} |")
        failed |= target is not None and median > target
    if failed:
        print("FAILED: the engine is slower than its target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
