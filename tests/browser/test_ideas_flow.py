"""Outfit ideas in a real browser: start a job, watch the progress bar reach the end, save an idea as an outfit."""

from __future__ import annotations

import threading
import time

import pytest

from closet import engine
from closet.models import OutfitJob
from closet.services import ideas as idea_services
from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory, category, colour

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.promise("AI-5")]


def _closet(user) -> None:
    for name, slug, colours in [
        ("Navy blazer", "outerwear", ["navy"]),
        ("White oxford shirt", "tops", ["white"]),
        ("Camel trousers", "bottoms", ["camel"]),
        ("Brown boots", "shoes", ["brown"]),
        ("Grey knit", "tops", ["grey"]),
        ("Dark jeans", "bottoms", ["denim"]),
        ("White sneakers", "shoes", ["white"]),
    ]:
        ItemFactory(owner=user, name=name, category=category(slug), colours=[colour(c) for c in colours], formality=3)


def test_start_a_job_watch_it_finish_and_save_an_idea(live_server, page, user, monkeypatch, screenshot_dir):
    _closet(user)
    real_engine = engine.outfit_ideas

    def slow_engine(*args, progress=None, **kwargs):
        # What a busy worker looks like: progress arrives in steps the page can show.
        for percent in (10, 30, 50, 70, 90):
            progress(percent)
            time.sleep(0.35)
        return real_engine(*args, **kwargs)

    monkeypatch.setattr(idea_services, "outfit_ideas", slow_engine)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/closet/")

    page.goto(live_server.url + "/ideas/")
    page.fill("input[name=occasion]", "office")
    page.get_by_role("button", name="Suggest outfits").click()
    page.wait_for_url("**/ideas/*/")
    progress_bar = page.locator("progress#job-progress-bar")
    assert progress_bar.is_visible()

    job = OutfitJob.objects.get(owner=user)
    worker = threading.Thread(target=idea_services.outfit_job_run, kwargs={"job_id": job.pk})
    worker.start()
    page.wait_for_function(
        "() => { const p = document.querySelector('#job-progress-bar'); return p && p.value >= 40; }"
    )
    page.screenshot(path=str(screenshot_dir / "ideas-progress.png"))
    page.get_by_text("Suggestion 1").wait_for(timeout=20_000)
    worker.join(timeout=20)
    assert not page.locator("#job-progress-bar").count()
    page.screenshot(path=str(screenshot_dir / "ideas.png"), full_page=True)

    page.get_by_role("button", name="Save as outfit").first.click()
    page.wait_for_url("**/outfits/*/")
    assert "Saved as an outfit" in page.content()
    assert user.closet_outfits.count() == 1
