"""What crosses machines in a Ray batch, without Ray: plain data in and out, the verdicts a
worker is given, and the node's helper process under every way a grader can fail."""

from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import batch_fakes as fakes
import pytest

from grader.batch.worker import (
    MemoryVerdictCache,
    Outcome,
    Task,
    from_data,
    name_of,
    to_data,
)
from grader.errors import GraderError
from grader.model import Location, PartResult, PartVerdict, Report, Verdict
from grader.model import Outcome as VerdictOutcome

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

REPORT = Report(submission="alice.md", rubric="hw1", rubric_version="2", title="HW 1",
                warnings=("read as cp1252",),
                parts=(PartResult("a", "derivative", 2.0, 2.0, PartVerdict.CORRECT, answer="2x",
                                  location=Location(3, "1", (4, 6)), alternatives=("x+x",),
                                  steps=("2x",)),
                       PartResult("b", "gradient", 0.0, 3.0, PartVerdict.MISSING)))

ROUND_TRIPS = (
    ("ok-with-report", Outcome, Outcome("alice", "ok", REPORT, seconds=1.5,
                                        cache_entries={"k": "{}"}, lookups=3, hits=2, node="n1")),
    ("timeout-no-report", Outcome, Outcome("bob", "timeout", message="took longer than 2s")),
    ("task", Task, Task("carol", "carol.md", "a: 2x\n", ("a",), {"k": "v"})),
    ("task-all-parts", Task, Task("dan", "d.tex", "", None)),
)


