"""Grading one submission against one rubric: points, partial credit, follow-through, feedback."""

from grader.grading.grade import grade_answer, grade_submission
from grader.grading.selftest import SampleFailure, check_samples
from grader.grading.session import GradingSession, GradingStats

__all__ = ["GradingSession", "GradingStats", "SampleFailure", "check_samples", "grade_answer", "grade_submission"]
