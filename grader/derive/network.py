"""Symbolic networks: layers composed into a chain, their forward values, loss, gradients
and one SGD step, all exact.

A network is an input node followed by layers; each layer writes one named node. Parameters
(weights, biases, kernels) are named matrices. Gradients are ground truth because nothing
here knows a backprop formula: every parameter and node entry is replaced by a placeholder
symbol, the loss is built as one scalar SymPy expression of those placeholders, ``sympy.diff``
differentiates it, and only then are the numbers (or the user's symbols) substituted.

Conventions: ``column`` (default) computes ``W x`` on column vectors, ``row`` computes ``x W``
on row vectors; the bias has the shape of the output. Softmax acts on all entries of its
input; flatten reads row by row. The derivative of ReLU at 0 is ``relu_grad_at_zero`` (0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sympy

from grader.derive import conv
from grader.derive.activations import ACTIVATIONS, apply_relu_convention
from grader.derive.losses import LOSSES, loss_value
from grader.derive.params import to_choice, to_exact, to_int, to_matrix, to_name
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix

PARAM_KINDS = {"matmul": 1, "bias": 1, "linear": 2, "conv2d": 1, "subpixel_conv": 1, "conv_transpose": 1}
PLAIN_KINDS = {"relu", "sigmoid", "tanh", "softplus", "shifted_logistic", "softmax", "flatten", "avgpool", "maxpool"}
OPTIONS = {"name", "stride", "padding", "size", "factor"}

@dataclass(frozen=True)
class Layer:
    """One layer: its kind, the node it writes, its parameter names and options."""

    kind: str
    name: str
    params: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)

@dataclass(frozen=True)
class Network:
    """A chain of layers with its values, loss and learning rate."""

    input_name: str
    layers: tuple[Layer, ...]
    values: Mapping[str, Matrix]  # the input and every parameter, exact
    convention: str = "column"
    loss: str | None = None
    target: Matrix | None = None
    lr: sympy.Expr | None = None
    relu_grad_at_zero: sympy.Expr = sympy.S.Zero

    @property
    def param_names(self) -> list[str]:
        return [p for layer in self.layers for p in layer.params]

    @property
    def node_names(self) -> list[str]:
        return [self.input_name] + [layer.name for layer in self.layers]

def apply_layer(layer: Layer, x: Matrix, values: Mapping[str, Matrix], convention: str) -> Matrix:
    """The output of one layer for input ``x`` and parameter values."""
    kind = layer.kind
    p = [values[name] for name in layer.params]
    try:
        if kind in ("matmul", "linear"):
            out = Matrix(p[0] * x) if convention == "column" else Matrix(x * p[0])
            return Matrix(out + _as_shape(p[1], out)) if kind == "linear" else out
        if kind == "bias":
            return Matrix(x + _as_shape(p[0], x))
    except sympy.ShapeError as exc:
        raise DerivationError(f"layer {layer.name!r} ({kind}): shapes do not match: {exc}") from None
    if kind in ACTIVATIONS:
        return x.applyfunc(ACTIVATIONS[kind])
    if kind == "softmax":
        exps = [sympy.exp(v) for v in x]
        total = sympy.Add(*exps)
        return Matrix(x.rows, x.cols, [e / total for e in exps])
    if kind == "flatten":
        flat = list(x)
        return Matrix(len(flat), 1, flat) if convention == "column" else Matrix(1, len(flat), flat)
    opts = layer.options
    if kind in ("avgpool", "maxpool"):
        return conv.pool(x, int(opts["size"]), int(opts["stride"]), kind[:3])
    if kind == "conv2d":
        return conv.conv2d(x, p[0], int(opts["stride"]), opts["padding"])
    if kind == "subpixel_conv":
        return conv.subpixel_conv(x, p[0], int(opts["factor"]))
    if kind == "conv_transpose":
        return conv.conv_transpose(x, p[0], int(opts["stride"]))
    raise DerivationError(f"unknown layer kind {kind!r}")

def _as_shape(bias: Matrix, like: Matrix) -> Matrix:
    if bias.shape == like.shape:
        return bias
    if len(bias) == len(like):
        return Matrix(like.rows, like.cols, list(bias))
    raise DerivationError(f"bias of shape {bias.shape} does not fit an output of shape {like.shape}")

def forward(net: Network, values: Mapping[str, Matrix] | None = None, start: int = 0,
            start_value: Matrix | None = None) -> dict[str, Matrix]:
    """Node values from layer ``start`` on (``start_value`` is the input of that layer)."""
    values = net.values if values is None else values
    x = values[net.input_name] if start_value is None else start_value
    nodes: dict[str, Matrix] = {}
    if start == 0:
        nodes[net.input_name] = x
    for layer in net.layers[start:]:
        x = apply_layer(layer, x, values, net.convention)
        nodes[layer.name] = x
    return nodes

def placeholders(name: str, shape: tuple[int, int]) -> Matrix:
    """A matrix of fresh dummy symbols standing for the entries of ``name``."""
    rows, cols = shape
    return Matrix(rows, cols, [sympy.Dummy(f"{name}_{i}_{j}") for i in range(rows) for j in range(cols)])

def differentiate(net: Network, mode: str = "chain") -> dict[str, sympy.Basic]:
    """Forward values, loss, gradients and updated parameters of ``net``, by name.

    ``mode="composed"`` differentiates the loss as one expression of every parameter entry;
    ``mode="chain"`` (default, much faster) differentiates each layer's output entries with
    respect to its input and parameter entries and multiplies these local Jacobians by the
    chain rule. Both take every derivative from ``sympy.diff``; the tests check they agree.
    """
    if net.loss is None or net.target is None:
        raise DerivationError("a network derivation needs a loss and a target")
    if not net.layers:
        raise DerivationError("a network needs at least one layer")
    nodes = forward(net)
    out: dict[str, sympy.Basic] = {f"forward.{k}": v for k, v in nodes.items()}
    out["loss"] = loss_value(net.loss, nodes[net.layers[-1].name], net.target)
    grads = _composed(net, nodes) if mode == "composed" else _chained(net, nodes)
    out.update(grads)
    if net.lr is not None:
        for name in net.param_names:
            out[f"updated.{name}"] = Matrix(net.values[name] - net.lr * grads[f"grad.{name}"])
    return out


def _finish(expr: sympy.Basic, net: Network) -> sympy.Basic:
    return apply_relu_convention(expr, net.relu_grad_at_zero)


def _local_grad(expr: sympy.Expr, wrt: Matrix, at: Mapping[sympy.Basic, sympy.Basic], net: Network) -> list[sympy.Expr]:
    """d expr / d each entry of ``wrt`` (placeholders), evaluated at ``at``."""
    free = expr.free_symbols
    return [_finish(_diff(expr, h).xreplace(at), net) if h in free else sympy.S.Zero for h in wrt]


_DIFFS: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr] = {}


def _diff(expr: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr:
    """``sympy.diff``, remembered: layers of the same kind and shape share placeholders, so a
    network of repeated layers differentiates each distinct entry once per process."""
    key = (expr, wrt)
    found = _DIFFS.get(key)
    if found is None:
        if len(_DIFFS) > 200_000:
            _DIFFS.clear()
        found = _DIFFS[key] = sympy.diff(expr, wrt)
    return found


def _canonical(role: str, shape: tuple[int, int]) -> Matrix:
    """Placeholders named by role and position only (``_in_0_1``); names that start with an
    underscore cannot clash with a user's symbol, which must start with a letter."""
    rows, cols = shape
    return Matrix(rows, cols, [sympy.Symbol(f"_{role}_{i}_{j}") for i in range(rows) for j in range(cols)])


