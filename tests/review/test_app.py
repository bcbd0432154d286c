"""The review app through Flask's test client: pages, forms, the guards, hostile answers."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import review_fakes as fakes
from flask.testing import FlaskClient
from review_fakes import CLASS, batch, write_class

from grader.batch.manual import anonymous
from grader.review import Review
from grader.review.app import create_app

TOKEN = "test-token"
HOSTILE = {**CLASS, "eve.tex": "1.grad: \\text{<script>alert(1)</script>}\n"
                               "2.why: <img src=x onerror=alert(2)> is why\n"}


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    book = tmp_path / "gb.sqlite"
    batch(write_class(tmp_path / "class", HOSTILE), book, fakes.make_rubric())
    app = create_app(Review(book, rubric=fakes.make_rubric(), grader="ta1"), token=TOKEN)
    app.config["BOOK"] = book
    return app.test_client()


def group_ids(html: str) -> list[str]:
    return re.findall(r'<section class="group[^"]*" id="(g[0-9a-f]{8})"', html)


def manual(client: FlaskClient) -> dict[tuple[str, str], float]:
    conn = sqlite3.connect(client.application.config["BOOK"])
    out = {(s, p): pts for s, p, pts in conn.execute(
        "SELECT student, part, points FROM manual_grades")}
    conn.close()
    return out


def test_index_lists_parts_with_what_waits(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'data-part="1.grad"' in html and 'data-part="2.why"' in html
    assert "<strong>9</strong> answers wait for a person" in html  # 4 math + 5 prose


def test_part_page_typesets_and_escapes(client: FlaskClient) -> None:
    resp = client.get("/part/1.grad")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "<mfrac>" in html  # the expected answer and the answers are MathML
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "ana" not in html and anonymous("fake-hw", "ana") in html  # anonymous by default
    prose = client.get("/part/2.why").get_data(as_text=True)
    assert "<img" not in prose and "&lt;img src=x onerror=alert(2)&gt;" in prose
    assert "the derivative of ReLU is 0 for negative input" in prose  # key ideas


def test_grading_a_group_moves_to_the_next(client: FlaskClient) -> None:
    first, second = group_ids(client.get("/part/1.grad").get_data(as_text=True))[:2]
    resp = client.post(f"/part/1.grad/group/{first}", data={"points": "1", "token": TOKEN})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"#{second}")
    assert manual(client) == {("ana", "1.grad"): 1.0, ("ben", "1.grad"): 1.0,
                              ("cai", "1.grad"): 1.0}


def test_override_needs_a_reason(client: FlaskClient) -> None:
    label = anonymous("fake-hw", "dee")
    resp = client.post(f"/part/1.grad/student/{label}", data={"points": "1", "token": TOKEN})
    assert resp.status_code == 400 and "give a reason to override it" in resp.get_data(as_text=True)
    resp = client.post(f"/part/1.grad/student/{label}",
                       data={"points": "1", "reason": "idea right", "token": TOKEN})
    assert resp.status_code == 303 and manual(client) == {("dee", "1.grad"): 1.0}
    resp = client.post(f"/part/1.grad/student/{label}", data={"clear": "1", "token": TOKEN})
    assert resp.status_code == 303 and manual(client) == {}


GUARDS = (
    ("no token", {"points": "1"}, "127.0.0.1"),
    ("wrong token", {"points": "1", "token": "guess"}, "127.0.0.1"),
    ("foreign host", {"points": "1", "token": TOKEN}, "evil.example"),
)


@pytest.mark.parametrize(("name", "data", "host"), GUARDS, ids=[g[0] for g in GUARDS])
def test_forms_are_guarded(client: FlaskClient, name: str, data: dict[str, str],
                           host: str) -> None:
    gid = group_ids(client.get("/part/1.grad").get_data(as_text=True))[0]
    resp = client.post(f"/part/1.grad/group/{gid}", data=data, headers={"Host": host})
    assert resp.status_code == 403 and manual(client) == {}


def test_student_view_can_hide_the_expected_answer(client: FlaskClient) -> None:
    label = anonymous("fake-hw", "dee")
    shown = client.get(f"/student/{label}").get_data(as_text=True)
    hidden = client.get(f"/student/{label}?expected=0").get_data(as_text=True)
    assert "<th>Expected</th>" in shown and "Expected" not in hidden
    assert "dee" not in hidden and label in hidden
    assert client.get("/student/nobody").status_code == 404


def test_show_names_is_a_choice(client: FlaskClient) -> None:
    resp = client.post("/names", data={"token": TOKEN, "back": "//evil.example/"})
    assert resp.headers["Location"] == "/"  # never a redirect off the app
    html = client.get("/part/1.grad").get_data(as_text=True)
    assert ">ana<" in html
