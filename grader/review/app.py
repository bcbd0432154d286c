"""The review web app: a small Flask app over one gradebook, served on 127.0.0.1 only.

Flask because it is small, well kept, escapes every template value by default (student text is
hostile) and has a test client; its werkzeug server runs in a thread, so the browser tests
start it on a free port in-process. Pages:

    /                      the queue: per part, answers and groups waiting for a person
    /part/<id>             the groups of one part: answer typeset, engine verdict, expected
                           answer and key ideas; grade a group, or one student in it
    /student/<label>       what the student will see (``?expected=0`` hides expected answers)

Every form carries a per-run token and requests must name 127.0.0.1 or localhost as their
host: another web page open in the same browser can neither post grades (CSRF) nor read the
app through a rebound DNS name. Students are shown by anonymous label until "show names" is
chosen (a cookie). Math is MathML made on the server (``grader.report.mathml``); the page loads
only its own script and stylesheet.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import replace
from typing import Any

from flask import Flask, abort, make_response, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from grader.batch.feedback import feedback_html
from grader.batch.manual import PartGrade, StudentGrades, report
from grader.errors import InputError
from grader.report.mathml import MathRenderer
from grader.review.groups import Group, PartQueue
from grader.review.session import Review

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_HOSTS = ("127.0.0.1", "localhost")


class _Math:
    """One MathRenderer shared by the app's threads (it memoises every answer it typesets)."""

    def __init__(self) -> None:
        self._m = MathRenderer()
        self._lock = threading.Lock()

    def prepare(self, texts: list[tuple[str | None, bool]]) -> None:
        with self._lock:
            self._m.prepare(texts)

    def auto(self, text: str | None, display: bool = False) -> Markup:
        """Typeset HTML, already escaped and sanitised by the renderer."""
        if not text:
            return Markup("")
        with self._lock:
            return Markup(self._m.auto(text, display))  # noqa: S704 - escaped by MathRenderer


