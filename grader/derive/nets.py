"""Catalog entries for networks: the generic ``network`` and the two exercise kinds.

``network`` takes layers as a list of ``{kind: {...}}`` items (see ``network.py``). The named
entries fix the layout of two common exercises and keep their node names:

* ``mlp_relu_softmax_ce``: ``A = W X``, ``Y = A + B``, ``Z = ReLU(Y)``, ``Q = softmax(Z)``,
  ``E = -sum P log Q``; one SGD step on ``W`` and ``B``.
* ``mlp_sigmoid_squared_error``: ``Y = W X``, ``Z = sigmoid(Y)``, ``O = M Z``,
  ``Q = sigmoid(O)``, ``E = 1/2 sum (P - Q)^2``; one SGD step on ``W`` and ``M``.

Quantities: ``forward.<node>``, ``loss``, ``grad.<node>`` (output back to input),
``grad.<param>``, ``updated.<param>``. Single entries are read 1-based: ``updated.W[1,1]``
(or ``updated.w11``).
"""

from __future__ import annotations

from grader.derive.network import build_network, differentiate
from grader.derive.params import to_bool, to_choice
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.derive.tidy import tidy
from grader.errors import DerivationError

_COMMON = [
    ("convention", "column (W x on column vectors) or row (x W on row vectors)", "column"),
    ("relu_grad_at_zero", "the value taken for the ReLU derivative at 0", 0),
    ("autodiff", "chain (layer Jacobians by sympy.diff, fast) or composed (one expression)", "chain"),
    ("tidy", "factor small exact results into a shorter equal form", True),
]


def _run(layers: list[object], p: dict[str, object], input_value: object, input_name: str = "X") -> dict[str, Quantity]:
    net = build_network(
        layers,
        input_value,
        input_name=input_name,
        convention=str(p["convention"]),
        loss=p["loss"] if p.get("loss") is not None else None,  # type: ignore[arg-type]
        target=p["target"],
        lr=p["lr"],
        relu_grad_at_zero=p["relu_grad_at_zero"],
    )
    mode = to_choice(p["autodiff"], "autodiff", ("chain", "composed"))
    quantities = differentiate(net, mode)
    if to_bool(p["tidy"], "tidy"):
        quantities = {k: tidy(v) for k, v in quantities.items()}
    return quantities


def _network(p: dict[str, object]) -> dict[str, Quantity]:
    if p["layers"] is None or p["input"] is None or p["target"] is None:
        raise DerivationError("network needs layers, input and target")
    return _run(p["layers"], p, p["input"], str(p["input_name"]))  # type: ignore[arg-type]


def _relu_softmax(p: dict[str, object]) -> dict[str, Quantity]:
    layers: list[object] = [
        {"matmul": {"W": p["W"], "name": "A"}},
        {"bias": {"B": p["B"], "name": "Y"}},
        {"relu": {"name": "Z"}},
        {"softmax": {"name": "Q"}},
    ]
    return _run(layers, p | {"loss": "cross_entropy", "target": p["P"]}, p["X"])


def _sigmoid_squared(p: dict[str, object]) -> dict[str, Quantity]:
    layers: list[object] = [
        {"matmul": {"W": p["W"], "name": "Y"}},
        {"sigmoid": {"name": "Z"}},
        {"matmul": {"M": p["M"], "name": "O"}},
        {"sigmoid": {"name": "Q"}},
    ]
    return _run(layers, p | {"loss": "squared_error", "target": p["P"]}, p["X"])


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "network",
        "forward values, loss, gradients and one SGD step of a network given as a list of layers",
        [
            ("layers", "list of {kind: {params and options}}; kinds: matmul, bias, linear, relu, "
             "sigmoid, tanh, softplus, shifted_logistic, softmax, avgpool, maxpool, conv2d, "
             "subpixel_conv, conv_transpose, flatten; option 'name' names the node", None),
            ("input", "the input (numbers, symbols, nested lists, {symbol, shape})", None),
            ("input_name", "the input node's name", "X"),
            ("target", "the target the loss compares the output with", None),
            ("loss", "cross_entropy, squared_error (1/2 sum) or binary_cross_entropy", "cross_entropy"),
            ("lr", "learning rate of the SGD step (none: no updated parameters)", None),
            *_COMMON,
        ],
        _network,
    ),
    entry(
        "mlp_relu_softmax_ce",
        "A = W X, Y = A + B, Z = ReLU(Y), Q = softmax(Z), E = -sum P log Q, one SGD step",
        [
            ("X", "input vector", [1, 1]),
            ("W", "weight matrix", [[1, 0], [0, -1]]),
            ("B", "bias vector", [0, 0]),
            ("P", "target distribution", [0.3, 0.7]),
            ("lr", "learning rate", 0.02),
            *_COMMON,
        ],
        _relu_softmax,
    ),
    entry(
        "mlp_sigmoid_squared_error",
        "Y = W X, Z = sigmoid(Y), O = M Z, Q = sigmoid(O), E = 1/2 sum (P - Q)^2, one SGD step",
        [
            ("X", "input vector", [0.05, 0.1]),
            ("W", "first weight matrix", [[0.15, 0.25], [0.2, 0.3]]),
            ("M", "second weight matrix", [[0.4, 0.5], [0.45, 0.55]]),
            ("P", "target", [0.01, 0.99]),
            ("lr", "learning rate", 0.5),
            *_COMMON,
        ],
        _sigmoid_squared,
    ),
)