@pytest.mark.parametrize(("_id", "tp", "value"), ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
def test_values_cross_as_json_and_come_back_equal(_id: str, tp: type, value: Any) -> None:
    wire = json.dumps(to_data(value))
    back = from_data(tp, json.loads(wire))
    assert back == value and type(back) is tp
    if isinstance(back, Outcome) and back.report is not None:
        assert type(back.report.parts[0].verdict) is PartVerdict
        assert back.report.parts[0].location.span == (4, 6)


def _outcome(**change: Any) -> dict[str, Any]:
    data = to_data(Outcome("alice", "ok", REPORT))
    for path, value in change.items():
        node = data
        *head, last = path.split("__")
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value
    return data


MALFORMED = (
    ("student-not-a-string", _outcome(student=7)),
    ("status-missing-type", _outcome(status=None)),
    ("points-a-string", _outcome(report__parts__0__points="2")),
    ("points-a-bool", _outcome(report__parts__0__points=True)),
    ("verdict-unknown", _outcome(report__parts__0__verdict="excellent")),
    ("parts-not-a-list", _outcome(report__parts={"a": 1})),
    ("span-of-three", _outcome(report__parts__0__location__span=[1, 2, 3])),
    ("object-instead-of-text", _outcome(message={"__reduce__": "os.system"})),
    ("not-a-mapping", ["alice", "ok"]),
)


@pytest.mark.parametrize(("_id", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_reply_that_is_not_what_it_claims_is_refused(_id: str, data: Any) -> None:
    with pytest.raises(ValueError):
        from_data(Outcome, data)


def test_plain_data_refuses_objects() -> None:
    with pytest.raises(TypeError):
        to_data(Outcome("alice", "ok", message=object()))  # type: ignore[arg-type]


def test_a_worker_is_given_verdicts_as_json_and_counts_them_as_hits() -> None:
    cache = MemoryVerdictCache()
    known = Verdict(outcome=VerdictOutcome.CORRECT, method="symbolic")
    cache.seed({"known": json.dumps(known.to_json()), "broken": "{not json"})
    assert cache.get("known") == known and cache.get("known") == known
    assert cache.get("broken") is None and cache.get("other") is None
    assert (cache.lookups, cache.hits) == (4, 2)
    mine = Verdict(outcome=VerdictOutcome.INCORRECT, method="numeric", diagnosis="SIGN")
    cache.put("mine", mine)
    cache.seed({"mine": json.dumps(known.to_json())})  # what it computed itself wins
    assert cache.get("mine") == mine and list(cache.take_new()) == ["mine"]
    assert cache.take_new() == {}


def _nested() -> Any:
    def inner() -> None:  # pragma: no cover - only named
        pass
    return inner


@pytest.mark.parametrize("fn", [lambda: None, _nested(), print.__call__],
                         ids=["lambda", "nested", "method-wrapper"])
def test_only_importable_module_functions_are_sent_by_name(fn: Any) -> None:
    with pytest.raises(GraderError, match="module-level function"):
        name_of(fn)


def test_an_importable_function_goes_by_its_name() -> None:
    assert name_of(fakes.grade_canned) == "batch_fakes:grade_canned"


# -- the node's helper process, driven as a Ray worker drives it --------------------------------

FAILURES = [("hang", "HANG"), ("hog", "HOG"), ("die", "DIE"), ("crash", "CRASH"),
            *((f"s{i}", "a: 2x\nb: y-t") for i in range(3))]
EXPECTED = {"hang": "timeout", "hog": "memory", "die": "error", "crash": "error"}


class Helper:
    def __init__(self, tmp: Path) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from grader.batch.executor import serve_node; serve_node()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, cwd=tmp)

    def ask(self, message: dict[str, Any], seconds: float = 30) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        assert ready, f"the helper did not answer {message.get('task', message)!r:.80}"
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return reply

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def _setup(**change: Any) -> dict[str, Any]:
    rubric = fakes.make_rubric()
    return {"rubric": fakes.rubric_yaml(), "path": "hw1.yaml", "fingerprint": rubric.fingerprint,
            "part_fingerprints": rubric.part_fingerprints, "grade": "batch_fakes:grade_any_failure",
            "load_text": "batch_fakes:load_rubric_text", "modules": ["batch_fakes"], **change}


def _task(name: str, text: str, batch: str = "b1", known: dict[str, str] | None = None) -> dict[str, Any]:
    return {"batch": batch, "timeout": 1.0, "memory_mb": 200, "node": "n1", "known": known or {},
            "task": to_data(Task(name, name, text))}


@pytest.mark.parametrize("seed", [3, 5, 11], ids=lambda s: f"order-{s}")
def test_the_helper_survives_every_failure_in_any_order(tmp_path: Path, seed: int) -> None:
    # these orders (a dying worker, then a timeout) once left a replacement worker stuck
    order = list(FAILURES)
    random.Random(seed).shuffle(order)
    helper = Helper(tmp_path)
    try:
        assert helper.ask(_setup()) == {"ready": True}
        for name, text in order:
            out = from_data(Outcome, helper.ask(_task(name, text)))
            assert (out.student, out.status) == (name, EXPECTED.get(name, "ok")), out.message
            assert out.node == "n1"
    finally:
        helper.close()


def test_the_helper_keeps_verdicts_within_a_batch_only(tmp_path: Path) -> None:
    helper = Helper(tmp_path)
    try:
        assert helper.ask(_setup()) == {"ready": True}
        first = from_data(Outcome, helper.ask(_task("s0", "a: 2x\nb: y-t")))
        assert (first.lookups, first.hits, len(first.cache_entries)) == (2, 0, 2)
        again = from_data(Outcome, helper.ask(_task("s1", "a: 2x\nb: y-t")))
        assert (again.hits, again.cache_entries) == (2, {})
        given = from_data(Outcome, helper.ask(_task("s2", "a: 2x\nb: y-t", batch="b2",
                                                       known=dict(list(first.cache_entries.items())[:1]))))
        assert (given.hits, len(given.cache_entries)) == (1, 1)  # a new batch: only what it was sent
    finally:
        helper.close()


@pytest.mark.parametrize(("change", "message"), [
    ({"fingerprint": "0" * 16}, "otherwise than the driver"),
    ({"part_fingerprints": {"a": "x", "b": "y"}}, "otherwise than the driver"),
    ({"grade": "batch_fakes:no_such_grader"}, "no_such_grader"),
    ({"rubric": "version: [unclosed"}, ""),
], ids=["rubric-fingerprint", "part-fingerprints", "unknown-grader", "bad-yaml"])
def test_a_node_that_cannot_grade_says_so_in_one_line(tmp_path: Path, change: dict[str, Any],
                                                     message: str) -> None:
    helper = Helper(tmp_path)
    try:
        reply = helper.ask(_setup(**change))
        assert set(reply) == {"fatal"} and message in reply["fatal"] and "\n" not in reply["fatal"]
    finally:
        helper.close()


class _RayError(Exception):
    pass


class _RayTaskError(_RayError):
    pass


class _WorkerCrashedError(_RayError):
    pass


def _stub_ray(result: Any) -> Any:
    from types import SimpleNamespace

    def get(_ref: Any) -> Any:
        if isinstance(result, BaseException):
            raise result
        return result

    return SimpleNamespace(get=get, exceptions=SimpleNamespace(
        RayError=_RayError, RayTaskError=_RayTaskError))


REPLIES = (
    ("graded", json.dumps(to_data(Outcome("alice", "ok", REPORT))), "ok"),
    ("node-died", _WorkerCrashedError("the worker died\nmore"), "lost"),
    ("task-never-ran", _RayTaskError("ModuleNotFoundError: grader"), "fatal"),
    ("not-json", "<html>", "error"),
    ("someone-else", json.dumps(to_data(Outcome("bob", "ok"))), "error"),
    ("wrong-types", json.dumps({"student": "alice", "status": 3}), "error"),
)


@pytest.mark.parametrize(("_id", "result", "status"), REPLIES, ids=[r[0] for r in REPLIES])
def test_what_the_driver_makes_of_a_reply(_id: str, result: Any, status: str) -> None:
    from grader.batch.executor import RayCluster

    out = RayCluster._reply(_stub_ray(result), object(), "alice")
    assert (out.student, out.status) == ("alice", status) and "\n" not in out.message
