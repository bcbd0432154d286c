"""Rewrite cleaned LaTeX so the base parser sees one atom per name, number and application.

latex2sympy2_extended drops primes (``f'(x)`` -> ``f(x)``), reads ``g(z(X))`` as a product,
``w11`` as ``w*11``, ``\\hat y`` as an error and decimals as floats. This scanner walks the
text once, left to right, and replaces each of those constructs with a placeholder
``\\mathrm{vN}`` whose meaning (a ``tokens`` value) is kept in a table; arguments of
applications and derivatives are parsed recursively through a callback. Bare ``{...}``
groups become parentheses (the base grammar's set-or-group ambiguity makes nested bare braces
exponentially slow).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from grader.errors import LatexError
from grader.latex.context import FUNCTION_WORDS, NAME_FUNCTIONS, SymbolContext
from grader.latex.mapped import Builder, Mapped
from grader.latex.tokens import Apply, Diff, Indexed, Name, Number, Token

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi "
    "Sigma Upsilon Phi Psi Omega".split()
)
_GREEK_ALIAS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma"}
_FONTS = frozenset("mathbf boldsymbol bm mathit mathsf mathcal mathbb mathscr mathfrak vec pmb mathbfit bf".split())
_ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
    "widetilde": "tilde", "dot": "dot", "ddot": "ddot", "check": "check", "underline": "under",
}
_TEXTS = frozenset("text mathrm operatorname textrm textit mbox textbf rm".split())
_BASE_OPERATORS = frozenset("gcd lcm floor ceil arg sgn det tr rank arcsinh arccosh arctanh arsinh arcosh artanh".split())
_NUMBER = re.compile(
    r"(?P<int>\d+(?:\{,\}\d{3})*)(?:\.(?P<frac>\d+))?"
    r"(?:\s*(?:\\times|\\cdot)\s*10\s*\^\s*(?:\{\s*(?P<exp1>[+-]?\s*\d+)\s*\}|(?P<exp2>\d))|[eE](?P<exp3>[+-]?\d+)(?![\w{]))?"
    r"(?P<pct>\s*\\?%)?"
)
_LEADING_DOT = re.compile(r"\.(?P<frac>\d+)")
_LABEL = re.compile(r"^\s*(\(.*\)|\[.*\]|<.*>|\\langle.*\\rangle)\s*$")
_TRANSPOSE = re.compile(r"^\s*T\s*$")
_PRIMES = re.compile(r"^\s*((?:\\prime\s*)+)$")
_DERIV_HEAD = re.compile(r"^\s*(\\partial(?![A-Za-z])|d)\s*(?:\^\s*\{?\s*(\d)\s*\}?)?\s*(.*)$", re.S)

Subparse = Callable[[Mapped], Any]


class _Scanner:
    def __init__(self, src: Mapped, ctx: SymbolContext, subparse: Subparse, table: dict[str, Token], counter: list[int]) -> None:
        self.src = src
        self.s = src.text
        self.ctx = ctx
        self.subparse = subparse
        self.out = Builder()
        self.table = table
        self.counter = counter
        self.by_canonical: dict[str, str] = {}
        self.brace_stack: list[str] = []
        self.prev = ""  # last significant emitted character or "cmd"
        # gcd, lcm and mod evaluate as the base parser reads them: numbers go in as exact literals
        self.literal_numbers = bool(re.search(r"gcd|lcm|mod(?![a-zA-Z])", self.s))

    # -- helpers -------------------------------------------------------------------------
    def error(self, message: str, start: int, end: int | None = None) -> LatexError:
        span = self.src.source_span(start, end if end is not None else start + 1)
        return LatexError(message, span=span)

    def group(self, i: int) -> tuple[int, int]:
        """Given ``s[i] == '{'``, the span of its content (start, end) where s[end] == '}'."""
        depth = 0
        for j in range(i, len(self.s)):
            c = self.s[j]
            if c == "\\":
                continue
            if c == "{" and (j == 0 or self.s[j - 1] != "\\"):
                depth += 1
            elif c == "}" and (j == 0 or self.s[j - 1] != "\\"):
                depth -= 1
                if depth == 0:
                    return i + 1, j
        raise self.error("unbalanced braces", i)

    def paren(self, i: int) -> tuple[int, int]:
        """Given ``s[i] == '('``, the span of its content."""
        return self._closing(i, ")", "unbalanced parentheses")

    def bracket(self, i: int) -> tuple[int, int]:
        """Given ``s[i] == '['``, the span of its content."""
        return self._closing(i, "]", "unbalanced brackets")

    def _closing(self, i: int, close: str, message: str) -> tuple[int, int]:
        depth = 0
        for j in range(i, len(self.s)):
            c = self.s[j]
            if c in "({[":
                depth += 1
            elif c in ")}]":
                depth -= 1
                if depth == 0:
                    if c != close:
                        break
                    return i + 1, j
        raise self.error(message, i)

    def skip_ws(self, i: int) -> int:
        while i < len(self.s) and self.s[i].isspace():
            i += 1
        return i

    def fills(self, j: int, end: int) -> bool:
        """True when only white space lies between j and end (a name filled its slot)."""
        return j <= end and not self.s[j:end].strip()

    def command_at(self, i: int) -> str | None:
        m = re.match(r"\\([A-Za-z]+)", self.s[i:i + 40])
        return m.group(1) if m else None

    def emit(self, text: str, at: int) -> None:
        self.out.add(text, self.src.origin[min(at, len(self.src.origin) - 1)] if self.src.origin else 0)
        stripped = text.strip()
        if stripped:
            self.prev = "cmd" if re.search(r"\\[A-Za-z]+$", stripped) else stripped[-1]

    def copy(self, i: int, j: int) -> None:
        self.out.add(self.s[i:j], self.src.origin[i:j])
        stripped = self.s[i:j].strip()
        if stripped:
            self.prev = "cmd" if re.search(r"\\[A-Za-z]+$", stripped) else stripped[-1]

    def placeholder(self, token: Token, at: int, key: str | None = None) -> str:
        if key is not None and key in self.by_canonical:
            ph = self.by_canonical[key]
        else:
            self.counter[0] += 1
            ph = f"v{self.counter[0]}"
            self.table[ph] = token
            if key is not None:
                self.by_canonical[key] = ph
        self.emit(f" \\mathrm{{{ph}}} ", at)
        return ph

    def sub(self, i: int, j: int) -> Any:
        return self.subparse(self.src.slice(i, j))

    # -- names -----------------------------------------------------------------------------
    def read_base(self, i: int) -> tuple[str, int] | None:
        """A base name at i (letter, Greek command, font-wrapped name); returns (text, end)."""
        if i >= len(self.s):
            return None
        c = self.s[i]
        if c.isalpha() and c.isascii():
            return c, i + 1
        cmd = self.command_at(i)
        if cmd is None:
            return None
        end = i + 1 + len(cmd)
        if cmd in GREEK:
            return _GREEK_ALIAS.get(cmd, cmd), end
        if cmd in _FONTS or cmd in _ACCENTS:
            k = self.skip_ws(end)
            if k < len(self.s) and self.s[k] == "{":
                a, b = self.group(k)
                inner = self.read_name(a, allow_words=True)
                if inner is None or self.skip_ws(inner[1]) != b:
                    return None
                name = inner[0]
                text = name.canonical if cmd in _FONTS else f"{_ACCENTS[cmd]}{{{name.canonical}}}"
                return text, b + 1
            bare = self.read_base(k)
            if bare is None:
                return None
            text = bare[0] if cmd in _FONTS else f"{_ACCENTS[cmd]}{{{bare[0]}}}"
            return text, bare[1]
        return None

    def read_word(self, i: int) -> tuple[str, int] | None:
        """A multi-letter word at i that the context or the catalogue knows as one name."""
        m = re.match(r"[A-Za-z]+", self.s[i:i + 40])
        if not m:
            return None
        word = m.group(0)
        for cand in sorted(self.ctx.words | NAME_FUNCTIONS, key=len, reverse=True):
            if word.startswith(cand) and len(cand) > 1:
                end = i + len(cand)
                if end >= len(self.s) or not self.s[end].isalpha():
                    return cand, end
        return None

    def read_name(self, i: int, allow_words: bool = True) -> tuple[Name, int] | None:
        word = self.read_word(i) if allow_words else None
        base = word or self.read_base(i)
        if base is None:
            return None
        text, j = base
        subscript: str | None = None
        label = ""
        primes = 0
        transpose = False
        # letter immediately followed by digits: w11 -> w_{11}
        if len(text) == 1 and text.isalpha() and j < len(self.s) and self.s[j] in "0123456789" and not (text == "e" and not self.ctx.e_is_symbol):
            m = re.match(r"[0-9]+", self.s[j:])  # ASCII only: "x²" must not reach here
            assert m
            subscript, j = m.group(0), j + len(m.group(0))
        while j < len(self.s):
            k = self.skip_ws(j)
            if k >= len(self.s):
                break
            c = self.s[k]
            if c == "_" and subscript is None:
                a, b, nxt = self.script(k + 1)
                subscript = _canon_sub(self.s[a:b])
                j = nxt
            elif c == "'":
                primes += 1
                j = k + 1
            elif c == "^":
                a, b, nxt = self.script(k + 1)
                inner = self.s[a:b]
                if _LABEL.match(inner) and not label:
                    label = "^{" + re.sub(r"\s+", "", inner) + "}"
                elif _TRANSPOSE.match(inner) and not transpose:
                    transpose = True
                elif _PRIMES.match(inner):
                    primes += inner.count("\\prime")
                else:
                    break
                j = nxt
            else:
                break
        if subscript is not None and re.fullmatch(r"bar\{[^{}]*\}|hat\{[^{}]*\}|tilde\{[^{}]*\}", text):
            # \overline{h}_{t} and \overline{h_t} name the same thing
            head, inner_text = text.split("{", 1)
            canonical_core = f"{head}{{{inner_text[:-1]}{_fmt_sub(subscript)}}}"
        else:
            canonical_core = text + (_fmt_sub(subscript) if subscript is not None else "")
        canonical = canonical_core + label + "'" * primes
        return Name(canonical=canonical, base=text, subscript=subscript, primes=primes, transpose=transpose), j

    def script(self, i: int) -> tuple[int, int, int]:
        """The content span of a sub/superscript argument at i and the index after it."""
        i = self.skip_ws(i)
        if i >= len(self.s):
            raise self.error("missing script argument", i - 1)
        if self.s[i] == "{":
            a, b = self.group(i)
            return a, b, b + 1
        cmd = self.command_at(i)
        if cmd:
            return i, i + 1 + len(cmd), i + 1 + len(cmd)
        return i, i + 1, i + 1

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> Mapped:
        i = 0
        s = self.s
        while i < len(s):
            c = s[i]
            if c.isspace():
                self.copy(i, i + 1)
                i += 1
                continue
            if c == "{":
                arg = self.prev in ("_", "^", "cmd", "}", "]")
                self.brace_stack.append("}" if arg else ")")
                self.emit("{" if arg else "(", i)
                i += 1
                continue
            if c == "}":
                close = self.brace_stack.pop() if self.brace_stack else "}"
                self.emit(close, i)
                i += 1
                continue
            if c in "0123456789" or (c == "." and i + 1 < len(s) and s[i + 1] in "0123456789"):  # ASCII digits only
                i = self.number(i)
                continue
            if c == "\\":
                i = self.command(i)
                continue
            if c == "|" and s.startswith("||", i):
                i = self.norm(i)
                continue
            if c == "^" and self.prev in (")", "env") and (self.prev == "env" or self.ctx.matrices):
                # (x^T W)^T, \end{bmatrix}^T: a transpose of a group (with matrices about)
                a, b, nxt = self.script(i + 1)
                if _TRANSPOSE.match(s[a:b]) and "T" not in self.ctx.words:
                    self.emit("^{T}", i)
                    i = nxt
                    continue
            if c.isalpha() and c.isascii():
                word = re.match(r"[A-Za-z]+", s[i:i + 40])
                assert word
                w = word.group(0)
                fw = next((f for f in sorted(FUNCTION_WORDS, key=len, reverse=True) if w == f or (w.startswith(f) and f in ("ln", "log", "exp"))), None)
                if fw is not None and fw not in self.ctx.words:
                    cmd = FUNCTION_WORDS[fw]
                    if cmd == r"\log" and self.ctx.log_base == "e" and not s[i + len(fw):].lstrip().startswith("_"):
                        cmd = r"\ln"
                    self.emit(cmd + " ", i)
                    i += len(fw)
                    continue
                i = self.name_at(i)
                continue
            if c == "'":
                raise self.error("a prime that follows no name", i)
            self.copy(i, i + 1)
            i += 1
        if self.brace_stack:
            raise self.error("unbalanced braces", len(s) - 1)
        return self.out.build()

    def number(self, i: int) -> int:
        s = self.s
        m = _NUMBER.match(s, i) if s[i] in "0123456789" else _LEADING_DOT.match(s, i)
        assert m
        g = m.groupdict()
        int_part = (g.get("int") or "0").replace("{,}", "")
        frac = g.get("frac") or ""
        exp_text = g.get("exp1") or g.get("exp2") or g.get("exp3")
        pct = bool(g.get("pct"))
        if not frac and exp_text is None and not pct and "{,}" not in (g.get("int") or ""):
            self.copy(i, m.end())  # a plain integer: the base parser keeps it exact
            return m.end()
        value = Fraction(int(int_part + frac), 10 ** len(frac))
        if exp_text is not None:
            e = int(exp_text.replace(" ", ""))
            if abs(e) > 400:
                raise self.error("exponent too large", i, m.end())
            value *= Fraction(10) ** e
        if pct:
            value /= 100
        digits = len((int_part + frac).lstrip("0")) or 1
        token = Number(text=s[i:m.end()], numerator=value.numerator, denominator=value.denominator, digits=digits)
        if self.literal_numbers:
            self.counter[0] += 1
            self.table[f"v{self.counter[0]}"] = token  # kept for its significant digits
            literal = str(value.numerator) if value.denominator == 1 else f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
            self.emit(f" {literal} ", i)
            return m.end()
        self.placeholder(token, i)
        return m.end()

    def norm(self, i: int) -> int:
        end = self.s.find("||", i + 2)
        if end < 0 and self.prev not in ("", "(", "cmd", "=", "+", "-", "^", "_", ","):
            self.copy(i, i + 1)  # |x||y|: a closing bar then an opening one, not a norm
            return i + 1
        if end < 0:
            raise self.error("unclosed norm bars", i)
        inner = self.read_name(self.skip_ws(i + 2))
        if inner is None or self.skip_ws(inner[1]) != end:
            raise self.error("a norm of something other than a name", i, end + 2)
        name = inner[0]
        canonical = f"||{name.canonical}||"
        self.placeholder(Name(canonical=canonical, base=canonical), i, key=canonical)
        return end + 2

    def command(self, i: int) -> int:
        """A control sequence at i: dispatch to the handler of the construct it starts."""
        cmd = self.command_at(i)
        if cmd is None:  # \{ \} \\ \& and friends
            return self.control_symbol(i)
        end = i + 1 + len(cmd)
        handler = _COMMAND_HANDLERS.get(cmd)
        if handler is not None:
            return handler(self, i, end)
        if cmd in _TEXTS:
            return self.text_command(cmd, i, end)
        if cmd == "log" and self.ctx.log_base == "e" and not self.s[end:].lstrip().startswith("_"):
            self.emit("\\ln ", i)
            return end
        if cmd in GREEK or cmd in _FONTS or cmd in _ACCENTS:
            return self.name_at(i)
        self.emit(self.s[i:end], i)
        return end

    def control_symbol(self, i: int) -> int:
        two = self.s[i:i + 2]
        if two in ("\\{", "\\}"):
            self.emit(two, i)
        else:
            self.copy(i, i + 2)
        return i + 2

    def environment(self, i: int, end: int) -> int:
        """``\\begin{...}`` / ``\\end{...}`` pass through whole (the base grammar reads matrices)."""
        k = self.skip_ws(end)
        if k < len(self.s) and self.s[k] == "{":
            _, b = self.group(k)
            self.copy(i, b + 1)
            self.prev = "env"
            return b + 1
        self.copy(i, end)
        return end

    def fraction(self, i: int, end: int) -> int:
        handled = self.derivative(i, end)
        if handled is not None:
            return handled
        self.emit("\\frac", i)
        return end

    def nabla(self, i: int, end: int) -> int:
        """``\\nabla_W L``: the derivative name dL/dW."""
        k = self.skip_ws(end)
        if k < len(self.s) and self.s[k] == "_":
            a, b, nxt = self.script(k + 1)
            var = self.read_name(self.skip_ws(a))
            fun = self.read_name(self.skip_ws(nxt))
            if var and fun and self.fills(var[1], b):
                self.deriv_name(fun[0], var[0], i)
                return fun[1]
        raise self.error("a gradient \\nabla without a subscript variable", i, end)

    def partial(self, i: int, end: int) -> int:
        """``\\partial E / \\partial W``: the derivative name dE/dW."""
        m = re.compile(r"\\partial\s*(.+?)\s*/\s*\\partial\s*").match(self.s, i)
        if m:
            num = self.read_name(self.skip_ws(i + len("\\partial")))
            den = self.read_name(m.end())
            if num and den:
                self.deriv_name(num[0], den[0], i)
                return den[1]
        raise self.error("a stray \\partial", i, end)

    def text_command(self, cmd: str, i: int, end: int) -> int:
        """``\\text{..}``, ``\\mathrm{..}``, ``\\operatorname{..}``: a function word, an operator the
        base grammar knows, a name, or prose (dropped)."""
        s = self.s
        k = self.skip_ws(end)
        if k >= len(s) or s[k] != "{":
            self.copy(i, end)
            return end
        a, b = self.group(k)
        key = s[a:b].strip().replace(" ", "")
        if key.lower() in FUNCTION_WORDS and key.lower() not in ("max", "min"):
            cmd2 = FUNCTION_WORDS[key.lower()]
            if cmd2 == r"\log" and self.ctx.log_base == "e":
                cmd2 = r"\ln"
            self.emit(cmd2 + " ", i)
            return b + 1
        if cmd == "operatorname" and key in _BASE_OPERATORS and key not in self.ctx.words:
            self.copy(i, b + 1)  # the base grammar knows these (gcd, lcm, floor...)
            return b + 1
        if key in NAME_FUNCTIONS or key.lower() in {w.lower() for w in NAME_FUNCTIONS} or key in self.ctx.words or key in self.ctx.functions or re.fullmatch(r"[A-Za-z]", key):
            name = Name(canonical=_canon_word(key), base=_canon_word(key))
            return self.after_name(name, i, b + 1)
        if re.fullmatch(r"[A-Za-z]\w*", key) and cmd in ("mathrm", "operatorname", "rm"):
            return self.after_name(Name(canonical=key, base=key), i, b + 1)
        self.emit(" ", i)  # prose inside math ("if", "for all") carries no value here
        return b + 1

    def big_operator(self, i: int, end: int) -> int:
        """``\\sum_i`` and ``\\sum_{i}``: an index with no start runs from 1 to the family's bound."""
        s = self.s
        cmd = s[i + 1:end]
        k = self.skip_ws(end)
        if k < len(s) and s[k] == "_":
            a, b, nxt = self.script(k + 1)
            var = self.read_name(self.skip_ws(a), allow_words=False)
            if var is not None and self.fills(var[1], b):
                self.emit(f"\\{cmd}_{{", i)
                self.placeholder(var[0], a, key=var[0].canonical)
                self.emit("=1}", b)
                k2 = self.skip_ws(nxt)
                if k2 >= len(s) or s[k2] != "^":
                    bound = self.ctx.indexed[0][1] if self.ctx.indexed else "N"
                    self.emit("^{", b)
                    self.placeholder(Name(canonical=bound, base=bound), b, key=bound)
                    self.emit("}", b)
                self.prev = "}"
                return nxt
        self.emit(s[i:end], i)
        return end

    def deriv_name(self, fun: Name, var: Name, at: int) -> None:
        canonical = f"d{fun.canonical}/d{var.canonical}"
        self.placeholder(Name(canonical=canonical, base=canonical, derivative=True), at, key=canonical)

    def derivative(self, i: int, end: int) -> int | None:
        """``\\frac{\\partial E}{\\partial W}`` and ``\\frac{d}{dx}(...)``; None if not a derivative."""
        s = self.s
        k = self.skip_ws(end)
        if k >= len(s) or s[k] != "{":
            return None
        a1, b1 = self.group(k)
        k2 = self.skip_ws(b1 + 1)
        if k2 >= len(s) or s[k2] != "{":
            return None
        a2, b2 = self.group(k2)
        num = _DERIV_HEAD.match(s[a1:b1])
        den = _DERIV_HEAD.match(s[a2:b2])
        if not num or not den or num.group(1) != den.group(1):
            return None
        d_start = a2 + den.start(3)
        var = self.read_name(d_start)
        order = int(num.group(2) or 1)
        if var is None or self.skip_ws(var[1]) != b2:
            return None
        n_start = a1 + num.start(3)
        rest = s[n_start:b1].strip()
        if not rest:  # operator form: \frac{d}{dx} (expr), \frac{d}{dx} [expr], \frac{d}{dx} x^2
            k3 = self.skip_ws(b2 + 1)
            if k3 < len(s) and s[k3] in "([":
                pa, pb = self.paren(k3) if s[k3] == "(" else self.bracket(k3)
                expr = self.sub(pa, pb)
                self.counter[0] += 1
                self.placeholder(Diff(expr=expr, var=var[0], order=order), i)
                return pb + 1
            if k3 < len(s):
                # no brackets: the operator applies to the rest of the term (up to + - = , at this level)
                depth, e = 0, k3
                while e < len(s) and not (depth == 0 and s[e] in "+-=,<>" and e > k3):
                    depth += 1 if s[e] in "({[" else -1 if s[e] in ")}]" else 0
                    if depth < 0:
                        break
                    e += 1
                if s[k3:e].strip():
                    expr = self.sub(k3, e)
                    self.placeholder(Diff(expr=expr, var=var[0], order=order), i)
                    return e
            raise self.error("a derivative operator \\frac{d}{dx} applied to nothing", i, b2 + 1)
        fun = self.read_name(n_start)
        if fun is not None and self.fills(fun[1], b1) and order == 1:
            self.deriv_name(fun[0], var[0], i)
            return b2 + 1
        expr = self.sub(n_start, b1)
        self.placeholder(Diff(expr=expr, var=var[0], order=order), i)
        return b2 + 1

    def name_at(self, i: int) -> int:
        if self.s[i] == "e" and not self.ctx.e_is_symbol and not (i + 1 < len(self.s) and (self.s[i + 1].isalnum() or self.s[i + 1] in "_'")):
            self.emit(" e ", i)
            return i + 1
        got = self.read_name(i)
        if got is None:
            cmd = self.command_at(i)
            width = 1 + len(cmd) if cmd else 1
            self.copy(i, i + width)
            return i + width
        name, j = got
        return self.after_name(name, i, j)

    def after_name(self, name: Name, start: int, j: int) -> int:
        s = self.s
        scripted = self.prev in ("^", "_")  # \sum_{i=1}^n (...): a bare script, not a product
        k = self.skip_ws(j)
        power: Any = None
        is_fun = (self.ctx.is_function(name.base) or self.ctx.is_function(name.canonical.rstrip("'"))) and self.ctx.matrix_shape(name.canonical) is None
        if is_fun and k < len(s) and s[k] == "^":
            a, b, nxt = self.script(k + 1)
            k2 = self.skip_ws(nxt)
            if k2 < len(s) and s[k2] == "(":
                power = self.sub(a, b)
                k = k2
        if k < len(s) and s[k] == "(" and (is_fun or (name.primes and self.ctx.matrix_shape(name.canonical) is None and name.base not in self.ctx.not_functions)):
            pa, pb = self.paren(k)
            args = tuple(self.sub(x, y) for x, y in _split_commas(s, pa, pb))
            nxt = pb + 1
            index: Any = None
            k3 = self.skip_ws(nxt)
            if k3 < len(s) and s[k3] == "_":
                a, b, nxt2 = self.script(k3 + 1)
                index = self.sub(a, b)
                nxt = nxt2
            self.placeholder(Apply(function=name, args=args, power=power, index=index), start)
            return nxt
        bound_name = name.base if name.subscript is not None else None
        if bound_name and self.ctx.index_bound(bound_name) is not None and self.ctx.matrix_shape(name.canonical) is None and not name.primes:
            index = self.index_expr(name.subscript or "", start)
            self.placeholder(Indexed(base=bound_name, index=index), start, key="idx:" + name.canonical)
        else:
            plain = Name(canonical=name.canonical, base=name.base, subscript=name.subscript, primes=name.primes, transpose=False, derivative=name.derivative)
            ph = self.placeholder(plain, start, key=plain.canonical)
            if self.ctx.matrix_shape(name.canonical) is not None or (name.subscript is None and self.ctx.matrix_shape(name.base) is not None):
                if name.transpose:
                    self.emit("^{T}", start)
            elif name.transpose:
                pass  # the transpose of a scalar is itself
            del ph
        if k < len(s) and s[k] == "(" and not scripted:
            self.emit(" \\cdot ", k)
        return j

    def index_expr(self, text: str, at: int) -> Any:
        # The subscript was canonicalised; parse it as a small expression of its own.
        return self.subparse(Mapped(text, tuple([self.src.origin[min(at, len(self.src.origin) - 1)]] * len(text))))


