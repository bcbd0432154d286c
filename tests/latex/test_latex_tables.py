"""LaTeX in, SymPy out: one table per item of the LaTeX layer (expected values built with SymPy
constructors, never from strings)."""

from __future__ import annotations

from typing import Any

import pytest
import sympy
from latex_view import view
from sympy import Derivative, Function, IndexedBase, Integer, MatrixSymbol, Rational, exp, log, sqrt

from grader.errors import LatexError
from grader.latex import SymbolContext, parse_assumption, parse_given, parse_latex_here


def S(name: str, **kw: bool) -> sympy.Symbol:
    return sympy.Symbol(name, real=True, **kw)


def ctx(*assume: str, given: tuple[str, ...] = ()) -> SymbolContext:
    c = SymbolContext()
    for a in assume:
        c = parse_assumption(a, c)
    for g in given:
        c = parse_given(g, c)
    return c


x, y, z, w, a, b, h, C = (S(n) for n in ("x", "y", "z", "w", "a", "b", "h", "C"))
n_dim = sympy.Symbol("n", integer=True, positive=True)


def value(latex: str, context: SymbolContext | None = None) -> Any:
    return view(parse_latex_here(latex, context))[1]


def same(got: Any, want: Any) -> bool:
    if isinstance(want, sympy.MatrixBase):
        return isinstance(got, sympy.MatrixBase) and got.shape == want.shape and all(sympy.simplify(g - v) == 0 for g, v in zip(got, want, strict=True))
    return got == want or sympy.simplify(got - want) == 0


def _ids(table: tuple[tuple[Any, ...], ...]) -> list[str]:
    return [str(row[0]) for row in table]


# -- 1. math out of its surroundings ---------------------------------------------------------------
SURROUNDINGS = (
    ("dollars", r"$x+1$", x + 1),
    ("double-dollars", r"$$x+1$$", x + 1),
    ("display-brackets", r"\[x+1\]", x + 1),
    ("paren-delims", r"\(x+1\)", x + 1),
    ("equation-env", r"\begin{equation}x+1\end{equation}", x + 1),
    ("equation-star", r"\begin{equation*}x+1\end{equation*}", x + 1),
    ("tag", r"x+1 \tag{3}", x + 1),
    ("quad-number", r"x+1 \quad (3)", x + 1),
    ("dots-number", r"x+1 ......(1)", x + 1),
    ("boxed", r"\boxed{x+1}", x + 1),
    ("boxed-in-dollars", r"$\boxed{\frac{1}{2}}$", Rational(1, 2)),
    ("left-right", r"\left(x+1\right)^2", (x + 1) ** 2),
    ("big-parens", r"\big(x+1\big)\Big(x-1\Big)", (x + 1) * (x - 1)),
    ("thin-spaces", r"x\,+\;1\!", x + 1),
    ("text-prose-dropped", r"x+1 \text{ (final answer)}", x + 1),
    ("trailing-period", r"x+1.", x + 1),
    ("trailing-comma", r"x+1,", x + 1),
    ("mathrm-name", r"\mathrm{loss} + 1", S("loss") + 1),
    ("operatorname-softmax", r"\operatorname{softmax}(z)", Function("softmax")(z)),
    ("text-softmax", r"\text{softmax}(z)", Function("softmax")(z)),
    ("displaystyle", r"\displaystyle \frac{x}{2}", x / 2),
    ("dfrac", r"\dfrac{x}{2}", x / 2),
    ("frac-short", r"\frac12 x", x / 2),
    ("unicode-minus", "x \u2212 1", x - 1),
    ("unicode-sigma", "\u03c3(x)", Function("sigma")(x)),
    # fixes from the math-verify and base-parser reviews (bench/compare_notes.md)
    ("sqrt-short", r"\sqrt3", sympy.sqrt(3)),
    ("sqrt-short-spaced", r"\sqrt 2+\sqrt 5", sympy.sqrt(2) + sympy.sqrt(5)),
    ("space-thousands", r"1 000", Integer(1000)),
    ("space-thousands-decimal", r"7 425 000.5", Rational(14850001, 2)),
    ("comma-thousands", r"7,425,000", Integer(7425000)),
    ("percent-escaped", r"0.5\%", Rational(1, 200)),
    ("percent-spaced", r"28 \%", Rational(28, 100)),
    ("mleft-mright", r"\mleft(x+1\mright)^2", (x + 1) ** 2),
    ("sup-before-sub", r"x^2_{i}", S("x_i") ** 2),
    ("sup-before-sub-braced", r"x^{2}_{23}", S("x_{23}") ** 2),
    ("abs-product", r"|x||y|", sympy.Abs(x) * sympy.Abs(y)),
    ("choose", r"{16 \choose 2}", Integer(120)),
    ("choose-symbols", r"{x \choose y}", sympy.binomial(x, y)),
    ("limit", r"\lim_{x \to 3} a", sympy.Limit(a, x, 3)),
    ("integral-dx", r"\int_a^b x dx", sympy.Integral(x, (x, a, b))),
    ("integral-sup-first", r"\int^b_a x dx", sympy.Integral(x, (x, a, b))),
    ("d-dx-bracket", r"\frac{d}{dx} [ x^2 ]", sympy.Derivative(x**2, x)),
    ("d-dx-term", r"\frac{d}{dx} x^3 + 1", sympy.Derivative(x**3, x) + 1),
    ("gcd-decimals", r"\gcd(2.4, 3.6)", Rational(6, 5)),
    ("lcm-scientific", r"\operatorname{lcm}(1E20, 1000000)", Integer(10**20)),
    ("arcsinh", r"\operatorname{arcsinh}(a)", sympy.asinh(a)),
)


