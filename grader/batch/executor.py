"""Where a batch's submissions are graded: the local process pool, or tasks on a Ray cluster.

Both take the jobs the runner planned as ``(key, Task)`` pairs and yield ``(key, Outcome)`` as
each one finishes. The runner, in the driver, records every outcome: it is the only writer of
the gradebook, whichever executor ran, so resume, ``--regrade`` and the class-wide verdict cache
mean the same everywhere.

``local`` (the default): a pebble ProcessPool of workers forked from the driver, each task
under a hard time limit (pebble kills an overrunning worker and starts another) and an
address-space limit (``worker.init_worker``). The workers read the gradebook's verdicts
themselves (one machine, one file system).

``ray``: one Ray task per submission, ``num_cpus=1``. A task does not grade in the Ray worker
process itself: that process supervises a pebble pool of one worker forked from a forkserver
(a fresh single-threaded process with the engine imported, never a fork of the multi-threaded
Ray worker), under the same time and memory limits as the local pool, so a hung or runaway
submission is killed on its node and comes back as its ``timeout``/``memory``/``error`` row,
and the Ray task itself always finishes. What crosses machines is data: the rubric as its YAML
text (the node loads it and checks the fingerprint), the engine's functions by import name, the
submission text, the outcome as JSON (``worker.to_data``). The verdict cache is shared through
the driver: outcomes bring new verdicts back, the driver puts them in the object store as
deltas (at most one per ``concurrency`` submissions), and each task carries the list of delta
references, so a node fetches each verdict once. A node that dies takes its tasks with it: Ray
retries them elsewhere (``ray_retries``); one that runs out of retries is ``lost``, never
recorded, and the same command run again grades it.
"""

from __future__ import annotations

import importlib
import json
import logging
import multiprocessing
import os
import select
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pebble import ProcessExpired, ProcessPool

from grader.batch import gradebook as gb
from grader.batch.worker import (
    FATAL,
    LOST,
    Engine,
    Outcome,
    Task,
    die_with_parent,
    from_data,
    init_remote_worker,
    init_worker,
    name_of,
    resolve,
    run_task,
    to_data,
)
from grader.errors import GraderError

K = TypeVar("K")

EXECUTORS = ("local", "ray")
_DIED_OF_MEMORY = (-9, -11, -6, -7)  # SIGKILL (OOM killer), SIGSEGV, SIGABRT, SIGBUS
_CHAIN_MAX = 32  # cache deltas before they are folded into one snapshot


class Executor(Protocol):
    def results(self, items: Iterable[tuple[K, Task]]) -> Iterator[tuple[K, Outcome]]: ...


def outcome_of(fut: Future[Outcome], student: str, timeout: float) -> Outcome:
    """A pool future's outcome; a killed, dead or hung worker becomes the row that says so."""
    try:
        return fut.result()
    except TimeoutError:
        return Outcome(student, "timeout", message=f"grading took longer than {timeout:g}s",
                       seconds=timeout)
    except ProcessExpired as exc:
        if exc.exitcode in _DIED_OF_MEMORY:
            return Outcome(student, "memory", message=f"the worker died (exit code "
                           f"{exc.exitcode}), most likely out of memory")
        return Outcome(student, "error", message=f"the worker died (exit code {exc.exitcode})")
    except CancelledError:
        return Outcome(student, "error", message="cancelled")
    except Exception as exc:  # noqa: BLE001 - e.g. a result that would not pickle
        return Outcome(student, "error", message=f"{type(exc).__name__}: {exc}")


# -- one machine -------------------------------------------------------------------------------

@dataclass
class LocalPool:
    """Forked workers on this machine, a few tasks each in flight (memory stays flat)."""

    rubric: Any
    engine: Engine
    book: Path
    jobs: int | None
    timeout: float
    memory_mb: int | None
    share_cache: bool = True

    def results(self, items: Iterable[tuple[K, Task]]) -> Iterator[tuple[K, Outcome]]:
        todo = deque(items)
        if not todo:
            return
        workers = max(1, min(self.jobs or os.cpu_count() or 1, len(todo)))
        window = workers * 3
        inflight: dict[Future[Outcome], tuple[K, Task]] = {}
        book = str(self.book) if self.share_cache else None
        pool = ProcessPool(max_workers=workers, initializer=init_worker,
                           initargs=(self.engine.grade, self.rubric, book, self.memory_mb),
                           context=multiprocessing.get_context("fork"))
        try:
            while todo or inflight:
                while todo and len(inflight) < window:
                    key, task = todo.popleft()
                    inflight[pool.schedule(run_task, args=(task,), timeout=self.timeout)] = (key, task)
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                for fut in done:
                    key, task = inflight.pop(fut)
                    yield key, outcome_of(fut, task.student, self.timeout)
            pool.close()
        except BaseException:
            pool.stop()
            raise
        finally:
            pool.join()


