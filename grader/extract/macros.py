"""User macros: collect ``\\newcommand``/``\\renewcommand``/``\\def`` and expand them in math.

Only the simple forms are understood: ``\\newcommand{\\name}[n][default]{body}`` (also without
braces around the name), ``\\def\\name#1#2{body}`` with undelimited parameters, and
``\\DeclareMathOperator{\\name}{text}``. Expansion is bounded in steps and output size so that
``\\def\\a{\\a\\a}\\a`` cannot blow up: on overflow the text is left unexpanded and a warning is
returned instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.extract.scan import BraceIndex, read_argument, skip_spaces


@dataclass(frozen=True)
class Macro:
    """One user macro: ``\\name`` with ``nargs`` arguments (the first optional when
    ``default`` is not None) and a body using ``#1``..``#9``."""

    name: str
    nargs: int
    body: str
    default: str | None = None
    line: int = 0


@dataclass(frozen=True)
class MacroDefinition:
    """A macro and the span of its definition in the text (so callers can blank it)."""

    macro: Macro
    start: int
    end: int


_DEF_START = re.compile(
    r"\\(?:(?:re)?newcommand\*?|providecommand\*?|DeclareRobustCommand\*?)(?![A-Za-z])"
    r"|\\[gex]?def(?![A-Za-z])|\\DeclareMathOperator\*?(?![A-Za-z])"
)
_NAME = re.compile(r"\\([A-Za-z]+|.)")
_DEF_PARAMS = re.compile(r"((?:#[1-9])*)\s*(?=\{)")


def collect_macros(text: str) -> list[MacroDefinition]:
    """Every simple macro definition in ``text`` (which should have comments blanked)."""
    out: list[MacroDefinition] = []
    index: BraceIndex | None = None
    for m in _DEF_START.finditer(text):
        if index is None:
            index = BraceIndex(text)
        parsed = _parse_definition(text, m, index)
        if parsed is not None:
            out.append(parsed)
    return out


def _parse_definition(text: str, m: re.Match[str], index: BraceIndex) -> MacroDefinition | None:
    kind = m.group()
    pos = skip_spaces(text, m.end())
    # the macro name, braced or not
    if pos < len(text) and text[pos] == "{":
        g = index.group(pos)
        if g is None:
            return None
        name_m = _NAME.fullmatch(g[0].strip())
        pos = g[1]
    else:
        name_m = _NAME.match(text, pos)
        pos = name_m.end() if name_m else pos
    if not name_m:
        return None
    name = name_m.group(1)
    if kind.startswith("\\DeclareMathOperator"):
        body = index.group(pos)
        if body is None:
            return None
        macro = Macro(name, 0, "\\operatorname{" + body[0] + "}")
        return MacroDefinition(macro, m.start(), body[1])
    nargs = 0
    default: str | None = None
    if kind.endswith("def"):
        pm = _DEF_PARAMS.match(text, pos)
        if pm is None:
            return None  # delimited parameters: not a simple form
        nargs = len(pm.group(1)) // 2
        pos = pm.end()
    else:
        pos = skip_spaces(text, pos)
        if text.startswith("[", pos):
            close = text.find("]", pos, pos + 10)
            if close < 0 or not text[pos + 1 : close].strip().isdigit():
                return None
            nargs = int(text[pos + 1 : close])
            pos = skip_spaces(text, close + 1)
            if text.startswith("[", pos):
                close = _bracket_end(text, pos)
                if close < 0:
                    return None
                default = text[pos + 1 : close]
                pos = close + 1
    body = index.group(pos)
    if body is None:
        return None
    return MacroDefinition(Macro(name, min(nargs, 9), body[0], default), m.start(), body[1])


def _bracket_end(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos, min(len(text), pos + 2000)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "]" and depth == 0:
            return i
    return -1


_CALL = re.compile(r"\\([A-Za-z]+)")
_PARAM = re.compile(r"#([1-9#])")


@dataclass(frozen=True)
class Expansion:
    """The result of expanding macros in a piece of math."""

    text: str
    steps: int
    overflow: bool = False
    #: characters built over all passes (each pass rebuilds the string)
    built: int = 0

    @property
    def cost(self) -> int:
        """The work this expansion did, in steps (a hundred characters built count as one)."""
        return self.steps + self.built // 100


def expand_macros(
    text: str,
    macros: dict[str, Macro],
    *,
    max_steps: int = 5_000,
    max_size: int | None = None,
    max_passes: int = 40,
) -> Expansion:
    """Expand ``macros`` in ``text``, at most ``max_steps`` expansions and ``max_size`` characters.

    On overflow the original text is returned with ``overflow`` set. Each pass rebuilds the
    string once, so the cost is bounded by ``max_passes * max_size``.
    """
    if not macros or "\\" not in text:
        return Expansion(text, 0)
    limit = max_size if max_size is not None else max(20_000, 10 * len(text))
    current = text
    steps = 0
    built = 0
    for _ in range(max_passes):
        pieces: list[str] = []
        last = 0
        pos = 0
        changed = False
        size = 0
        while True:
            m = _CALL.search(current, pos)
            if m is None:
                break
            macro = macros.get(m.group(1))
            if macro is None:
                pos = m.end()
                continue
            args, end = _read_args(current, m.end(), macro)
            replacement = _substitute(macro.body, args)
            pieces.append(current[last : m.start()])
            # keep a control word from gluing onto following letters
            if replacement and re.search(r"\\[A-Za-z]+$", replacement) and end < len(current) and current[end].isalpha():
                replacement += " "
            pieces.append(replacement)
            size += m.start() - last + len(replacement)
            last = pos = end
            steps += 1
            changed = True
            if steps > max_steps or size > limit:
                return Expansion(text, steps, overflow=True, built=built + size)
        if not changed:
            return Expansion(current, steps, built=built)
        pieces.append(current[last:])
        current = "".join(pieces)
        built += len(current)
        if len(current) > limit:
            return Expansion(text, steps, overflow=True, built=built)
    if _has_call(current, macros):
        return Expansion(text, steps, overflow=True, built=built)
    return Expansion(current, steps, built=built)


def _has_call(text: str, macros: dict[str, Macro]) -> bool:
    return any(m.group(1) in macros for m in _CALL.finditer(text))


def _read_args(text: str, pos: int, macro: Macro) -> tuple[list[str], int]:
    args: list[str] = []
    count = macro.nargs
    if macro.default is not None and count > 0:
        i = skip_spaces(text, pos)
        if text.startswith("[", i):
            close = _bracket_end(text, i)
            if close >= 0:
                args.append(text[i + 1 : close])
                pos = close + 1
            else:
                args.append(macro.default)
        else:
            args.append(macro.default)
        count -= 1
    for _ in range(count):
        got = read_argument(text, pos)
        if got is None:
            args.append("")
            continue
        args.append(got[0])
        pos = got[1]
    return args, pos


def _substitute(body: str, args: list[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        k = m.group(1)
        if k == "#":
            return "#"
        i = int(k) - 1
        return args[i] if i < len(args) else ""

    return _PARAM.sub(repl, body)