@pytest.mark.parametrize(("id", "latex", "want"), SURROUNDINGS, ids=_ids(SURROUNDINGS))
def test_surroundings(id: str, latex: str, want: Any) -> None:
    assert same(value(latex), want)


# -- 2. primes and derivatives ----------------------------------------------------------------------
sigma = Function("sigma")
f = Function("f")
DERIVATIVES = (
    ("sigma-prime", r"\sigma'(x)", Function("sigma'")(x)),
    ("f-double-prime", r"f''(x)", Function("f''")(x)),
    ("f-prime-command", r"f^{\prime}(x)", Function("f'")(x)),
    ("partial-frac", r"\frac{\partial E}{\partial W}", S("dE/dW")),
    ("partial-frac-sub", r"\frac{\partial E}{\partial z_x}", S("dE/dz_x")),
    ("d-frac", r"\frac{dy}{dx}", S("dy/dx")),
    ("nabla", r"\nabla_W L", S("dL/dW")),
    ("nabla-same-as-partial", r"\nabla_W L - \frac{\partial L}{\partial W}", Integer(0)),
    ("d-operator", r"\frac{d}{dx}\left(x^2\right)", Derivative(x**2, x)),
    ("overline-sub-inside", r"\overline{h_t}", S("bar{h_t}")),
    ("overline-sub-outside", r"\overline{h}_t", S("bar{h_t}")),
    ("bar", r"\bar h", S("bar{h}")),
    ("hat", r"\hat y", S("hat{y}")),
    ("widehat", r"\widehat{y}", S("hat{y}")),
    ("tilde", r"\tilde{x}", S("tilde{x}")),
)


@pytest.mark.parametrize(("id", "latex", "want"), DERIVATIVES, ids=_ids(DERIVATIVES))
def test_derivatives_and_accents(id: str, latex: str, want: Any) -> None:
    assert same(value(latex), want)


DISTINCT = (
    ("prime-vs-value", r"f'(x)", r"f(x)"),
    ("double-vs-single-prime", r"f''(x)", r"f'(x)"),
    ("sigma-prime-vs-sigma", r"\sigma'(z)", r"\sigma(z)"),
    ("bar-vs-plain", r"\bar h", r"h"),
    ("hat-vs-plain", r"\hat y", r"y"),
    ("bar-vs-hat", r"\bar y", r"\hat y"),
    ("overline-vs-plain", r"\overline{h_t}", r"h_t"),
    ("partial-vs-ratio", r"\frac{\partial E}{\partial W}", r"\frac{E}{W}"),
    ("layer-vs-power", r"W^{[2]}", r"W^2"),
    ("sample-vs-power", r"x^{(2)}", r"x^2"),
)


@pytest.mark.parametrize(("id", "left", "right"), DISTINCT, ids=_ids(DISTINCT))
def test_distinct_symbols(id: str, left: str, right: str) -> None:
    assert value(left) != value(right)