#: Control words with a handler of their own (the rest: text commands, names, or copied as they are).
_COMMAND_HANDLERS: dict[str, Callable[[_Scanner, int, int], int]] = {
    "begin": _Scanner.environment,
    "end": _Scanner.environment,
    "frac": _Scanner.fraction,
    "nabla": _Scanner.nabla,
    "partial": _Scanner.partial,
    "sum": _Scanner.big_operator,
    "prod": _Scanner.big_operator,
}


def _split_commas(s: str, a: int, b: int) -> list[tuple[int, int]]:
    parts, depth, start = [], 0, a
    for j in range(a, b):
        c = s[j]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append((start, j))
            start = j + 1
    parts.append((start, b))
    return parts


def _canon_sub(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    t = re.sub(r"\\(?:mathrm|text|mathit|mathbf)\{([^{}]*)\}", r"\1", t)
    while re.fullmatch(r"\{[^{}]*\}", t):
        t = t[1:-1]
    if re.fullmatch(r"\d(,\d)+", t):
        t = t.replace(",", "")
    return t


def _fmt_sub(sub: str) -> str:
    return f"_{sub}" if len(sub) == 1 else f"_{{{sub}}}"


def _canon_word(word: str) -> str:
    lowered = word.lower()
    return {"relu": "relu", "sigmoid": "sigmoid", "softmax": "softmax", "softplus": "softplus"}.get(lowered, word)


def rewrite(src: Mapped, ctx: SymbolContext, subparse: Subparse, table: dict[str, Token], counter: list[int]) -> Mapped:
    """Rewrite ``src`` with placeholders; fills ``table`` (shared across recursive calls)."""
    return _Scanner(src, ctx, subparse, table, counter).run()


def canonical_name(latex: str, ctx: SymbolContext | None = None) -> str:
    """The canonical form of a name written in LaTeX (for context keys and target matching)."""
    from grader.latex.clean import clean_math

    src = clean_math(latex)
    sc = _Scanner(src, ctx or SymbolContext(), lambda m: None, {}, [0])
    i = sc.skip_ws(0)
    if src.text[i:].startswith("\\frac"):
        sc.derivative(i, i + 5)
        tokens = [t for t in sc.table.values() if isinstance(t, Name)]
        if tokens:
            return tokens[0].canonical
    got = sc.read_name(i)
    if got is None or sc.skip_ws(got[1]) != len(src.text):
        return re.sub(r"\s+", "", src.text)
    return got[0].canonical