def create_app(review: Review, *, token: str | None = None) -> Flask:
    """The app for one review; ``token`` guards the forms (random unless given, for tests)."""
    app = Flask(__name__)
    app.config["TOKEN"] = token or secrets.token_urlsafe(24)
    math = _Math()

    @app.before_request
    def _local_only() -> None:
        if _hostname(request.host) not in _HOSTS:
            abort(403)
        if request.method == "POST":
            sent = request.form.get("token", "")
            if not hmac.compare_digest(sent, app.config["TOKEN"]):
                abort(403)

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = _CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def names() -> bool:
        return request.cookies.get("names") == "1"

    def label(student: str) -> str:
        return review.label(student, names())

    def common() -> dict[str, Any]:
        return {"title": review.title, "rubric_id": review.rubric_id, "version": review.version,
                "token": app.config["TOKEN"], "names": names(), "label": label,
                "math": math.auto, "grader": review.grader}

    @app.get("/")
    def index() -> str:
        grades = review.grades()
        queue = review.queue(grades)
        return render_template("index.html", queue=queue, students=len(grades),
                               waiting=sum(q.waiting for q in queue),
                               pending_students=sum(1 for s in grades if s.pending),
                               **common())

    @app.get("/part/<part_id>")
    def part(part_id: str) -> str:
        return _part_page(part_id)

    def _part_page(part_id: str, error: str = "", status: int = 200) -> Any:
        grades = review.grades()
        queue = review.queue(grades)
        try:
            q = review.part_queue(part_id, queue)
        except InputError:
            abort(404)
        everything = "1" in (request.args.get("all"), request.form.get("all"))
        groups = [g for g in q.groups if everything or g.needs_person]
        i = [x.info.id for x in queue].index(part_id)
        texts: list[tuple[str | None, bool]] = [(q.info.expected, True),
                                                (q.info.model_answer, False)]
        for g in groups:
            texts += [(f, True) for f in g.forms[:4]]
        math.prepare(texts)
        body = render_template(
            "part.html", q=q, groups=groups, everything=everything, error=error,
            hidden=sum(1 for g in q.groups if not g.needs_person),
            prev_part=queue[i - 1].info.id if i > 0 else None,
            next_part=queue[i + 1].info.id if i + 1 < len(queue) else None,
            focus=request.args.get("focus", ""), member_row=_member_row, **common())
        return (body, status) if status != 200 else body

    def _member_row(m: PartGrade) -> dict[str, Any]:
        return {"label": label(m.student), "anon": review.label(m.student), "m": m}

    def _next_focus(part_id: str, after: str) -> Response:
        """Back to the part, on the next group that needs a person (or the next part)."""
        queue = review.queue()
        q = review.part_queue(part_id, queue)
        ids = [g.id for g in q.groups]
        start = ids.index(after) + 1 if after in ids else 0
        nxt = next((g for g in q.groups[start:] + q.groups[:start] if g.needs_person), None)
        args = {"all": "1"} if request.form.get("all") == "1" else {}
        if nxt is not None:
            return redirect(url_for("part", part_id=part_id, focus=nxt.id, **args)
                            + f"#{nxt.id}", code=303)
        later = [x for x in queue if x.waiting and x.info.id != part_id]
        if later:
            return redirect(url_for("part", part_id=later[0].info.id), code=303)
        return redirect(url_for("index"), code=303)

    def _form() -> tuple[str, str, str]:
        return (request.form.get("points", "").strip(), request.form.get("comment", ""),
                request.form.get("reason", ""))

    @app.post("/part/<part_id>/group/<group_id>")
    def grade_group(part_id: str, group_id: str) -> Any:
        points, comment, reason = _form()
        try:
            review.set_group(part_id, group_id, _number(points), comment=comment, reason=reason)
        except InputError as exc:
            return _part_page(part_id, error=str(exc), status=400)
        return _next_focus(part_id, group_id)

    @app.post("/part/<part_id>/student/<name>")
    def grade_student(part_id: str, name: str) -> Any:
        points, comment, reason = _form()
        try:
            if request.form.get("clear") == "1":
                review.clear(name, part_id, reason=reason)
            else:
                review.set_student(name, part_id, _number(points), comment=comment,
                                   reason=reason)
        except InputError as exc:
            return _part_page(part_id, error=str(exc), status=400)
        group = request.form.get("group", "")
        return redirect(url_for("part", part_id=part_id, focus=group,
                                **({"all": "1"} if request.form.get("all") == "1" else {}))
                        + f"#{group}", code=303)

    @app.get("/student/<name>")
    def student(name: str) -> Any:
        try:
            grades: StudentGrades = review.student(name)
        except InputError:
            abort(404)
        with review.db() as conn:
            rep = report(conn, grades, rubric_id=review.rubric_id, version=review.version)
        if not names():  # the file name is often the student's name
            rep = replace(rep, submission=label(grades.student))
        html = feedback_html(rep, student=label(grades.student), status=grades.status,
                             message=grades.message,
                             show_expected=request.args.get("expected") != "0")
        resp = make_response(html)
        resp.headers["Content-Type"] = "text/html; charset=utf-8"
        return resp

    @app.post("/names")
    def toggle_names() -> Response:
        back = request.form.get("back", "")
        local = back.startswith("/") and not back.startswith("//") and "\\" not in back
        resp = redirect(back if local else url_for("index"), code=303)
        resp.set_cookie("names", "0" if names() else "1", httponly=True, samesite="Strict")
        return resp

    app.jinja_env.globals.update(group_summary=_group_summary)
    return app


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1:host.find("]")]
    return host.split(":", 1)[0]


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"points {text!r} is not a number") from None


def _group_summary(g: Group) -> str:
    return g.summary()


def serve(review: Review, *, port: int = 8765, ready: Any = None) -> None:
    """Serve the app on 127.0.0.1:``port`` until interrupted (``port=0``: any free port).

    ``ready(url)`` is called once the socket listens.
    """
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, create_app(review), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}/"
    if ready is not None:
        ready(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["PartQueue", "create_app", "serve"]
