"""The ``grade`` command: arguments, exit codes and messages; the work is done by the library.

``grade SUBMISSION`` grades a file (the group treats a first argument that is not a command
name as a submission). Exit 0 when the work ran, 1 when a rubric self-test failed, 2 for a
usage or input error, with one line on stderr and no traceback (CONTRACT.md).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click

from grader.batch.runner import BatchSettings
from grader.errors import BudgetExceeded, GraderError, LatexError

PROJECT_RUBRICS = Path(__file__).resolve().parent.parent / "rubrics"


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class _DefaultGroup(click.Group):
    """A group whose first argument, when not a command, is the submission to grade."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["submission", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ml-homework-grader")
def main() -> None:
    """Grade ML homework: `grade SUBMISSION` or one of the commands below."""


@main.command("submission", hidden=True)
@click.argument("submission")
@click.option("--rubric", "rubric_path", help="Rubric YAML (default: the best match in the rubric folder).")
@click.option("--rubric-dir", type=click.Path(file_okay=False), default=None, help="Folder of rubrics to pick from (default: the project's rubrics/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write the report here instead of stdout.")
def grade_file(submission: str, rubric_path: str | None, rubric_dir: str | None, fmt: str, output: str | None) -> None:
    """Grade one submission (.tex, .md or .txt)."""
    from grader.extract import read_submission
    from grader.grading import grade_submission
    from grader.report import render
    from grader.rubric import load_rubric, pick_rubric

    try:
        text = read_submission(submission)
        if rubric_path:
            rubric = load_rubric(rubric_path)
        else:
            rubric, _ = pick_rubric(text.text, rubric_dir or _default_rubrics())
            click.echo(f"Using rubric {rubric.id} ({rubric.path})", err=True)
        report = grade_submission(text.text, rubric, submission=submission)
        if text.warnings:
            from dataclasses import replace

            report = replace(report, warnings=tuple(text.warnings) + report.warnings)
    except GraderError as exc:
        _fail(str(exc))
    _write(render(report, fmt), output)


def _default_rubrics() -> Path:
    """The project's rubrics/ (editable install or a checkout), else ./rubrics."""
    return PROJECT_RUBRICS if PROJECT_RUBRICS.is_dir() else Path.cwd() / "rubrics"


