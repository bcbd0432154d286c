"""Rubrics: the YAML format, validation with file:line errors, derived expected answers, the key."""

from grader.rubric.discover import pick_rubric, rubric_files
from grader.rubric.key import key_rows, render_key
from grader.rubric.loader import FIELDS, load_rubric, load_rubric_text
from grader.rubric.model import Credit, FollowThrough, Part, Problem, Response, Rubric, Sample
from grader.rubric.scaffold import scaffold_rubric

__all__ = [
    "FIELDS", "Credit", "FollowThrough", "Part", "Problem", "Response", "Rubric", "Sample",
    "key_rows", "load_rubric", "load_rubric_text", "pick_rubric", "render_key", "rubric_files", "scaffold_rubric",
]