# -- a Ray cluster: the driver -----------------------------------------------------------------

def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise GraderError("--executor ray needs Ray: pip install 'ml-homework-grader[ray]'") from None
    return ray


def known_verdicts(book: Path, scope: str) -> dict[str, str]:
    """The verdicts the gradebook already holds for this rubric (JSON by key)."""
    if not book.exists():
        return {}
    try:
        conn = gb.connect(book, readonly=True)
        try:
            return dict(conn.execute("SELECT key, verdict FROM verdict_cache WHERE scope=?",
                                     (scope,)).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


@dataclass
class _CacheChain:
    """The class's verdicts as a chain of object-store deltas that tasks carry by reference."""

    ray: Any
    every: int
    fresh: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    refs: list[Any] = field(default_factory=list)
    chain_id: str = ""
    since: int = 0
    puts: int = 0

    def learn(self, entries: dict[str, str]) -> None:
        for k, v in entries.items():
            if k not in self.known:
                self.known[k] = self.fresh[k] = v

    def current(self) -> list[Any]:
        """``[chain id, delta refs...]`` for the next task, with a new delta if one is due."""
        self.since += 1
        if self.fresh and (not self.refs or self.since > self.every):
            if len(self.refs) >= _CHAIN_MAX or not self.refs:
                self.chain_id = uuid.uuid4().hex
                self.refs = [self.ray.put(json.dumps(self.known))]
            else:
                self.refs.append(self.ray.put(json.dumps(self.fresh)))
            self.fresh, self.since = {}, 1
            self.puts += 1
        return [self.chain_id, *self.refs]


@dataclass
class RayCluster:
    """Ray tasks on a cluster (``address``; None: Ray's default, RAY_ADDRESS or a local one)."""

    rubric: Any
    rubric_text: str
    rubric_path: str
    engine: Engine
    book: Path
    jobs: int | None
    timeout: float
    memory_mb: int | None
    address: str | None = None
    retries: int = 3
    share_cache: bool = True
    nodes: set[str] = field(default_factory=set)
    snapshots: int = 0

    def results(self, items: Iterable[tuple[K, Task]]) -> Iterator[tuple[K, Outcome]]:
        todo = deque(items)
        if not todo:
            return
        ray = import_ray()
        setup = json.dumps({
            "rubric": self.rubric_text, "path": self.rubric_path,
            "fingerprint": str(self.rubric.fingerprint), "grade": name_of(self.engine.grade),
            "load_text": name_of(self.engine.load_rubric_text), "modules": self.engine.modules(),
            "part_fingerprints": dict(getattr(self.rubric, "part_fingerprints", {}) or {}),
            "timeout": self.timeout, "memory_mb": self.memory_mb, "batch": uuid.uuid4().hex})
        ours = _connect(ray, self.address)
        inflight: dict[Any, tuple[K, Task]] = {}
        try:
            remote = ray.remote(grade_on_node).options(num_cpus=1, max_retries=self.retries)
            setup_ref = ray.put(setup)
            concurrency, checked = self._concurrency(ray), time.monotonic()
            chain = _CacheChain(ray, every=concurrency)
            if self.share_cache:
                chain.learn(known_verdicts(self.book, str(self.rubric.fingerprint)))
            while todo or inflight:
                if time.monotonic() - checked > 10:  # an autoscaling cluster grows
                    concurrency, checked = self._concurrency(ray), time.monotonic()
                while todo and len(inflight) < 2 * concurrency:
                    key, task = todo.popleft()
                    refs = chain.current() if self.share_cache else [""]
                    ref = remote.remote(json.dumps(to_data(task)), setup_ref, refs)
                    inflight[ref] = (key, task)
                done, _ = ray.wait(list(inflight), num_returns=1)
                for ref in done:
                    key, task = inflight.pop(ref)
                    out = self._reply(ray, ref, task.student)
                    if out.status == FATAL:
                        raise GraderError(f"the Ray cluster cannot grade this batch: {out.message}")
                    if self.share_cache:
                        chain.learn(out.cache_entries)
                    if out.node:
                        self.nodes.add(out.node)
                    yield key, out
            self.snapshots = chain.puts
        finally:
            for ref in inflight:
                try:
                    ray.cancel(ref, force=True)
                except Exception:  # noqa: BLE001, S110 - it may have finished or its node gone
                    pass
            if ours:
                ray.shutdown()

    def _concurrency(self, ray: Any) -> int:
        return self.jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))

    @staticmethod
    def _reply(ray: Any, ref: Any, student: str) -> Outcome:
        try:
            raw = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # grade_on_node never raises: it did not run
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            return Outcome(student, FATAL, message=f"the task did not run on the cluster (is the "
                           f"grader installed on every node?): {first}"[:300])
        except ray.exceptions.RayError as exc:  # the node or its worker died, retries used up
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            return Outcome(student, LOST, message=f"{type(exc).__name__}: {first}"[:300])
        try:
            out: Outcome = from_data(Outcome, json.loads(raw))
            if out.student != student:
                raise ValueError(f"a reply for {out.student!r}")
        except (TypeError, ValueError) as exc:
            return Outcome(student, "error", message=f"the node's reply is not a result: {exc}")
        return out


