"""The derivation engine: exact SymPy answers derived from a problem's description.

Public API (used by the CLI and the rubric code)::

    derive(name, params) -> Derivation        # DerivationError on a bad name or bad params
    list_derivations() -> list[DerivationInfo]
    load_spec(path) -> (name, params)          # YAML: derivation: NAME, params: {...}
    render(derivation, fmt)                    # fmt: text | latex | json

Modules, one concern each: ``params`` (exact values from YAML), ``result`` (frozen results),
``activations``, ``losses``, ``conv`` (matrix operations), ``network`` (layers, networks,
gradients by ``sympy.diff``), ``nets``, ``softmax``, ``rnn``, ``svm``, ``gan``,
``conv_catalog``, ``activations_catalog``, ``probabilistic`` (catalog entries), ``catalog``
(registry), ``tidy``, ``render``, ``spec``.
"""

from grader.derive.catalog import derive, list_derivations
from grader.derive.render import render
from grader.derive.result import Derivation, DerivationInfo, ParamInfo
from grader.derive.spec import load_spec

__all__ = ["Derivation", "DerivationInfo", "ParamInfo", "derive", "list_derivations", "load_spec", "render"]
