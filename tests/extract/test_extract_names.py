"""Target names matched by what they name: a table of spellings that agree and pairs that must not."""

from __future__ import annotations

import pytest

from grader.extract import PartQuery, locate, parse_document
from grader.extract.names import read_name, same_name

SAME = (
    ("accent-braces", r"\hat y", r"\hat{y}"),
    ("accent-script", r"\hat {y_k}", r"\hat{y}_k"),
    ("text-wrapper", r"\text{CE}", "CE"),
    ("mathrm-wrapper", r"\mathrm{softmax}", "softmax"),
    ("bold-vector", r"\mathbf{w}", "w"),
    ("arrow-vector", r"\vec{w}", "w"),
    ("call-names-function", r"J(o, v_c, U)", "J"),
    ("call-with-script", r"PP^{(t)}(y^{(t)},\hat{y}^{(t)})", "PP^{(t)}"),
    ("call-with-hat-argument", r"L(\hat w, b)", "L"),
    ("braced-denominator", r"\frac{\partial J}{\partial{v_c}}", r"\frac{\partial J}{\partial v_c}"),
    ("call-in-numerator", r"\frac{ \partial{CE(y, \hat{y})}}{ \partial{v_c}}", r"\frac{\partial CE}{\partial v_c}"),
    ("text-call-in-numerator", r"\frac{\partial \text{CE}(y,\hat y)}{\partial \theta}", r"\frac{\partial CE}{\partial \theta}"),
    ("d-and-partial", r"\dfrac{dl}{d\gamma}", r"\frac{\partial l}{\partial \gamma}"),
    ("slash-form", r"\partial J/\partial b_2", r"\frac{\partial J}{\partial b_2}"),
    ("operator-form", r"\frac{\partial}{\partial w} L(w, b)", r"\frac{\partial L}{\partial w}"),
    ("nabla-form", r"\nabla_W L", r"\frac{\partial L}{\partial W}"),
    ("same-call", r"\frac{\partial \sigma(x)}{\partial x}", r"\frac{\partial\sigma(x)}{\partial x}"),
    ("dfrac-spacing", r"\dfrac{\partial\,E}{\partial z_{x}}", r"\frac{\partial E}{\partial z_x}"),
    ("script-with-minus", r"h_{t-1}", r"h_{t - 1}"),
    ("left-right", r"\left(J\right)", "J"),
)

DIFFERENT = (
    ("case", "w", "W"),
    ("other-argument", r"\sigma(x)", r"\sigma(z)"),
    ("other-denominator", r"\frac{\partial J}{\partial v_c}", r"\frac{\partial J}{\partial U}"),
    ("other-index", r"\frac{\partial E}{\partial z_x}", r"\frac{\partial E}{\partial z_y}"),
    ("expression-is-no-name", r"\hat y - y", r"\hat y"),
    ("statement-is-no-name", "x = 1", "x"),
    ("product-after-fraction", r"\frac{\partial J}{\partial \theta} \frac{\partial \theta}{\partial v_c}", r"\frac{\partial J}{\partial v_c}"),
    ("second-derivative", r"\frac{\partial^2 L}{\partial w^2}", r"\frac{\partial L}{\partial w}"),
    ("subscripted-head", r"J_{neg}(v_c)", "J"),
    ("derivative-vs-atom", r"\frac{\partial J}{\partial v_c}", "J"),
)


@pytest.mark.parametrize("a,b", [c[1:] for c in SAME], ids=[c[0] for c in SAME])
def test_same_name(a: str, b: str) -> None:
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize("a,b", [c[1:] for c in DIFFERENT], ids=[c[0] for c in DIFFERENT])
def test_different_name(a: str, b: str) -> None:
    assert not same_name(a, b) and not same_name(b, a)


@pytest.mark.parametrize("text", ["", "x" * 500, "{" * 300, r"\frac{\partial", "(((((", r"\frac{}{}"], ids=["empty", "long", "braces", "open-frac", "parens", "empty-frac"])
def test_not_names_never_raise(text: str) -> None:
    assert read_name(text) is None or read_name(text) == read_name(text)


# the locator finds answers under each spelling of its target's name
DOC = r"""## 1 Word vectors

$$\frac{ \partial{CE(y, \hat{y})}}{ \partial{v_c}} = (\hat y - y) U^T$$

$$\frac{\partial J(o,v_c,U)}{\partial{u_o}} = (\sigma(u_o^T v_c) - 1) v_c$$

$$\text{CE}(y, \hat y) = -\log \hat y_o$$

$$\dfrac{dl}{d\gamma} = \sum_i x_i$$
"""


@pytest.mark.parametrize("target,answer", [
    (r"\frac{\partial CE}{\partial v_c}", r"(\hat y - y) U^T"),
    (r"\frac{\partial J}{\partial u_o}", r"(\sigma(u_o^T v_c) - 1) v_c"),
    ("CE", r"-\log \hat y_o"),
    (r"\frac{\partial l}{\partial \gamma}", r"\sum_i x_i"),
], ids=["call-numerator", "call-and-braces", "text-call", "d-for-partial"])
def test_locate_by_name(target: str, answer: str) -> None:
    found = locate(parse_document(DOC, kind="md"), PartQuery("p", ("1",), (target,)))
    assert found and found[0].latex == answer