def _connect(ray: Any, address: str | None) -> bool:
    """Connect this process to the cluster unless it already is; True if we connected."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # a grading tool does not phone home
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        where = address or os.environ.get("RAY_ADDRESS") or "the local machine"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise GraderError(f"cannot start or reach a Ray cluster at {where}: {first}") from None
    return True


# -- a Ray cluster: on a node ------------------------------------------------------------------
#
# The Ray worker process runs many threads (gRPC, the core worker), and forking it is unsafe
# (a child that forks again can hang: ray-project/ray#31263). So the task starts one clean
# helper process per Ray worker (``serve_node``, a new interpreter) and talks to it in JSON
# lines; the helper loads the rubric from its text and imports the engine once, and for each
# batch forks a pool the way the local driver does (a new worker, an empty cache), so a
# replaced worker starts at once, with the rubric loaded.

_SETUP_SECONDS = 600.0  # loading a rubric runs its derivations (each time-limited)
_SPARE_SECONDS = 30.0  # what the helper may take beyond the task's own limit


@dataclass
class _Helper:
    key: tuple[Any, ...]
    proc: subprocess.Popen[str]
    fatal: str = ""
    batch: str = ""
    chain_id: str = ""
    applied: int = 0
    known: dict[str, str] = field(default_factory=dict)  # the verdicts given to the helper

    def ask(self, message: dict[str, Any], seconds: float) -> str:
        """Send one line, return the answer line (JSON)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            raise _HelperGone("did not answer" if not ready else "stopped")
        return line

    def new_verdicts(self, ray: Any, batch: str, chain: list[Any]) -> dict[str, str]:
        """The verdicts of the driver's chain this helper has not been given in this batch."""
        if batch != self.batch:
            self.batch, self.chain_id, self.applied, self.known = batch, "", 0, {}
        chain_id, refs = chain[0], chain[1:]
        if not chain_id:
            return {}
        if chain_id != self.chain_id:
            self.chain_id, self.applied = chain_id, 0
        new: dict[str, str] = {}
        if refs[self.applied:]:
            for raw in ray.get(refs[self.applied:]):
                for k, v in json.loads(raw).items():
                    if k not in self.known:
                        self.known[k] = new[k] = v
        self.applied = len(refs)
        return new

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


class _HelperGone(Exception):
    pass


_helper: _Helper | None = None


