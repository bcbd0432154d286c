"""Symbolic derivation and auto-grading engine for machine-learning homework."""

__version__ = "0.1.0"
