"""YAML (safe_load semantics only) that remembers the line of every mapping and key.

Validation errors must say ``rubric.yaml:42: ...``; plain ``yaml.safe_load`` forgets where
things were, so mappings are built as ``LineDict`` carrying their own and their keys' lines.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):  # type: ignore[type-arg]
    """A dict from YAML with ``line`` (of the mapping) and ``key_lines`` (of each key), 1-based."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe constructors, keeping lines. Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader


def line_of(node: Any, key: str | None = None) -> int | None:
    """The line of ``node`` (or of its ``key``), when the YAML loader recorded one."""
    if isinstance(node, LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    return getattr(node, "line", None)
