"""Laws every comparison obeys (Hypothesis), run in-process with ``compare_here`` for speed."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.compare import CompareOptions, compare_here
from grader.latex import Expression, SymbolContext, parse_latex_here

CTX = SymbolContext()
OPTS = CompareOptions()
X, Y, Z = (sympy.Symbol(n, real=True) for n in "xyz")

_leaves = st.one_of(
    st.sampled_from([X, Y, Z]),
    st.integers(min_value=-9, max_value=9).map(sympy.Integer),
    st.fractions(min_value=-5, max_value=5, max_denominator=9).map(lambda f: sympy.Rational(f.numerator, f.denominator)),
)


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: t[0] - t[1]),
        st.tuples(children, st.integers(min_value=2, max_value=3)).map(lambda t: t[0] ** t[1]),
        children.map(sympy.exp),
        children.map(sympy.sin),
        children.map(lambda c: 1 / (1 + sympy.exp(-c))),
    )


# sympy.latex prints (log u)^2 as \log{\left(u \right)}^{2}, which we read as log(u^2): a known
# limitation (xfail in tests/latex), so log stays out of the generated expressions.
EXPRS = st.recursive(_leaves, _extend, max_leaves=5)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LATEX_FORMS = st.sampled_from([
    r"q_x - p_x", r"\sigma(x)(1-\sigma(x))", r"\frac{e^{-x}}{(1+e^{-x})^2}", r"38C^2 + 6C", r"W^{[1]}x + b^{[1]}",
    r"\frac{1}{2}\|w\|^2", r"-x_1 + x_2 - 1 = 0", r"\begin{bmatrix} 0.4311 \\ -0.4311 \end{bmatrix}", r"\{1, 3, 4, 6\}",
    r"\begin{cases} w_1 = -1 \\ b = 1 \end{cases}", r"\ln(1+e) - 0.3", r"1.2\times10^{-3}", r"\overline{h_{t+1}}",
    r"\sqrt{w_1^2 + w_2^2}", r"(0.143, 1.633)", r"2w_2 + b \ge 1", r"\lambda^{[1]} = \lambda^{[2]} = \frac12",
])


def _same(expected: str, answer: str) -> bool | None:
    return compare_here(parse_latex_here(answer, CTX), parse_latex_here(expected, CTX), CTX, OPTS).equivalent


@SETTINGS
@given(EXPRS)
def test_an_expression_equals_itself(e: sympy.Expr) -> None:
    latex = sympy.latex(e)
    assert _same(latex, latex) is True


@SETTINGS
@given(LATEX_FORMS)
def test_an_answer_form_equals_itself(latex: str) -> None:
    assert _same(latex, latex) is True


@SETTINGS
@given(EXPRS)
def test_plus_zero_and_times_one_change_nothing(e: sympy.Expr) -> None:
    latex = sympy.latex(e)
    assert _same(latex, f"{latex} + 0") is True
    assert _same(latex, rf"1 \cdot \left({latex}\right)") is True


@SETTINGS
@given(EXPRS)
def test_latex_round_trip_keeps_the_value(e: sympy.Expr) -> None:
    latex = sympy.latex(e)
    back = parse_latex_here(latex, CTX)
    assert isinstance(back, Expression)
    verdict = compare_here(back, Expression(value=e, latex=latex), CTX, OPTS)
    assert verdict.equivalent is True, (latex, back.value, verdict)
