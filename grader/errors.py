"""The one rooted hierarchy of errors the grader raises.

    BaseException
     └── BudgetExceeded              a time or memory limit was hit (cannot be swallowed
                                     by a broad ``except Exception``)
    Exception
     └── GraderError                 anything the grader reports on purpose
          ├── InputError             bad input from a user or a student
          │    ├── LatexError        LaTeX that cannot be read; carries the span
          │    └── SubmissionError   a submission file that cannot be read
          ├── RubricError            an invalid rubric; carries file and line
          └── DerivationError        a derivation that cannot be done (e.g. SVM data not separable)

Student problems never raise past the grading boundary: they become verdicts. Author problems
(a bad rubric) raise at load time. The CLI turns a ``GraderError`` into one line and exit 2.
"""

from __future__ import annotations

from grader.spans import point_at


class BudgetExceeded(BaseException):
    """A time or memory limit was hit inside a limited call."""

    def __init__(self, kind: str, limit: float, detail: str = "") -> None:
        self.kind = kind  # "time" or "memory"
        self.limit = limit
        self.detail = detail
        unit = "s" if kind == "time" else " MB"
        super().__init__(f"{kind} limit of {limit:g}{unit} exceeded" + (f": {detail}" if detail else ""))


class GraderError(Exception):
    """Base of every error the grader raises on purpose."""


class InputError(GraderError):
    """Input that cannot be used as given."""


class LatexError(InputError):
    """LaTeX that cannot be read. ``span`` is (start, end) in the text the caller passed."""

    def __init__(self, message: str, text: str = "", span: tuple[int, int] | None = None) -> None:
        self.message = message
        self.text = text
        self.span = span
        super().__init__(message)

    def pointer(self) -> str:
        """The offending text with a caret line under the span (PrairieLearn style)."""
        if self.span is None or not self.text:
            return self.message
        line, caret = point_at(self.text, self.span)
        return f"{self.message}\n{line}\n{caret}"

    def __str__(self) -> str:
        if self.span is None:
            return self.message
        return f"{self.message} at {self.span[0]}-{self.span[1]}"


class SubmissionError(InputError):
    """A submission file that cannot be read (missing, binary, too large)."""


class RubricError(GraderError):
    """An invalid rubric, located by file and line."""

    def __init__(self, message: str, file: str = "", line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message


class DerivationError(GraderError):
    """A derivation that cannot be carried out with the given parameters."""
