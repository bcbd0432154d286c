"""No code runs from text: ``eval``/``exec``/``compile``/``sympify``/``parse_expr``/``S`` of a string
nowhere in ``grader/`` except the audited calls listed here (checked with ``ast``, not grep)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GRADER = Path(__file__).resolve().parent.parent / "grader"
DANGEROUS = frozenset({"eval", "exec", "compile", "parse_expr", "sympify", "S"})
#: Modules whose ``compile`` is harmless (regular expressions).
SAFE_OWNERS = frozenset({"re", "regex"})

#: (path relative to grader/, source of the call) -> why it is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("latex/parse.py", "sympy.sympify(raw)"): "raw is a Python bool/int the base parser returned (checked by isinstance just above), never text",
    ("compare/numeric.py", "sympy.sympify(x)"): "x is a dimension taken from MatrixSymbol.shape (a SymPy Integer or Symbol), never text",
}


def _name(func: ast.expr) -> tuple[str | None, str | None]:
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        return func.attr, owner
    return None, None


def _obviously_not_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, complex, bool)) or node.value is None
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return _obviously_not_text(node.operand)
    return False


def dangerous_calls(root: Path = GRADER) -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name, owner = _name(node.func)
            if name not in DANGEROUS or (name == "compile" and owner in SAFE_OWNERS):
                continue
            if node.args and _obviously_not_text(node.args[0]):
                continue
            snippet = ast.get_source_segment(source, node) or name
            found.append((path.relative_to(root).as_posix(), node.lineno, snippet))
    return found


def test_no_eval_of_text_outside_the_audited_calls() -> None:
    unexpected = [(p, line, s) for p, line, s in dangerous_calls() if (p, s) not in ALLOWED]
    assert not unexpected, "calls that may run text as code:\n" + "\n".join(f"grader/{p}:{line}: {s}" for p, line, s in unexpected)


def test_allow_list_has_no_stale_entries() -> None:
    present = {(p, s) for p, _, s in dangerous_calls()}
    assert set(ALLOWED) <= present, set(ALLOWED) - present


def test_the_checker_catches_eval(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import sympy\nx = eval(text)\ny = sympy.sympify(s)\nz = sympy.S(1)\nimport re\nr = re.compile('a')\n", encoding="utf-8")
    assert [(line, s) for _, line, s in dangerous_calls(tmp_path)] == [(2, "eval(text)"), (3, "sympy.sympify(s)")]


#: Answers whose numbers take every path into the base parser: plain, grouped, decimal, exponent,
#: percentage, decimal comma, interval, hostile lengths and code in names.
HANDED: tuple[str, ...] = (
    "12", "1,000", "7{,}425", "0,111", "[0,1] \\cup [2,3]", "0.5x", ".5", "1.5e3", "2.5 \\times 10^{-3}", "5\\%",
    "1.01 326", "\\frac{1}{3} + 0.25", "\\gcd(12, 18)", "10 \\bmod 3", "\\binom{5}{2}", "3!", "1e5x", "2e^{x}",
    "__import__('os').system('true')", "\\text{eval(1)}", "9" * 900, "0." + "3" * 900, "(1, 2, 3)", "x_{12} + w11",
)


def test_the_base_parser_hands_sympify_only_digit_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    """latex2sympy2_extended makes each number token a SymPy number with ``sympy.Number(text)``,
    which runs ``sympify`` on it: what reaches that call from our parser must be digits."""
    import latex2sympy2_extended.latex2sympy2 as base
    import sympy.core.numbers as numbers

    from grader.errors import LatexError
    from grader.latex import parse_latex_here

    handed: list[str] = []
    real_sympify = numbers.sympify

    def recording(arg: object, *args: object, **kwargs: object) -> object:
        if isinstance(arg, str):
            handed.append(arg)
        return real_sympify(arg, *args, **kwargs)

    def never(arg: object, *args: object, **kwargs: object) -> object:
        raise AssertionError(f"parse_expr called with {arg!r}")

    monkeypatch.setattr(numbers, "sympify", recording)
    monkeypatch.setattr(base, "parse_expr", never)
    for text in HANDED:
        try:
            parse_latex_here(text)
        except LatexError:
            pass
    assert handed, "the recorder saw nothing: the base parser's number path moved"
    assert all(s.replace(",", "").isdigit() for s in handed), sorted({s for s in handed if not s.replace(",", "").isdigit()})