def _chained(net: Network, nodes: Mapping[str, Matrix]) -> dict[str, Matrix]:
    grads: dict[str, Matrix] = {}
    last = net.layers[-1].name
    holder = _canonical("out", nodes[last].shape)
    loss = loss_value(net.loss or "", holder, net.target)
    at = dict(zip(holder, nodes[last], strict=True))
    g = Matrix(holder.rows, holder.cols, _local_grad(loss, holder, at, net))
    grads[f"grad.{last}"] = g
    for index in range(len(net.layers) - 1, -1, -1):
        layer = net.layers[index]
        in_name = net.node_names[index]
        x_holder = _canonical("in", nodes[in_name].shape)
        p_holders = {p: _canonical(f"p{k}", net.values[p].shape) for k, p in enumerate(layer.params)}
        outputs = apply_layer(layer, x_holder, dict(net.values) | p_holders, net.convention)
        at = dict(zip(x_holder, nodes[in_name], strict=True))
        for p, h in p_holders.items():
            at.update(zip(h, net.values[p], strict=True))
        # Terms are collected and summed once: repeated += re-flattens a growing Add.
        terms_in: list[list[sympy.Expr]] = [[] for _ in x_holder]
        terms_par = {p: [[] for _ in h] for p, h in p_holders.items()}
        for g_out, entry in zip(g, outputs, strict=True):
            if g_out == 0:
                continue
            for k, d in enumerate(_local_grad(entry, x_holder, at, net)):
                if d != 0:
                    terms_in[k].append(_product(g_out, d))
            for p, h in p_holders.items():
                for k, d in enumerate(_local_grad(entry, h, at, net)):
                    if d != 0:
                        terms_par[p][k].append(_product(g_out, d))
        for p, h in p_holders.items():
            grads[f"grad.{p}"] = Matrix(h.rows, h.cols, [sympy.Add(*t) for t in terms_par[p]])
        g = Matrix(x_holder.rows, x_holder.cols, [sympy.Add(*t) for t in terms_in])
        grads[f"grad.{in_name}"] = g
    return _ordered(net, grads)


