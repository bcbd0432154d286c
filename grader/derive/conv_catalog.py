"""Catalog entries for convolutional networks.

* ``conv_output_shapes``: channel x height x width through a conv/pool stack, with
  ``floor((n + 2p - k)/s) + 1``; ``same`` padding applies to convolutions, pooling is unpadded.
* ``conv_param_count``: parameters of parallel or stacked C -> C convolutions, as polynomials
  in C, with and without bias.
* ``conv_kernel_gradient``: d loss / d K for C = conv(X, K) (valid), S = sigmoid(C),
  P = 2x2 average pooling of S, with d loss / d P = g given; derived by ``sympy.diff`` on a
  concrete size and matched against the index formula
  ``sum_{i,j} 1/4 g_{ceil(i/2),ceil(j/2)} S_{i,j} (1 - S_{i,j}) X_{i+a,j+b}`` (i, j from 1;
  kernel offsets a, b from 0).
* ``subpixel_conv``: zero interpolation, padding k - 1, cross-correlation, optional ReLU.
"""

from __future__ import annotations

import sympy

from grader.derive import conv
from grader.derive.activations import Relu, sigmoid
from grader.derive.params import to_bool, to_choice, to_exact, to_int, to_matrix
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix

MNIST_LAYERS = [
    {"conv": {"kernel": 5, "channels": 16}},
    {"pool": {"kernel": 2, "stride": 1}},
    {"conv": {"kernel": 5, "channels": 32}},
    {"pool": {"kernel": 2, "stride": 1}},
]


def _shapes(p: dict[str, object]) -> dict[str, Quantity]:
    shape = [to_int(v, "input_shape", 1) for v in p["input_shape"]]  # type: ignore[union-attr]
    if len(shape) != 3:
        raise DerivationError("input_shape must be [channels, height, width]")
    default_padding = p["padding"]
    out: dict[str, Quantity] = {"shape.input": Matrix([shape])}
    counts = {"conv": 0, "pool": 0}
    for index, item in enumerate(p["layers"], start=1):  # type: ignore[arg-type]
        if not isinstance(item, dict) or len(item) != 1:
            raise DerivationError(f"layers[{index}]: expected {{conv: {{...}}}} or {{pool: {{...}}}}")
        ((kind, spec),) = item.items()
        kind = to_choice(kind, f"layers[{index}]", ("conv", "pool"))
        spec = spec or {}
        k = to_int(spec.get("kernel", 2 if kind == "pool" else 3), "kernel", 1)
        stride = to_int(spec.get("stride", p["stride"] if kind == "conv" else k), "stride", 1)
        padding = spec.get("padding", default_padding if kind == "conv" else "valid")
        channels = to_int(spec.get("channels", shape[0]), "channels", 1) if kind == "conv" else shape[0]
        shape = [channels, conv.output_size(shape[1], k, stride, padding), conv.output_size(shape[2], k, stride, padding)]
        counts[kind] += 1
        out[f"shape.{kind}{counts[kind]}"] = Matrix([shape])
    out["shape.flatten"] = sympy.Integer(shape[0] * shape[1] * shape[2])
    n, pad, k, s = sympy.symbols("n p k s")
    out["shape.formula"] = sympy.floor((n + 2 * pad - k) / s) + 1
    return out


def _kernel(spec: object) -> tuple[int, int]:
    if isinstance(spec, int) and not isinstance(spec, bool):
        return spec, spec
    if isinstance(spec, str) and "x" in spec:
        a, b = spec.lower().split("x", 1)
        return to_int(a, "kernel", 1), to_int(b, "kernel", 1)
    if isinstance(spec, list) and len(spec) == 2:
        return to_int(spec[0], "kernel", 1), to_int(spec[1], "kernel", 1)
    raise DerivationError(f"kernel {spec!r}: expected 3, '1x3' or [1, 3]")


def _param_count(p: dict[str, object]) -> dict[str, Quantity]:
    c = to_exact(p["C"], "C")
    out: dict[str, Quantity] = {}
    for key in ("kernels", "compare_with"):
        kernels = p[key]
        if kernels is None:
            continue
        if not isinstance(kernels, list) or not kernels:
            raise DerivationError(f"{key}: expected a list of kernels")
        sizes = [_kernel(k) for k in kernels]
        with_bias = sympy.expand(sympy.Add(*[(kh * kw * c + 1) * c for kh, kw in sizes]))
        without = sympy.expand(sympy.Add(*[kh * kw * c * c for kh, kw in sizes]))
        prefix = "params" if key == "kernels" else "params.other"
        out[f"{prefix}.with_bias"] = with_bias
        out[f"{prefix}.without_bias"] = without
    if "params.other.with_bias" in out:
        out["params.difference"] = sympy.expand(out["params.with_bias"] - out["params.other.with_bias"])  # type: ignore[operator]
    return out


