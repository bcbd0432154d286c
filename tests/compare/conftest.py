"""Make the comparison table importable as ``compare_pairs`` (the bench imports it too)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
