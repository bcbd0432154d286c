"""Part fingerprints are the same in every process: the class-wide verdict cache and
``--regrade`` key on them, and a later run, or a Ray node, loads the rubric anew."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import json, sys
from pathlib import Path
from grader.rubric import load_rubric
out = {}
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    rubric = load_rubric(path)
    out[path.name] = [rubric.fingerprint, rubric.part_fingerprints]
print(json.dumps(out))
"""


def _fingerprints(seed: str) -> dict[str, list[object]]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "rubrics")], env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_part_fingerprints_do_not_follow_the_hash_seed() -> None:
    # seeds 1 and 3 ordered the context's name sets differently when sets were written by repr
    one, three = _fingerprints("1"), _fingerprints("3")
    assert len(one) >= 5 and all(parts for _, parts in one.values())
    assert one == three
