"""Reading a derivation spec file: YAML with ``derivation: NAME`` and ``params: {...}``.

Only ``yaml.safe_load`` is used. PyYAML is a declared project dependency; it is imported here
lazily so that the rest of the package needs nothing but SymPy.
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import DerivationError


def load_spec(path: str | Path) -> tuple[str, dict[str, object]]:
    """(derivation name, params) from a YAML spec file."""
    import yaml  # declared dependency; only safe_load is ever called

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DerivationError(f"{path}: cannot read spec: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DerivationError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict) or not isinstance(data.get("derivation"), str):
        raise DerivationError(f"{path}: a spec needs 'derivation: NAME' and optional 'params: {{...}}'")
    unknown = set(data) - {"derivation", "params"}
    if unknown:
        raise DerivationError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise DerivationError(f"{path}: 'params' must be a mapping")
    return data["derivation"], {str(k): v for k, v in params.items()}
