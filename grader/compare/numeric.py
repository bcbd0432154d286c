"""Evaluate expressions at seeded random points that respect domains and constraints.

Symbols get values from their domain (positive, integer, real), indexed families become
vectors (a probability family sums to 1), symbolic matrix dimensions and sum bounds get small
integers, matrix symbols get random matrices, undefined functions get random smooth
functions. Evaluation is in mpmath at 30 digits so cancellation does not fool the check.
The same inputs give the same points on every run and machine (one seeded generator, names
visited in sorted order).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from grader.latex.context import SymbolContext

DIGITS = 30


@dataclass(frozen=True)
class Point:
    """One assignment of values: symbols, matrices, indexed families, functions, dimensions."""

    dims: dict[Any, int]
    values: dict[Any, Any]
    functions: dict[Any, Any]


def collect(*exprs: Any) -> tuple[set[Any], set[Any], set[Any], set[Any]]:
    """Free symbols, matrix symbols, indexed bases and undefined function classes in exprs."""
    symbols: set[Any] = set()
    matrices: set[Any] = set()
    bases: set[Any] = set()
    funcs: set[Any] = set()
    for e in exprs:
        for node in _nodes(e):
            if isinstance(node, sympy.MatrixSymbol):
                matrices.add(node)
            elif isinstance(node, sympy.Indexed):
                bases.add(node.base)
            elif isinstance(node, AppliedUndef):
                funcs.add(node.func)
            elif isinstance(node, sympy.Symbol):
                symbols.add(node)
    return symbols, matrices, bases, funcs


def _nodes(e: Any) -> Any:
    if isinstance(e, sympy.MatrixBase):
        for x in e:
            yield from _nodes(x)
        return
    if isinstance(e, (tuple, list)):
        for x in e:
            yield from _nodes(x)
        return
    if isinstance(e, sympy.Basic):
        yield from sympy.preorder_traversal(e)


def _is_dimension(sym: Any, matrices: set[Any], exprs: tuple[Any, ...]) -> bool:
    """A symbol used as a matrix dimension or as the upper bound of a sum."""
    for m in matrices:
        if sym in m.shape:
            return True
    for e in exprs:
        for node in _nodes(e):
            if isinstance(node, (sympy.Sum, sympy.Product)):
                for lim in node.limits:
                    if sym in getattr(lim[-1], "free_symbols", ()) or (len(lim) > 1 and sym in getattr(lim[1], "free_symbols", ())):
                        return True
    return False


def sample_points(exprs: tuple[Any, ...], ctx: SymbolContext, count: int = 6, seed: int = 20261122) -> list[Point]:
    """``count`` deterministic points for evaluating ``exprs`` together."""
    rng = random.Random(seed)
    symbols, matrices, bases, funcs = collect(*exprs)
    bound_vars: set[Any] = set()
    for e in exprs:
        for node in _nodes(e):
            if isinstance(node, (sympy.Sum, sympy.Product)):
                bound_vars |= {lim[0] for lim in node.limits}
    dim_syms = sorted((s for s in symbols if _is_dimension(s, matrices, exprs)), key=str)
    index_syms: dict[Any, str | None] = {}
    for e in exprs:
        for node in _nodes(e):
            if isinstance(node, sympy.Indexed):
                for idx in node.indices:
                    for s in getattr(idx, "free_symbols", ()):
                        index_syms.setdefault(s, ctx.index_bound(str(node.base.label)))
    index_bounds = {name: b for name, b in ctx.indexed}
    points: list[Point] = []
    for k in range(count):
        dims = {d: rng.choice((3, 4)) if k % 2 == 0 else 3 for d in dim_syms}
        values: dict[Any, Any] = {}
        for m in sorted(matrices, key=str):
            shape = tuple(int(sympy.sympify(x).xreplace(dims)) if not isinstance(x, int) else x for x in m.shape)
            values[m] = sympy.ImmutableMatrix(shape[0], shape[1], [_real(rng) for _ in range(shape[0] * shape[1])])
        for s in sorted(symbols, key=str):
            if s in dims or s in bound_vars:
                continue
            if s in index_syms:
                values[s] = sympy.Integer(rng.randint(1, min(_resolve_bound(index_syms[s], dims, values), 3)))
                continue
            values[s] = _value_for(s, ctx, rng, index_bounds, dims)
        for base in sorted(bases, key=str):
            name = str(base.label)
            bound = index_bounds.get(name)
            n = _resolve_bound(bound, dims, values)
            if name in ctx.probability:
                raw = [rng.uniform(0.2, 1.0) for _ in range(n)]
                total = sum(raw)
                vec = [sympy.Rational(round(x / total * 10**6), 10**6) for x in raw]
                vec[-1] = 1 - sum(vec[:-1])
            elif name in ctx.positive or name in ctx.nonnegative:
                vec = [sympy.Rational(round(rng.uniform(0.31, 2.3) * 10**6), 10**6) for _ in range(n)]
            else:
                vec = [_real(rng) for _ in range(n)]
            values[base] = vec
        functions = {f: _random_function(f, rng) for f in sorted(funcs, key=str)}
        points.append(Point(dims, {k: _floaty(v) for k, v in values.items()}, functions))
    return points


def _floaty(v: Any) -> Any:
    """Values as 30-digit floats, so that ``x^{10^{10}}`` evaluates in a moment, not exactly."""
    if isinstance(v, list):
        return [_floaty(x) for x in v]
    if isinstance(v, sympy.MatrixBase):
        return v.applyfunc(_floaty)
    if isinstance(v, sympy.Rational) and not isinstance(v, sympy.Integer):
        return sympy.Float(v, DIGITS)
    return v


def _resolve_bound(bound: str | None, dims: dict[Any, int], values: dict[Any, Any]) -> int:
    if bound is None:
        return 4
    if bound.isdigit():
        return int(bound)
    for d, v in dims.items():
        if str(d) == bound:
            return v
    for s, v in values.items():
        if str(s) == bound and isinstance(v, sympy.Integer):
            return int(v)
    return 4


def _real(rng: random.Random) -> sympy.Rational:
    """A random real away from 0 and from +-1 (where many wrong answers coincide)."""
    mag = rng.uniform(0.31, 1.93)
    sign = -1 if rng.random() < 0.4 else 1
    return sympy.Rational(round(sign * mag * 10**6), 10**6)


def _value_for(s: Any, ctx: SymbolContext, rng: random.Random, bounds: dict[str, str], dims: dict[Any, int]) -> Any:
    if s.is_integer:
        # an index of a family runs over the family's range
        return sympy.Integer(rng.randint(1, 3))
    if s.is_positive or s.is_nonnegative:
        return sympy.Rational(round(rng.uniform(0.31, 2.3) * 10**6), 10**6)
    return _real(rng)


def _random_function(f: Any, rng: random.Random) -> Any:
    a, b, c, d = (sympy.Rational(round(rng.uniform(0.3, 1.4) * 1000), 1000) for _ in range(4))
    nargs = 1
    try:
        nargs = max(1, min(f.nargs)) if f.nargs and not isinstance(f.nargs, sympy.Naturals0) else 1
    except (TypeError, ValueError):
        nargs = 1

    def fn(*args: Any) -> Any:
        total = sum(args, sympy.Integer(0))
        return a * sympy.sin(b * total) + c * total**2 / 3 + d + sympy.Rational(1, 7) * len(args)

    del nargs
    return fn


@functools.lru_cache(maxsize=512)
def _with_dims(e: Any, dims: tuple[tuple[Any, int], ...]) -> Any:
    """``e`` with concrete dimensions and its sums expanded: the same at every point of a size,
    so it is done once per size, not once per point."""
    if dims:
        e = e.xreplace({k: sympy.Integer(v) for k, v in dims})
    if any(isinstance(n, (sympy.Sum, sympy.Product)) for n in sympy.preorder_traversal(e)):
        if not any(isinstance(n, sympy.Derivative) for n in sympy.preorder_traversal(e)):
            e = e.doit()
    return e


def realise(expr: Any, point: Point, ctx: SymbolContext) -> Any:
    """``expr`` with the point's values put in: a number or a matrix of numbers (exact where it can)."""
    e = expr
    if isinstance(e, sympy.MatrixBase):
        return sympy.ImmutableMatrix(e.shape[0], e.shape[1], [realise(x, point, ctx) for x in e])
    if not isinstance(e, sympy.Basic):
        return e
    guard_size(e)
    if isinstance(e, sympy.MatrixExpr) and not e.has(sympy.Sum, sympy.Product, sympy.Derivative, AppliedUndef):
        return _matrix_value(e, point, ctx)
    # Matrix symbols first: their keys carry symbolic shapes that the dimensions would change.
    matrices = {k: v for k, v in point.values.items() if isinstance(k, sympy.MatrixSymbol)}
    if matrices:
        e = e.xreplace(matrices)
    if point.dims:
        e = _with_dims(e, tuple(sorted(point.dims.items(), key=lambda kv: str(kv[0]))))
    elif any(isinstance(n, (sympy.Sum, sympy.Product)) for n in sympy.preorder_traversal(e)):
        e = _with_dims(e, ())
    if point.functions:
        for f, fn in point.functions.items():
            e = e.replace(lambda node, f=f: isinstance(node, AppliedUndef) and node.func == f, lambda node, fn=fn: fn(*node.args))
    if any(isinstance(n, sympy.Derivative) for n in sympy.preorder_traversal(e)):
        e = e.doit()
    if any(isinstance(n, (sympy.Sum, sympy.Product)) for n in sympy.preorder_traversal(e)):
        e = e.doit()
    indexed = {n for n in sympy.preorder_traversal(e) if isinstance(n, sympy.Indexed)}
    plain = {k: v for k, v in point.values.items() if not isinstance(v, list)}
    repl: dict[Any, Any] = {}
    for node in indexed:
        vec = point.values.get(node.base)
        if vec is None:
            continue
        idx = node.indices[0].xreplace(plain) if isinstance(node.indices[0], sympy.Basic) else node.indices[0]
        if not idx.is_Integer or not 1 <= int(idx) <= len(vec):
            raise ValueError("index out of range")
        repl[node] = vec[int(idx) - 1]
    e = e.xreplace(repl)
    e = e.xreplace(plain)
    if isinstance(e, sympy.MatrixExpr) or hasattr(e, "as_explicit"):
        try:
            e = e.as_explicit()
        except (ValueError, AttributeError, TypeError):
            e = e.doit()
    if isinstance(e, sympy.MatrixBase):
        return sympy.ImmutableMatrix(e)
    return e