def _write(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
    else:
        click.echo(text, nl=not text.endswith("\n"))


@main.command("compare")
@click.argument("expected")
@click.argument("answer")
@click.option("--given", multiple=True, metavar="NAME=LATEX", help="Define a symbol in terms of others.")
@click.option("--assume", multiple=True, metavar="SPEC", help="A domain or constraint, e.g. 'x > 0', 'p: probability vector', 'W: matrix 2x2'.")
@click.option("--rel-tol", type=float, default=None, help="Relative tolerance (on top of the digits rule).")
@click.option("--abs-tol", type=float, default=None, help="Absolute tolerance.")
@click.option("--min-digits", type=int, default=3, show_default=True, help="Fewest significant digits a rounded decimal may have.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare_cmd(expected: str, answer: str, given: tuple[str, ...], assume: tuple[str, ...], rel_tol: float | None,
                abs_tol: float | None, min_digits: int, fmt: str) -> None:
    """Decide whether ANSWER equals EXPECTED (both LaTeX)."""
    from grader.compare import CompareOptions, equivalent
    from grader.latex import SymbolContext, parse_assumption, parse_given

    ctx = SymbolContext()
    try:
        for spec in assume:
            ctx = parse_assumption(spec, ctx)
        for spec in given:
            ctx = parse_given(spec, ctx)
    except GraderError as exc:
        _fail(str(exc))
    v = equivalent(expected, answer, ctx, options=CompareOptions(rel_tol=rel_tol, abs_tol=abs_tol, min_digits=min_digits))
    error = v.error
    if v.equivalent is None and error is None:
        error = v.diagnosis or "could not decide"
    out: dict[str, Any] = {"equivalent": v.equivalent, "outcome": v.outcome.value, "method": v.method,
                           "diagnosis": v.diagnosis, "expected": expected, "answer": answer, "error": error}
    if v.span is not None:
        out["span"] = list(v.span)
    if fmt == "json":
        out["feedback"] = v.feedback
        out["evidence"] = v.evidence
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    word = {True: "equivalent", False: "not equivalent", None: "undecided"}[v.equivalent]
    click.echo(f"{word} ({v.method})" + (f": {v.diagnosis}" if v.diagnosis else ""))
    for line in (v.feedback, v.evidence, error):
        if line:
            click.echo(f"  {line}")
    if v.span is not None:
        click.echo(_indent(LatexError(v.error or "", answer, v.span).pointer().split("\n", 1)[-1]))


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


@main.command("derive")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter; VALUE is YAML (0.02, [[1,0],[0,-1]]).")
@click.option("--spec", type=click.Path(dir_okay=False), default=None, help="A YAML file with 'derivation: NAME' and 'params'.")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text", show_default=True)
@click.option("--list", "list_all", is_flag=True, help="List the derivations in the catalog.")
def derive_cmd(name: str | None, params: tuple[str, ...], spec: str | None, fmt: str, list_all: bool) -> None:
    """Print a derivation: the named quantities, exact and as decimals."""
    import yaml

    from grader import budget
    from grader.derive import list_derivations, load_spec

    try:
        if list_all or (name is None and spec is None):
            for info in list_derivations():
                click.echo(f"{info.name:28} {info.summary}")
            return
        values: dict[str, Any] = {}
        if spec:
            name, values = load_spec(spec)
        for item in params:
            key, sep, raw = item.partition("=")
            if not sep or not key.strip():
                _fail(f"--param {item!r}: expected KEY=VALUE")
            try:
                values[key.strip()] = yaml.safe_load(raw)
            except yaml.YAMLError:
                _fail(f"--param {item!r}: the value is not valid YAML")
        assert name is not None
        click.echo(budget.limited(_render_derivation, name, values, fmt, seconds=budget.DERIVE_SECONDS), nl=False)
    except BudgetExceeded as exc:
        _fail(f"derivation {name!r} stopped: {exc}")
    except GraderError as exc:
        _fail(str(exc))


def _render_derivation(name: str, values: dict[str, Any], fmt: str) -> str:
    """Derive and render in the limited worker (the rendering evaluates decimals)."""
    from grader.derive import derive, render

    return render(derive(name, values), fmt)


@main.group("rubric")
def rubric_group() -> None:
    """Author and check rubrics."""


@rubric_group.command("check")
@click.argument("rubric_path")
def rubric_check(rubric_path: str) -> None:
    """Validate a rubric and run its samples (exit 1 if a sample fails, 2 if invalid)."""
    from grader.grading import check_samples
    from grader.rubric import load_rubric

    try:
        rubric = load_rubric(rubric_path)
    except GraderError as exc:
        _fail(str(exc))
    count, failures = check_samples(rubric)
    for f in failures:
        click.echo(f"FAIL {rubric_path}:{f}", err=True)
    parts = len(rubric.parts)
    click.echo(f"{rubric.id} v{rubric.version}: {parts} parts, {rubric.max_score:g} points, {count} samples, {len(failures)} failed")
    if failures:
        sys.exit(1)


@rubric_group.command("key")
@click.argument("rubric_path")
@click.option("--format", "fmt", type=click.Choice(["markdown", "latex", "json"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def rubric_key(rubric_path: str, fmt: str, output: str | None) -> None:
    """Write the answer key: every expected answer in LaTeX and, for numbers, decimals."""
    from grader.rubric import load_rubric, render_key

    try:
        rubric = load_rubric(rubric_path)
    except GraderError as exc:
        _fail(str(exc))
    _write(render_key(rubric, fmt), output)


@rubric_group.command("new")
@click.option("--id", "assignment_id", prompt="Assignment id (e.g. ml101-hw3)", help="Assignment id.")
@click.option("--title", prompt="Title", help="Assignment title.")
@click.option("--course", prompt="Course", default="", help="Course name.")
@click.option("--problems", type=int, prompt="How many problems", default=1, show_default=True)
@click.option("--parts", type=int, prompt="Parts per problem", default=1, show_default=True)
@click.option("--points", type=float, prompt="Points per part", default=5.0, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write here (default: stdout).")
def rubric_new(assignment_id: str, title: str, course: str, problems: int, parts: int, points: float, output: str | None) -> None:
    """Scaffold a rubric (prompts for what is not given as an option)."""
    from grader.rubric import scaffold_rubric

    if problems < 1 or parts < 1:
        _fail("--problems and --parts must be at least 1")
    _write(scaffold_rubric(assignment_id=assignment_id, title=title, course=course, problems=problems, parts=parts, points=points), output)


_BATCH = BatchSettings()  # the batch defaults, defined once in the library


@main.command("batch")
@click.argument("path", type=click.Path(exists=False))
@click.option("--rubric", "rubric_path", required=True, type=click.Path(dir_okay=False))
@click.option("--jobs", type=int, default=_BATCH.jobs, help="Worker processes (default: the core count).")
@click.option("--gradebook", type=click.Path(dir_okay=False), default=_BATCH.gradebook, help="SQLite gradebook (default: gradebook.sqlite beside the output).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=_BATCH.csv_path, help="Write the class CSV here.")
@click.option("--csv-layout", type=click.Choice(["default", "canvas", "moodle"]), default=_BATCH.csv_layout, show_default=True)
@click.option("--feedback-dir", type=click.Path(file_okay=False), default=_BATCH.feedback_dir, help="Write one feedback file per student here.")
@click.option("--regrade", is_flag=True, default=_BATCH.regrade, help="After a rubric change: regrade only what the change affects.")
@click.option("--manifest", type=click.Path(dir_okay=False), default=_BATCH.manifest, help="CSV of student id to file (LMS downloads).")
@click.option("--timeout", type=float, default=_BATCH.timeout, show_default=True, help="Seconds per submission before its worker is killed.")
@click.option("--memory-mb", type=int, default=_BATCH.memory_mb, show_default=True, help="Memory limit per worker.")
def batch_cmd(path: str, rubric_path: str, **options: Any) -> None:
    """Grade a folder or .zip of submissions into a gradebook, a CSV and feedback files."""
    from grader.batch import run_batch

    try:
        summary = run_batch(path, rubric_path, replace(_BATCH, **options, progress=True))
    except GraderError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted; run the same command again to resume", 130)
    click.echo(summary.render(), err=True)


_PENDING_HELP = "Count parts still waiting for a person as 0 (default: blank, and no total)."


@main.command("stats")
@click.argument("gradebook", type=click.Path(dir_okay=False))
@click.option("--rubric-id", default=None)
@click.option("--plot", type=click.Path(dir_okay=False), default=None, help="Write a PNG of the class's results (needs matplotlib).")
@click.option("--pending-as-zero", is_flag=True, help=_PENDING_HELP)
def stats_cmd(gradebook: str, rubric_id: str | None, plot: str | None, pending_as_zero: bool) -> None:
    """Per-part means, points distributions and the most common wrong answers."""
    from grader.batch import stats

    try:
        click.echo(stats(gradebook, rubric_id=rubric_id, plot=plot, pending_as_zero=pending_as_zero).render())
    except GraderError as exc:
        _fail(str(exc))


@main.command("export")
@click.argument("gradebook", type=click.Path(dir_okay=False))
@click.option("--to", "to", type=click.Choice(["csv", "json"]), required=True)
@click.option("--layout", type=click.Choice(["default", "canvas", "moodle"]), default="default", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@click.option("--pending-as-zero", is_flag=True, help=_PENDING_HELP)
@click.option("--feedback-dir", type=click.Path(file_okay=False), default=None, help="Also write each student's feedback (.md and .html) here, with the grades as they stand.")
@click.option("--hide-expected", is_flag=True, help="Leave the expected answers out of the HTML feedback.")
def export_cmd(gradebook: str, to: str, layout: str, output: str | None, pending_as_zero: bool, feedback_dir: str | None,
               hide_expected: bool) -> None:
    """Export a gradebook as CSV (for the LMS) or JSON, and optionally the feedback files."""
    from grader.batch import export
    from grader.batch.feedback import rewrite_feedback

    try:
        text = export(gradebook, to="json" if to == "json" else "csv", layout=layout, out=None, pending_as_zero=pending_as_zero)
        if feedback_dir:
            n = rewrite_feedback(gradebook, feedback_dir, show_expected=not hide_expected)
            click.echo(f"feedback: {n} students in {feedback_dir}", err=True)
    except GraderError as exc:
        _fail(str(exc))
    _write(text, output)


def _grader_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@main.command("review")
@click.argument("gradebook", type=click.Path(dir_okay=False))
@click.option("--rubric", "rubric_path", type=click.Path(dir_okay=False), default=None, help="The rubric: key ideas, and answers grouped by their parsed form.")
@click.option("--rubric-id", default=None, help="Which rubric of the gradebook (default: the latest graded).")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the web app on 127.0.0.1 (0: any free port).")
@click.option("--list", "list_queue", is_flag=True, help="Print the queue: per part, the answer groups waiting for a person.")
@click.option("--part", default=None, help="With --list: one part, with its students.")
@click.option("--all", "everything", is_flag=True, help="With --list: also the groups graded automatically.")
@click.option("--set", "set_one", nargs=3, default=None, metavar="STUDENT PART POINTS", help="Grade one student's part.")
@click.option("--set-group", nargs=3, default=None, metavar="PART GROUP POINTS", help="Grade every answer of a group.")
@click.option("--clear", nargs=2, default=None, metavar="STUDENT PART", help="Remove a manual grade.")
@click.option("--comment", default="", help="With --set/--set-group: what the student is told.")
@click.option("--reason", default="", help="Why an automatic grade is overridden (required to change one).")
@click.option("--request", "request_", nargs=3, default=None, metavar="STUDENT PART TEXT", help="Record a student's regrade request.")
@click.option("--import", "import_csv", type=click.Path(dir_okay=False), default=None, help="Manual grades from a CSV (student,part,points[,comment,reason,grader]).")
@click.option("--export", "export_csv", type=click.Path(dir_okay=False), default=None, help="Write the manual grades as CSV ('-' for stdout).")
@click.option("--grader", "grader_name", default=None, help="Who is grading (default: the login name).")
@click.option("--show-names", is_flag=True, help="Show student ids (anonymous labels by default).")
def review_cmd(gradebook: str, rubric_path: str | None, rubric_id: str | None, port: int, list_queue: bool, part: str | None,
               everything: bool, set_one: tuple[str, str, str] | None, set_group: tuple[str, str, str] | None,
               clear: tuple[str, str] | None, comment: str, reason: str, request_: tuple[str, str, str] | None,
               import_csv: str | None, export_csv: str | None, grader_name: str | None, show_names: bool) -> None:
    """Grade what the engine left to a person: a local web app, or the options for scripting."""
    from grader.review import Review

    try:
        rubric = None
        if rubric_path:
            from grader.rubric import load_rubric

            rubric = load_rubric(rubric_path)
        review = Review(gradebook, rubric=rubric, rubric_id=rubric_id, grader=grader_name or _grader_name())
        acted = False
        if request_:
            review.request(*request_)
            click.echo(f"request recorded for {request_[1]}", err=True)
            acted = True
        if set_one:
            student, pid, points = set_one
            click.echo(review.set_student(student, pid, _points(points), comment=comment, reason=reason).describe(), err=True)
            acted = True
        if set_group:
            pid, group, points = set_group
            click.echo(review.set_group(pid, group, _points(points), comment=comment, reason=reason).describe(), err=True)
            acted = True
        if clear:
            done = review.clear(*clear, reason=reason)
            click.echo("manual grade removed" if done else "no manual grade to remove", err=True)
            acted = True
        if import_csv:
            try:
                text = Path(import_csv).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                _fail(f"cannot read {import_csv}: {exc}")
            click.echo(review.import_csv(text, source=import_csv).describe(), err=True)
            acted = True
        if export_csv:
            out = review.export_csv(names=show_names)
            if export_csv == "-":
                click.echo(out, nl=False)
            else:
                _write(out, export_csv)
            acted = True
        if list_queue or part:
            click.echo(review.list_text(part=part, everything=everything, names=show_names), nl=False)
            acted = True
        if acted:
            return
        from grader.review.app import serve

        def ready(url: str) -> None:
            click.echo(f"Review {review.rubric_id} {review.version} at {url} (Ctrl-C to stop)", err=True)

        serve(review, port=port, ready=ready)
    except GraderError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def _points(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        _fail(f"points {text!r} is not a number")


if __name__ == "__main__":  # pragma: no cover
    main()
