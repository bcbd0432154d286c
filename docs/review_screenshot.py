"""Make docs/review.png: a small class from the bundled submissions, graded, in the review app.

    python docs/review_screenshot.py            # needs chromium (apt-get install chromium)

Three students hand in the OCR-damaged submission written three ways (braces), so the
engine leaves the same damaged answers to a person and the app shows them as one group.
"""

from __future__ import annotations

import re
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.batch import BatchSettings, run_batch  # noqa: E402
from grader.report.mathml import convert_many  # noqa: E402
from grader.review import Review  # noqa: E402
from grader.review.app import create_app  # noqa: E402
from grader.rubric import load_rubric  # noqa: E402

RUBRIC = ROOT / "rubrics" / "ece449-a4.yaml"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def make_class(folder: Path) -> None:
    subs = ROOT / "submissions"
    damaged = (subs / "a4-ocr-damaged.md").read_text(encoding="utf-8")
    variants = [damaged, damaged.replace("q_x  p_x", "q_{x}  p_{x}"),
                damaged.replace("q_x  p_x", "q_x  p_{x}")]
    for i, text in enumerate(variants):
        (folder / f"student{i + 1}.md").write_text(re.sub(r"0000000003", f"000000010{i}", text))
    (folder / "student4.md").write_text((subs / "a4-correct.md").read_text(encoding="utf-8"))
    (folder / "student5.md").write_text((subs / "a4-mistakes.md").read_text(encoding="utf-8"))


def main(out: Path = ROOT / "docs" / "review.png") -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        make_class(folder)
        book = Path(tmp) / "gb.sqlite"
        run_batch(folder, RUBRIC, BatchSettings(gradebook=book, jobs=2, progress=False))
        convert_many([("x", False)])  # the limited worker starts before the browser
        review = Review(book, rubric=load_rubric(RUBRIC), grader="ta1")
        server = make_server("127.0.0.1", 0, create_app(review), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                page = browser.new_page(viewport={"width": 1000, "height": 760})
                page.goto(url + "/part/1.dEdz?all=1")
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.shutdown()
    print(out)


if __name__ == "__main__":
    main()