# -- 3. names ------------------------------------------------------------------------------------
NAMES = (
    ("subscript", r"z_x", S("z_x")),
    ("subscript-braced", r"z_{x}", S("z_x")),
    ("subscript-expr", r"h_{t+1}", S("h_{t+1}")),
    ("subscript-digits-glued", r"w11", S("w_{11}")),
    ("layer", r"W^{[1]}", S("W^{[1]}")),
    ("sample", r"x^{(i)}", S("x^{(i)}")),
    ("layer-and-sub", r"z_j^{[i]}", S("z_j^{[i]}")),
    ("mathbf-sub", r"\mathbf{W}_h", S("W_h")),
    ("boldsymbol", r"\boldsymbol{x}", x),
    ("vec", r"\vec{x}", x),
    ("greek", r"\alpha + \beta", S("alpha") + S("beta")),
    ("greek-variant", r"\varepsilon", S("epsilon")),
    ("greek-sub", r"\lambda^{[1]}", S("lambda^{[1]}")),
    ("norm-squared", r"\|w\|^2", S("||w||") ** 2),
    ("norm-bars", r"||w||^2", S("||w||") ** 2),
    ("norm-lVert", r"\lVert w \rVert", S("||w||")),
    ("scalar-transpose", r"w^T", w),
    ("log-natural", r"\log x", log(x)),
    ("ln", r"\ln x", log(x)),
    ("log-base-2", r"\log_2 x", log(x) / log(2)),
    ("exp", r"\exp(x)", exp(x)),
    ("e-euler", r"e^{x}", exp(x)),
    ("e-alone", r"e", sympy.E),
    ("sqrt", r"\sqrt{x}", sqrt(x)),
    ("sigmoid-word", r"\operatorname{sigmoid}(x)", 1 / (1 + exp(-x))),
    ("relu-word", r"\operatorname{ReLU}(x)", sympy.Max(0, x)),
    ("tanh", r"\tanh(x)", sympy.tanh(x)),
)


@pytest.mark.parametrize(("id", "latex", "want"), NAMES, ids=_ids(NAMES))
def test_names(id: str, latex: str, want: Any) -> None:
    assert same(value(latex), want)


def test_log_base_10_configurable() -> None:
    assert same(value(r"\log x", ctx("log: base 10")), log(x) / log(10))


def test_e_as_symbol() -> None:
    assert value(r"e^{x}", ctx("e: symbol")) == S("e") ** x


TRANSPOSES = (r"W^T", r"W^\top", r"W^{\top}", r"W^{T}", r"W^\intercal", r"W^{\mathsf{T}}")


@pytest.mark.parametrize("latex", TRANSPOSES)
def test_transpose_of_a_declared_matrix(latex: str) -> None:
    assert value(latex, ctx("W: matrix n x n")) == MatrixSymbol("W", n_dim, n_dim).T


def test_transpose_of_a_group() -> None:
    c = ctx("W: matrix n x n", "x: vector n")
    W, X = MatrixSymbol("W", n_dim, n_dim), MatrixSymbol("x", n_dim, 1)
    assert sympy.simplify(value(r"(x^T W)^T", c) - W.T * X) == sympy.ZeroMatrix(n_dim, 1)


def test_transpose_of_a_matrix_literal() -> None:
    assert value(r"\begin{bmatrix} 1 & 2 \end{bmatrix}^T") == sympy.ImmutableMatrix([[1], [2]])


# -- 4. the symbol context ------------------------------------------------------------------------
def test_application_when_functions() -> None:
    g, zf = Function("g"), Function("z")
    assert value(r"g(z(X^i))", ctx("g: function", "z: function")) == g(zf(S("X") ** S("i")))


def test_product_when_not_functions() -> None:
    assert value(r"a(b+1)") == a * (b + 1)


def test_declared_symbol_is_not_applied() -> None:
    assert value(r"f(x)", ctx("f: symbol")) == S("f") * x


def test_matrix_shapes() -> None:
    c = ctx("W: matrix 2 x 3")
    assert value("W", c) == MatrixSymbol("W", 2, 3)
    assert value("W^T", c).shape == (3, 2)


def test_indexed_family() -> None:
    c = ctx("p: probability vector N")
    assert value(r"p_i", c) == IndexedBase("p")[S("i")]


