"""Time and memory limits for work that can run away: parsing, simplifying, evaluating.

Signal alarms only fire in the main thread and between bytecodes, so they cannot stop
a C-level big-integer power or a call deep in SymPy. Instead every limited call runs in a
forked worker process that inherits the already-imported modules (so it starts in
milliseconds), has an address-space limit, and is killed and replaced when a call
overruns. Calls made from inside the worker run inline: the outer limit covers them.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe
from typing import Any, TypeVar

from grader.errors import BudgetExceeded, GraderError

T = TypeVar("T")

#: The one definition of the limits of a limited call (a parse, a comparison, a derivation);
#: rubric tolerances and command options override the time, never by a constant of their own.
CALL_SECONDS = 5.0
MEMORY_MB = 1024
#: A rubric's derivation (an SVM's KKT system, a network's gradients) may take longer.
DERIVE_SECONDS = 120.0

_IN_WORKER = False


def address_space_now() -> int:
    """Bytes of virtual memory this process maps now (so the limit is relative to it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _serve(conn: Connection, memory_mb: int) -> None:
    """The worker's loop: receive a call, run it, send back the outcome."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit = address_space_now() + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            outcome = ("memory", None)
        except RecursionError as exc:
            outcome = ("error", GraderError(f"expression nested too deeply: {exc}"))
        except BaseException as exc:  # noqa: BLE001 - every failure must travel back
            outcome = ("error", exc)
        try:
            conn.send_bytes(inert_dumps(outcome))
        except MemoryError:
            conn.send_bytes(inert_dumps(("memory", None)))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
            conn.send_bytes(inert_dumps(("error", GraderError(f"result could not be returned: {exc}"))))


class _InertPickler(pickle.Pickler):
    """Pickles SymPy trees so that unpickling rebuilds them without evaluating anything.

    SymPy objects unpickle by calling their constructors, which evaluate: a result holding the
    unevaluated ``10**(10**10)`` would be computed by the parent, outside every limit. Each
    compound node is instead put back as it was (class, args, assumptions, stored state)
    without running its constructor; atoms (numbers, symbols) and explicit matrices pickle as
    usual, their entries going through this pickler too.
    """

    def reducer_override(self, obj: Any) -> Any:
        basic = _sympy_basic()
        if basic is None or not isinstance(obj, basic) or not obj.args or _is_explicit_matrix(obj):
            return NotImplemented
        return _rebuild_node, (type(obj), obj.args, dict(obj._assumptions), _state(obj))


_BASIC_SLOTS = frozenset({"_mhash", "_args", "_assumptions", "__weakref__", "__dict__"})


def _state(obj: Any) -> dict[str, Any]:
    """What a node's constructor stored beyond its args and assumptions (``IndexedBase``'s
    name and shape, a function's ``nargs``), to be put back as it was."""
    state = dict(getattr(obj, "__dict__", None) or {})
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()):
            if name not in _BASIC_SLOTS and hasattr(obj, name):
                state[name] = getattr(obj, name)
    return state


def _sympy_basic() -> Any:
    import sys

    core = sys.modules.get("sympy.core.basic")
    return getattr(core, "Basic", None)


def _is_explicit_matrix(obj: Any) -> bool:
    import sys

    matrices = sys.modules.get("sympy.matrices")
    return matrices is not None and isinstance(obj, matrices.MatrixBase)


def _rebuild_node(cls: Any, args: tuple[Any, ...], facts: dict[str, Any], state: dict[str, Any]) -> Any:
    """The node exactly as it was: its class around its args, its assumptions and stored state;
    no constructor logic runs, so nothing is evaluated."""
    from sympy.core.assumptions import StdFactKB
    from sympy.core.basic import Basic

    obj = Basic.__new__(cls, *args)
    if facts:
        kb = StdFactKB()
        kb.update(facts)
        obj._assumptions = kb
    for name, value in state.items():
        object.__setattr__(obj, name, value)
    return obj


def inert_dumps(obj: Any) -> bytes:
    """``pickle.dumps`` whose SymPy trees unpickle inert (see ``_InertPickler``)."""
    buf = io.BytesIO()
    _InertPickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


class LimitedWorker:
    """A forked helper process that runs one call at a time under time and memory limits."""

    def __init__(self, memory_mb: int = MEMORY_MB) -> None:
        self.memory_mb = memory_mb
        self._pid: int | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        parent, child = Pipe(duplex=True)
        pid = os.fork()
        if pid == 0:  # the worker
            parent.close()
            code = 0
            try:
                _serve(child, self.memory_mb)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        child.close()
        self._pid, self._conn = pid, parent

    def stop(self) -> None:
        """Kill the worker (a later call starts a new one)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
        if self._conn is not None:
            self._conn.close()
        self._pid, self._conn = None, None

    def call(self, fn: Callable[..., T], *args: Any, seconds: float = CALL_SECONDS, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in the worker; raise BudgetExceeded past the limits.

        ``fn`` and its arguments must pickle (module-level functions, plain data, SymPy objects).
        """
        if _IN_WORKER or os.environ.get("GRADER_SANDBOX") == "0":
            return fn(*args, **kwargs)
        with self._lock:
            if self._pid is None:
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((fn, args, kwargs))
            except (BrokenPipeError, OSError):
                self.stop()
                self._start()
                assert self._conn is not None
                self._conn.send((fn, args, kwargs))
            if not self._conn.poll(seconds):
                self.stop()
                raise BudgetExceeded("time", seconds, getattr(fn, "__name__", ""))
            try:
                status, payload = pickle.loads(self._conn.recv_bytes())
            except (EOFError, OSError):
                self.stop()  # the worker died: the kernel or the allocator killed it
                raise BudgetExceeded("memory", self.memory_mb, getattr(fn, "__name__", "")) from None
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        if status == "memory":
            raise BudgetExceeded("memory", self.memory_mb, getattr(fn, "__name__", ""))
        raise payload


_default: LimitedWorker | None = None


def limited(fn: Callable[..., T], *args: Any, seconds: float = CALL_SECONDS, **kwargs: Any) -> T:
    """Run ``fn`` in this process's shared limited worker (see LimitedWorker.call)."""
    global _default
    if _default is None:
        _default = LimitedWorker()
        atexit.register(_default.stop)
    return _default.call(fn, *args, seconds=seconds, **kwargs)


def in_worker() -> bool:
    """True inside a limited worker (nested limited calls then run inline)."""
    return _IN_WORKER


def reset_after_fork() -> None:
    """Forget the parent's worker in a freshly forked process (batch workers call this)."""
    global _default, _IN_WORKER
    _default = None
    _IN_WORKER = False