def _product(g: sympy.Expr, d: sympy.Expr) -> sympy.Expr:
    """g * d without distributing a number over a sum: SymPy's automatic 2*(a + b) -> 2a + 2b
    makes back-propagated sums grow with every layer."""
    if d == 1:
        return g
    if g.is_Add and d.is_Number:
        return sympy.Mul(d, g, evaluate=False)
    return g * d


def _composed(net: Network, nodes: Mapping[str, Matrix]) -> dict[str, Matrix]:
    holders = {name: placeholders(name, net.values[name].shape) for name in net.param_names}
    sym_values = dict(net.values) | holders
    numbers: dict[sympy.Basic, sympy.Basic] = {}
    for name, holder in holders.items():
        numbers.update(zip(holder, net.values[name], strict=True))
    grads: dict[str, Matrix] = {}
    last = net.layers[-1].name
    # d loss / d node: the loss of the rest of the network as a function of that node.
    for index in range(len(net.layers), -1, -1):
        node = net.node_names[index]
        holder = placeholders(node, nodes[node].shape)
        result = forward(net, sym_values, start=index, start_value=holder)[last] if index < len(net.layers) else holder
        loss = loss_value(net.loss or "", result, net.target)
        at = numbers | dict(zip(holder, nodes[node], strict=True))
        grads[f"grad.{node}"] = Matrix(holder.rows, holder.cols, _local_grad(loss, holder, at, net))
    # d loss / d parameter: the whole network as a function of every parameter entry.
    loss = loss_value(net.loss or "", forward(net, sym_values)[last], net.target)
    for name, holder in holders.items():
        grads[f"grad.{name}"] = Matrix(holder.rows, holder.cols, _local_grad(loss, holder, numbers, net))
    return _ordered(net, grads)


def _ordered(net: Network, grads: Mapping[str, Matrix]) -> dict[str, Matrix]:
    """Node gradients from the output back to the input, then parameter gradients."""
    names = [f"grad.{n}" for n in reversed(net.node_names)] + [f"grad.{p}" for p in net.param_names]
    return {name: grads[name] for name in names}