def test_sum_without_bounds_runs_over_the_family() -> None:
    c = ctx("p: probability vector N")
    i, N = S("i"), S("N")
    assert value(r"\sum_i p_i", c) == sympy.Sum(IndexedBase("p")[i], (i, 1, N))


def test_softmax_entry_definition() -> None:
    c = ctx("z: indexed N")
    got = value(r"\operatorname{softmax}(z)_x", c)
    assert got.has(exp(IndexedBase("z")[x])) and got.has(sympy.Sum)


def test_positive_assumption() -> None:
    assert value("x", ctx("x: positive")) == sympy.Symbol("x", real=True, positive=True)


def test_given_definition_parses() -> None:
    c = ctx("z: indexed N", given=(r"q_x=\operatorname{softmax}(z)_x",))
    assert c.definitions == (("q_x", r"\operatorname{softmax}(z)_x"),)


# -- 5. structures --------------------------------------------------------------------------------
STRUCTURES = (
    ("bmatrix", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "matrix", sympy.ImmutableMatrix([[1, 2], [3, 4]])),
    ("pmatrix", r"\begin{pmatrix} x \\ 1 \end{pmatrix}", "matrix", sympy.ImmutableMatrix([[x], [1]])),
    ("matrix-decimals", r"\begin{bmatrix} 0.5 & -0.25 \end{bmatrix}", "matrix", sympy.ImmutableMatrix([[Rational(1, 2), Rational(-1, 4)]])),
    ("matrix-arithmetic", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix} - 0.5\begin{bmatrix} 2 \\ 2 \end{bmatrix}", "matrix", sympy.ImmutableMatrix([[0], [-1]])),
    ("vmatrix-det", r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}", "expr", Integer(-2)),
    ("ascii-le", r"x <= 1", "relation", (x, "<=", Integer(1))),
    ("ascii-ge", r"-x >= -1", "relation", (-x, ">=", Integer(-1))),
    ("ascii-ne", r"x != 3", "relation", (x, "!=", Integer(3))),
)


@pytest.mark.parametrize(("id", "latex", "kind", "want"), STRUCTURES, ids=_ids(STRUCTURES))
def test_structures(id: str, latex: str, kind: str, want: Any) -> None:
    got_kind, got = view(parse_latex_here(latex))
    assert got_kind == kind
    assert same(got, want)


def test_equation() -> None:
    p = parse_latex_here(r"y = 2x + 1")
    assert view(p)[0] == "equation" and view(p)[1] == (y, 2 * x + 1)


def test_chain_kept_as_chain() -> None:
    p = parse_latex_here(r"a = b = c")
    assert view(p)[0] == "chain" and view(p)[1] == (a, b, S("c")) and p.relations == ("=", "=")


def test_aligned_chain() -> None:
    p = parse_latex_here(r"\begin{aligned} E &= x + x \\ &= 2x \end{aligned}")
    assert view(p)[0] == "chain" and view(p)[1][-1] == 2 * x


def test_aligned_rows_with_left_sides_are_a_system() -> None:
    p = parse_latex_here(r"\begin{aligned} w_1 &= -1 \\ b &= 0 \end{aligned}")
    assert view(p)[0] == "system" and [view(r)[1] for r in view(p)[1]] == [(S("w_1"), -1), (b, 0)]


def test_cases_system() -> None:
    p = parse_latex_here(r"\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}")
    assert view(p)[0] == "system"
    assert [view(r)[1] for r in view(p)[1]] == [(S("w_1"), -1), (S("w_2"), 1), (b, -1)]


def test_comma_system() -> None:
    p = parse_latex_here(r"w_1 = -1, b = 2")
    assert view(p)[0] == "system" and [view(r)[1] for r in view(p)[1]] == [(S("w_1"), -1), (b, 2)]


def test_tuple_not_interval() -> None:
    p = parse_latex_here(r"(1, 2)")
    assert view(p)[0] == "tuple" and [view(q)[1] for q in view(p)[1]] == [1, 2]


def test_set() -> None:
    p = parse_latex_here(r"\{1, 3, 4, 6\}")
    assert view(p)[0] == "set" and sorted(view(q)[1] for q in view(p)[1]) == [1, 3, 4, 6]