def _matrix_value(e: Any, point: Point, ctx: SymbolContext) -> Any:
    """A matrix expression (products, sums, transposes, inverses, powers of declared matrices and
    scalars) evaluated node by node on explicit matrices: SymPy's own ``as_explicit`` on a
    ``MatMul`` of float matrices spends seconds in assumptions and expansion."""
    if isinstance(e, sympy.MatrixSymbol):
        return point.values[e]
    if isinstance(e, sympy.MatrixBase):
        return sympy.ImmutableMatrix(e.shape[0], e.shape[1], [realise(x, point, ctx) for x in e])
    if isinstance(e, sympy.Transpose):
        return _matrix_value(e.arg, point, ctx).T
    if isinstance(e, sympy.Inverse):
        return _matrix_value(e.arg, point, ctx).inv()
    if isinstance(e, sympy.MatPow):
        return _matrix_value(e.base, point, ctx) ** int(e.exp)
    if isinstance(e, (sympy.MatMul, sympy.MatAdd)):
        values = [_matrix_value(a, point, ctx) if isinstance(a, sympy.MatrixExpr) else realise(a, point, ctx) for a in e.args]
        out = values[0]
        for v in values[1:]:
            out = out * v if isinstance(e, sympy.MatMul) else out + v
        return sympy.ImmutableMatrix(out) if isinstance(out, sympy.MatrixBase) else out
    raise ValueError(f"cannot evaluate the matrix expression {type(e).__name__}")


