"""The review app in a real headless Chromium (Debian's package, driven by Playwright).

Grade a group from the keyboard, override one student, and check the gradebook, the CSV and a
screenshot in which the math is laid out (a fraction's numerator above its bar and denominator).
CI installs chromium (.ci/run); these tests are not skipped when it is missing: they fail.
``GRADER_SCREENSHOTS=DIR`` also writes the screenshots there.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import review_fakes as fakes
from review_fakes import batch, write_class

from grader.batch import export
from grader.batch.manual import anonymous
from grader.report.mathml import convert_many
from grader.review import Review
from grader.review.app import create_app

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from werkzeug.serving import make_server

    book = tmp_path / "gb.sqlite"
    batch(write_class(tmp_path / "class"), book, fakes.make_rubric())
    # start the limited worker before the browser: a process forked later would hold the
    # browser driver's pipes open and keep it from exiting
    assert convert_many([("x", False)]) != [None]
    server = make_server("127.0.0.1", 0, create_app(Review(book, rubric=fakes.make_rubric(),
                                                           grader="ta1")), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", book
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is not installed (apt-get install -y chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pg = browser.new_page(viewport={"width": 1100, "height": 900})
        pg.set_default_timeout(15_000)
        try:
            yield pg
        finally:
            browser.close()


def keep(shot: Path) -> None:
    where = os.environ.get("GRADER_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(where) / shot.name)


def dark_rows(png: Path) -> list[float]:
    """Per pixel row of an image cropped to its ink, the share of the row that is dark."""
    import matplotlib.image as mpimg

    ink = mpimg.imread(png)[..., :3].mean(axis=2) < 0.5
    cols = ink.any(axis=0).nonzero()[0]
    assert cols.size, "nothing drawn"
    ink = ink[:, cols[0]:cols[-1] + 1]
    return [float(row.mean()) for row in ink]


def manual(book: Path) -> dict[str, tuple[float, str, str, str]]:
    conn = sqlite3.connect(book)
    out = {s: (pts, c, r, g) for s, pts, c, r, g in conn.execute(
        "SELECT student, points, comment, reason, grader FROM manual_grades WHERE part='1.grad'")}
    conn.close()
    return out


def test_grade_a_group_override_a_student_and_see_the_math(
        app_url: tuple[str, Path], page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    url, book = app_url
    page.goto(url + "/")
    page.click('a[href="/part/1.grad"]')
    page.wait_for_selector("section.group.current")

    # grade the group of three from the keyboard: g to its points, type, Tab, comment, Enter
    group = page.locator("section.group.current")
    expect(group.locator(".size")).to_have_text("×3")
    page.keyboard.press("g")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("right value, not simplified")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert manual(book) == {s: (1.0, "right value, not simplified", "", "ta1")
                            for s in ("ana", "ben", "cai")}

    # override one student whose answer the engine marked wrong: a reason is required
    page.goto(url + "/part/1.grad?all=1")
    row = page.locator(f'tr[data-student="{anonymous("fake-hw", "dee")}"]')
    row.locator("input.points").fill("0.5")
    with page.expect_navigation():
        row.locator('button[name="set"]').click()
    expect(page.locator(".error")).to_contain_text("give a reason to override it")
    row = page.locator(f'tr[data-student="{anonymous("fake-hw", "dee")}"]')
    row.locator("input.points").fill("0.5")
    row.locator("input.reason").fill("the idea is right")
    with page.expect_navigation():
        row.locator('button[name="set"]').click()
    assert manual(book)["dee"] == (0.5, "", "the idea is right", "ta1")

    table = {r["student"]: r for r in csv.DictReader(io.StringIO(export(book, to="csv")))}
    assert [table[s]["1.grad"] for s in ("ana", "ben", "cai", "dee", "eli")] == \
        ["1", "1", "1", "0.5", "2"]
    assert table["ana"]["total"] == "" and table["eli"]["total"] == "2"  # 2.why still waits

    # the math is laid out by the browser: the expected 1/(2x) has its numerator above the bar
    page.goto(url + "/part/1.grad?all=1")
    frac = page.locator(".key .expected mfrac").first
    num = frac.locator(":scope > *").nth(0).bounding_box()
    den = frac.locator(":scope > *").nth(1).bounding_box()
    assert num and den and num["y"] + num["height"] <= den["y"] + 1
    assert abs((num["x"] + num["width"] / 2) - (den["x"] + den["width"] / 2)) < 4  # centred
    shot = tmp_path / "review-part.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:4] == b"\x89PNG"
    keep(shot)
    formula = tmp_path / "review-expected.png"
    page.locator(".key .expected math").screenshot(path=str(formula))
    rows = dark_rows(formula)
    ink = [i for i, share in enumerate(rows) if share > 0]
    bar = [i for i, share in enumerate(rows) if share > 0.6]  # the fraction bar spans the width
    assert bar and ink[0] < bar[0] and ink[-1] > bar[-1]  # ink above and below the bar


def test_keyboard_moves_through_groups_and_parts(app_url: tuple[str, Path], page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    url, _ = app_url
    page.goto(url + "/part/2.why")
    ids = page.locator("section.group").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == 3  # four prose answers; two differ only in case and spacing
    assert page.locator("section.group .size").all_inner_texts() == ["×2", "×1", "×1"]
    current = "section.group.current"
    assert page.locator(current).get_attribute("id") == ids[0]
    page.keyboard.press("j")
    assert page.locator(current).get_attribute("id") == ids[1]
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert page.locator(current).get_attribute("id") == ids[-1]
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.url.endswith("/part/1.grad")