def test_piecewise() -> None:
    p = parse_latex_here(r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    assert view(p)[0] == "piecewise" and view(p)[1] == sympy.Piecewise((1, x > 0), (0, True))


def test_inequality() -> None:
    p = parse_latex_here(r"2w_2 + b \geq 1")
    assert view(p)[0] == "relation" and view(p)[1] == (2 * S("w_2") + b, ">=", 1)


# -- 6. numbers ----------------------------------------------------------------------------------
NUMBERS = (
    ("decimal-exact", r"0.1", Rational(1, 10), 1),
    ("decimal-digits", r"1.01326", Rational(101326, 100000), 6),
    ("leading-zeros", r"0.0086211", Rational(86211, 10_000_000), 5),
    ("sci-times", r"1.2\times10^{-3}", Rational(12, 10_000), 2),
    ("sci-cdot", r"1.2 \cdot 10^{-3}", Rational(12, 10_000), 2),
    ("sci-e", r"1.2e-3", Rational(12, 10_000), 2),
    ("percent", r"25\%", Rational(1, 4), 2),
    ("thousands-braces", r"7{,}425{,}000", Integer(7_425_000), 7),
    ("leading-dot", r".5", Rational(1, 2), 1),
)


@pytest.mark.parametrize(("id", "latex", "want", "digits"), NUMBERS, ids=_ids(NUMBERS))
def test_numbers(id: str, latex: str, want: Any, digits: int) -> None:
    p = parse_latex_here(latex)
    assert view(p)[1] == want
    assert [d.digits for d in p.decimals] == [digits]


PLAIN_NUMBERS = (
    ("integer", r"42", Integer(42)),
    ("fraction", r"\frac{3}{4}", Rational(3, 4)),
    ("thousands-commas", r"7,425,000", Integer(7_425_000)),
    ("negative", r"-5", Integer(-5)),
    ("mixed-number", r"2\frac{1}{2}", Rational(5, 2)),  # the base parser's reading, kept
    ("product-with-fraction", r"2\frac{x}{2}", x),
)


@pytest.mark.parametrize(("id", "latex", "want"), PLAIN_NUMBERS, ids=_ids(PLAIN_NUMBERS))
def test_plain_numbers(id: str, latex: str, want: Any) -> None:
    assert view(parse_latex_here(latex))[1] == want


# -- 7. parse errors carry the span of the original text --------------------------------------------
ERRORS = (
    ("unbalanced-brace", r"x + \frac{1}{2", "{2"),
    ("stray-prime", r"x + 'y", "'"),
    ("tex-programming", r"x + \def\a{1}", r"\def"),
    ("input-file", r"\input{/etc/passwd}", r"\input"),
    ("binary", "x + \x00", "\x00"),
    ("nabla-without-variable", r"x + \nabla L", r"\nabla"),
    ("stray-partial", r"y + \partial", r"\partial"),
    ("power-tower", r"2^{2^{30}}", "2^{2^"),
)


@pytest.mark.parametrize(("id", "latex", "culprit"), ERRORS, ids=_ids(ERRORS))
def test_errors_point_at_the_culprit(id: str, latex: str, culprit: str) -> None:
    with pytest.raises(LatexError) as info:
        parse_latex_here(latex)
    span = info.value.span
    assert span is not None
    start, end = span
    assert latex[start:end].startswith(culprit[:1]) and start == latex.index(culprit), (span, latex[start:end])


def test_error_span_inside_delimiters() -> None:
    text = r"$$ a + \frac{1}{ $$"
    with pytest.raises(LatexError) as info:
        parse_latex_here(text)
    assert info.value.span is not None and text[info.value.span[0]] == "{"


def test_empty_answer() -> None:
    with pytest.raises(LatexError):
        parse_latex_here("$$  $$")


def test_too_deep() -> None:
    with pytest.raises(LatexError) as info:
        parse_latex_here("(" * 60 + "x" + ")" * 60)
    assert info.value.span == (40, 41)


@pytest.mark.xfail(reason=r"sympy.latex prints (log u)^2 as \log{\left(u \right)}^{2}; we read log(u^2)", strict=True)
def test_squared_log_in_sympy_print_form() -> None:
    assert value(r"\log{\left(x \right)}^{2}") == log(x) ** 2