def build_network(
    layers: Sequence[object],
    input_value: object,
    *,
    input_name: str = "X",
    convention: str = "column",
    loss: str | None = None,
    target: object = None,
    lr: object = None,
    relu_grad_at_zero: object = 0,
) -> Network:
    """A ``Network`` from the parameter form ``[{linear: {W: ..., b: ...}}, {relu: {}}, ...]``."""
    convention = to_choice(convention, "convention", ("column", "row"))
    if not isinstance(layers, list | tuple) or not layers:
        raise DerivationError("layers: expected a non-empty list of {kind: {...}} items")
    values: dict[str, Matrix] = {}
    input_name = to_name(input_name, "input_name")
    values[input_name] = to_matrix(input_value, "input", convention)
    built: list[Layer] = []
    for index, item in enumerate(layers, start=1):
        built.append(_parse_layer(index, item, values, convention))
    names = [input_name] + [layer.name for layer in built]
    clash = set(names) & {p for layer in built for p in layer.params}
    if len(set(names)) != len(names) or clash:
        raise DerivationError("node and parameter names must all be different")
    kind = None if loss is None else to_choice(loss, "loss", tuple(LOSSES))
    return Network(
        input_name=input_name,
        layers=tuple(built),
        values=values,
        convention=convention,
        loss=kind,
        target=None if target is None else to_matrix(target, "target", convention),
        lr=None if lr is None else to_exact(lr, "lr"),
        relu_grad_at_zero=to_exact(relu_grad_at_zero, "relu_grad_at_zero"),
    )

def _parse_layer(index: int, item: object, values: dict[str, Matrix], convention: str) -> Layer:
    where = f"layers[{index}]"
    if isinstance(item, str):
        item = {item: {}}
    if not isinstance(item, Mapping) or len(item) != 1:
        raise DerivationError(f"{where}: expected one {{kind: {{...}}}} mapping")
    ((kind, spec),) = item.items()
    kind = str(kind).strip().lower()
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise DerivationError(f"{where} ({kind}): expected a mapping of options and parameters")
    if kind not in PARAM_KINDS and kind not in PLAIN_KINDS:
        known = ", ".join(sorted(PARAM_KINDS) + sorted(PLAIN_KINDS))
        raise DerivationError(f"{where}: unknown layer kind {kind!r}; known: {known}")
    name = to_name(spec.get("name", f"h{index}"), f"{where}.name")
    options = {str(k): v for k, v in spec.items() if k in OPTIONS and k != "name"}
    params = [(str(k), v) for k, v in spec.items() if k not in OPTIONS]
    expected = PARAM_KINDS.get(kind, 0)
    if len(params) != expected:
        raise DerivationError(f"{where} ({kind}): expected {expected} parameter(s), got {len(params)}")
    for pname, raw in params:
        pname = to_name(pname, f"{where} parameter")
        if pname in values:
            raise DerivationError(f"{where}: parameter name {pname!r} is used twice")
        orient = convention if kind in ("bias", "linear") and pname == params[-1][0] else "column"
        values[pname] = to_matrix(raw, f"{where}.{pname}", orient)
    return Layer(kind, name, tuple(p for p, _ in params), _options(kind, options, where))

def _options(kind: str, options: Mapping[str, object], where: str) -> dict[str, object]:
    result: dict[str, object] = {}
    if kind in ("avgpool", "maxpool"):
        result["size"] = to_int(options.get("size", 2), f"{where}.size", 1)
        result["stride"] = to_int(options.get("stride", result["size"]), f"{where}.stride", 1)
    elif kind in ("conv2d", "conv_transpose"):
        result["stride"] = to_int(options.get("stride", 1), f"{where}.stride", 1)
        padding = options.get("padding", "valid")
        if isinstance(padding, str) and padding not in ("valid", "same", "full"):
            padding = to_int(padding, f"{where}.padding", 0)
        result["padding"] = padding
    elif kind == "subpixel_conv":
        result["factor"] = to_int(options.get("factor", 2), f"{where}.factor", 1)
    unknown = set(options) - set(result)
    if unknown:
        raise DerivationError(f"{where} ({kind}): unknown option(s) {', '.join(sorted(unknown))}")
    return result