#: Largest exponent (in bits of the result) and factorial argument evaluated exactly.
MAX_BITS = 100_000


def guard_size(e: Any) -> None:
    """Refuse numbers too large to evaluate (``2^{2^{2^{30}}}``, ``10000!``) before trying."""
    if not isinstance(e, sympy.Basic):
        return
    for node in sympy.preorder_traversal(e):
        if isinstance(node, sympy.Pow) and node.base.is_number and node.exp.is_number:
            _check_pow(node.base, node.exp)
        elif isinstance(node, sympy.factorial) and node.args[0].is_number:
            arg = node.args[0]
            if isinstance(arg, sympy.Pow):
                _check_pow(arg.base, arg.exp)
            if arg.is_Integer and int(arg) > 5000:
                raise ValueError("number too large to evaluate")


def _check_pow(base: Any, exp: Any) -> None:
    if isinstance(exp, sympy.Pow) and exp.base.is_number and exp.exp.is_number:
        _check_pow(exp.base, exp.exp)
        try:
            if float(abs(exp.exp)) * float(sympy.log(abs(exp.base) + 2, 2)) > 60:
                raise ValueError("number too large to evaluate")
        except (TypeError, OverflowError):
            raise ValueError("number too large to evaluate") from None
    if exp.is_Integer and abs(int(exp)) > 1 and base.is_Integer and abs(int(base)) > 1:
        if abs(int(exp)) * int(abs(int(base))).bit_length() > MAX_BITS:
            raise ValueError("number too large to evaluate")


def to_number(e: Any) -> Any:
    """A SymPy number (mpmath-backed, 30 digits) or raise ValueError if it is not one."""
    if isinstance(e, sympy.MatrixBase):
        return sympy.ImmutableMatrix(e.shape[0], e.shape[1], [to_number(x) for x in e])
    if isinstance(e, (sympy.Rational, sympy.Integer)):
        return e
    guard_size(e)
    if isinstance(e, sympy.Basic) and not e.free_symbols and not e.atoms(sympy.Float):
        exact = e.doit() if e.is_number else e
        if isinstance(exact, sympy.Rational):
            return exact
    v = sympy.N(e, DIGITS)
    if v.free_symbols or v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ValueError("not a finite number")
    if not v.is_number:
        raise ValueError("not a number")
    return v


def close(a: Any, b: Any, rel: float, abs_: float = 0.0) -> bool:
    """|a - b| <= max(abs_, rel * max(|a|, |b|, tiny)) for numbers or matrices of the same shape."""
    if isinstance(a, sympy.MatrixBase) or isinstance(b, sympy.MatrixBase):
        if not (isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase)) or a.shape != b.shape:
            return False
        return all(close(x, y, rel, abs_) for x, y in zip(a, b, strict=True))
    diff = sympy.N(sympy.Abs(a - b), DIGITS)
    scale = max(sympy.N(sympy.Abs(a), DIGITS), sympy.N(sympy.Abs(b), DIGITS))
    if not (diff.is_number and scale.is_number) or diff.has(sympy.nan, sympy.zoo, sympy.oo):
        return False
    return bool(diff <= max(sympy.Float(abs_), rel * scale, sympy.Float(1e-25)))