def _kernel_gradient(p: dict[str, object]) -> dict[str, Quantity]:
    n, m, k = to_int(p["n"], "n", 1), to_int(p["m"], "m", 1), to_int(p["k"], "k", 1)
    if n * m * k * k > 64:
        raise DerivationError("keep n*m*k*k at most 64 for the explicit computation")
    rows, cols = 2 * n + k - 1, 2 * m + k - 1
    x = Matrix(rows, cols, lambda i, j: sympy.Symbol(f"X_{{{i + 1},{j + 1}}}"))
    kern = Matrix(k, k, lambda a, b: sympy.Symbol(f"K_{{{a},{b}}}"))
    g = Matrix(n, m, lambda i, j: sympy.Symbol(f"g_{{{i + 1},{j + 1}}}"))
    c_mat = conv.conv2d(x, kern)
    s_mat = c_mat.applyfunc(sigmoid)
    pooled = conv.pool(s_mat, 2, 2, "avg")
    surrogate = sympy.Add(*[gi * pi for gi, pi in zip(g, pooled, strict=True)])  # d/dP = g
    s_sym = Matrix(2 * n, 2 * m, lambda i, j: sympy.Symbol(f"S_{{{i + 1},{j + 1}}}"))
    # exp(-C) = (1 - S)/S turns sigmoid'(C) into S (1 - S)
    back = {sympy.exp(-c_mat[i, j]): (1 - s_sym[i, j]) / s_sym[i, j] for i in range(2 * n) for j in range(2 * m)}
    grad = Matrix(k, k, lambda a, b: sympy.expand(sympy.diff(surrogate, kern[a, b]).xreplace(back)))
    gb, sb, xb = sympy.IndexedBase("g"), sympy.IndexedBase("S"), sympy.IndexedBase("X")
    i, j, a, b = sympy.symbols("i j a b", integer=True)
    term = sympy.Rational(1, 4) * gb[sympy.ceiling(i / 2), sympy.ceiling(j / 2)] * sb[i, j] * (1 - sb[i, j]) * xb[i + a, j + b]
    formula = sympy.Sum(term, (i, 1, 2 * sympy.Symbol("n")), (j, 1, 2 * sympy.Symbol("m")))
    named = {**{gb[r + 1, q + 1]: g[r, q] for r in range(n) for q in range(m)},
             **{sb[r + 1, q + 1]: s_sym[r, q] for r in range(2 * n) for q in range(2 * m)},
             **{xb[r + 1, q + 1]: x[r, q] for r in range(rows) for q in range(cols)}}
    for aa in range(k):
        for bb in range(k):
            concrete = sympy.Sum(term.subs({a: aa, b: bb}), (i, 1, 2 * n), (j, 1, 2 * m)).doit().xreplace(named)
            if sympy.expand(concrete - grad[aa, bb]) != 0:
                raise DerivationError(f"index formula disagrees with the derivative at K_{{{aa},{bb}}}")
    return {
        "forward.C": c_mat,
        "grad.K": grad,
        "grad.K.formula": formula,
        "grad.S": Matrix(2 * n, 2 * m, lambda r, q: g[r // 2, q // 2] / 4),
    }


def _subpixel(p: dict[str, object]) -> dict[str, Quantity]:
    a = to_matrix(p["A"], "A")
    kern = to_matrix(p["K"], "K")
    factor = to_int(p["factor"], "factor", 1)
    if kern.rows != kern.cols:
        raise DerivationError("K must be square")
    method = to_choice(p["method"], "method", ("subpixel", "transpose"))
    if method == "subpixel":
        inter = conv.zero_interleave(a, factor)
        padded = conv.pad(inter, kern.rows - 1)
        out = conv.conv2d(padded, kern)
        quantities: dict[str, Quantity] = {"conv.interleaved": inter, "conv.padded": padded, "conv.output": out}
    else:
        out = conv.conv_transpose(a, kern, factor)
        quantities = {"conv.output": out}
    if to_bool(p["relu"], "relu"):
        quantities["conv.relu"] = out.applyfunc(Relu)
    return quantities


SEED_A = [[6, 0, -4, 0, 1], [4, 4, 0, 2, 1], [3, -7, 1, 4, 2], [-2, 2, 1, -4, 2], [5, 1, 2, 4, -1]]
SEED_K = [[3, -1, 2], [-2, 1, -3], [-2, 0, 3]]

CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "conv_output_shapes",
        "channel x height x width after each conv/pool layer and the flattened size",
        [
            ("input_shape", "[channels, height, width]", [1, 28, 28]),
            ("layers", "list of {conv: {kernel, channels, stride, padding}} / {pool: {kernel, stride}}", MNIST_LAYERS),
            ("padding", "default padding of conv layers: same, valid or an integer", "same"),
            ("stride", "default stride of conv layers", 1),
        ],
        _shapes,
    ),
    entry(
        "conv_param_count",
        "parameters of C -> C convolutions as polynomials in C, with and without bias",
        [
            ("C", "number of channels (a symbol or a number)", "C"),
            ("kernels", "kernels of the first design: 3, '1x3' or [1, 3]", [1, 1, 1, 1, 3, 5]),
            ("compare_with", "kernels of a second design to compare (optional)", None),
        ],
        _param_count,
    ),
    entry(
        "conv_kernel_gradient",
        "d loss/d K through conv (valid), sigmoid and 2x2 average pooling, explicit and as a formula",
        [
            ("n", "pooled output rows", 1),
            ("m", "pooled output columns", 2),
            ("k", "kernel size", 2),
        ],
        _kernel_gradient,
    ),
    entry(
        "subpixel_conv",
        "sub-pixel convolution (zero interpolation, pad k-1, correlate) or transposed convolution",
        [
            ("A", "input matrix", SEED_A),
            ("K", "kernel", SEED_K),
            ("factor", "up-sampling factor (stride)", 2),
            ("method", "subpixel or transpose", "subpixel"),
            ("relu", "apply ReLU to the result", True),
        ],
        _subpixel,
    ),
)