def _helper_for(setup: dict[str, Any]) -> _Helper:
    """This Ray worker's helper for the rubric and engine of ``setup`` (started if need be)."""
    global _helper
    key = (setup["fingerprint"], setup["grade"], setup["load_text"])
    if _helper is not None and _helper.key == key and _helper.proc.poll() is None:
        return _helper
    if _helper is not None:
        _helper.stop()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen([sys.executable, "-c", _NODE_MAIN], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    _helper = _Helper(key, proc)
    try:
        reply = json.loads(_helper.ask(setup, _SETUP_SECONDS))
        _helper.fatal = str(reply.get("fatal") or "")
    except (_HelperGone, ValueError) as exc:
        _helper.fatal = f"the node's grading process {exc}"
    return _helper


def grade_on_node(task_json: str, setup_json: str, chain: list[Any]) -> str:
    """The Ray task: grade one submission in this node's helper; the outcome as JSON.

    Never raises: a student's problem is a row, this node's problem is ``fatal``.
    """
    import ray

    student = ""
    try:
        setup = json.loads(setup_json)
        task = json.loads(task_json)
        student = str(task.get("student", ""))
        helper = _helper_for(setup)
        if helper.fatal:
            return json.dumps(to_data(Outcome(student, FATAL, message=helper.fatal)))
        try:
            known = helper.new_verdicts(ray, setup["batch"], chain)
        except ray.exceptions.RayError:
            known = {}  # the cache is a saving, never a reason to fail
        message = {"batch": setup["batch"], "timeout": setup["timeout"],
                   "memory_mb": setup["memory_mb"], "task": task, "known": known,
                   "node": ray.get_runtime_context().get_node_id()}
        try:
            return helper.ask(message, float(setup["timeout"]) + _SPARE_SECONDS)
        except _HelperGone as exc:
            helper.stop()
            return json.dumps(to_data(Outcome(student, "error", message=f"the node's grading "
                                              f"process {exc}")))
    except Exception as exc:  # noqa: BLE001 - reported, the driver stops the batch
        return json.dumps(to_data(Outcome(student, FATAL, message=f"{type(exc).__name__}: {exc}")))


_NODE_MAIN = "from grader.batch.executor import serve_node; serve_node()"


def serve_node() -> None:
    """The helper's loop: a setup line, then one task line in, one outcome line out.

    The protocol uses private copies of stdin and stdout: stray output of the engine goes to
    stderr, and the pool's workers, forked while this thread waits for a line, find the
    standard streams unlocked (a child's bootstrap closes its stdin).
    """
    die_with_parent()
    inp = os.fdopen(os.dup(0), "r", encoding="utf-8")
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)

    def send(data: Any) -> None:
        out.write(json.dumps(data) + "\n")
        out.flush()

    try:
        rubric, grade_fn = _load_on_node(json.loads(inp.readline() or "{}"))
    except BaseException as exc:  # noqa: BLE001 - reported to the driver, which stops
        send({"fatal": (str(exc).splitlines() or [type(exc).__name__])[0]})
        return
    send({"ready": True})
    pool: ProcessPool | None = None
    batch = ""
    known: dict[str, str] = {}
    unsent: dict[str, str] = {}  # known, not yet given to the pool's worker
    try:
        for line in inp:
            message = json.loads(line)
            if pool is None or message["batch"] != batch:  # a new worker, an empty cache
                if pool is not None:
                    pool.stop()
                    pool.join()
                pool = ProcessPool(max_workers=1, initializer=init_remote_worker,
                                   initargs=(grade_fn, rubric, message["memory_mb"]),
                                   context=multiprocessing.get_context("fork"))
                batch, known, unsent = message["batch"], {}, {}
            for k, v in (message.get("known") or {}).items():
                if k not in known:
                    known[k] = unsent[k] = v
            task: Task = from_data(Task, message["task"])
            timeout = float(message["timeout"])
            sent, unsent = unsent, {}
            fut = pool.schedule(run_task, args=(replace(task, known=sent),), timeout=timeout)
            result = outcome_of(fut, task.student, timeout)
            if result.status != "ok":  # its worker may be a new one: it gets everything
                unsent = dict(known)
            for k, v in result.cache_entries.items():
                known.setdefault(k, v)
            result.node = str(message.get("node", ""))
            send(to_data(result))
    finally:
        if pool is not None:
            pool.stop()
            pool.join()


def _load_on_node(setup: dict[str, Any]) -> tuple[Any, Any]:
    """The rubric from its text, checked to be the driver's, and the engine, imported."""
    for module in setup["modules"]:
        importlib.import_module(module)
    rubric = resolve(setup["load_text"])(setup["rubric"], setup["path"])
    mine = (str(rubric.fingerprint), dict(getattr(rubric, "part_fingerprints", {}) or {}))
    if mine != (setup["fingerprint"], setup["part_fingerprints"]):
        raise GraderError(f"this node reads rubric {setup['path']} otherwise than the driver "
                          f"(fingerprint {mine[0]}, driver {setup['fingerprint']}): install the "
                          "same grader version on every node")
    return rubric, resolve(setup["grade"])
