"""Review: a person grades what the engine could not, in answer groups, from a browser or a script.

    gradebook (batch) ─► groups (answer groups per part) ─► session (Review: list, set, import,
                                                                     export, requests)
                                                         └► app (a local Flask app on 127.0.0.1)

Grades a person gives are stored by ``grader.batch.manual`` beside the engine's; this package
decides what to show and what to write, never how totals are computed.
"""

from grader.review.groups import Group, PartInfo, PartQueue, build_queue
from grader.review.session import Outcome, Review

__all__ = ["Group", "Outcome", "PartInfo", "PartQueue", "Review", "build_queue"]
