"""Single-channel 2-D convolution, pooling and up-sampling on SymPy matrices.

Convolution here is cross-correlation, as in deep-learning courses and frameworks:
``C[i, j] = sum_{a, b} K[a, b] X[i*s + a, j*s + b]`` after padding. ``same`` padding pads
``(k - 1) // 2`` before and ``k // 2`` after (stride 1 keeps the size). Transposed convolution
scatters each input entry times the kernel (``Y[i*s + a, j*s + b] += X[i, j] K[a, b]``); the
sub-pixel convolution of the assignments is zero interpolation (``s - 1`` zeros between
entries), zero padding ``k - 1`` and then a plain (unflipped) cross-correlation with ``K``.
Pooling windows of ``size`` move by ``stride`` (default = size). Max pooling is SymPy's ``Max``,
whose derivative at a tie splits the gradient (Heaviside(0) = 1/2).
"""

from __future__ import annotations

import sympy

from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix


def pad(x: Matrix, before: int, after: int | None = None) -> Matrix:
    """Zero padding on all four sides."""
    after = before if after is None else after
    if before == 0 and after == 0:
        return x
    rows, cols = x.shape
    out = sympy.zeros(rows + before + after, cols + before + after)
    out[before : before + rows, before : before + cols] = x
    return Matrix(out)


def padding_amounts(kernel: int, padding: object) -> tuple[int, int]:
    """(before, after) for ``valid``, ``same``, ``full`` or an integer amount."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        return (kernel - 1) // 2, kernel // 2
    if padding == "full":
        return kernel - 1, kernel - 1
    if isinstance(padding, int) and not isinstance(padding, bool) and padding >= 0:
        return padding, padding
    raise DerivationError(f"padding must be valid, same, full or a non-negative integer, got {padding!r}")


def conv2d(x: Matrix, kernel: Matrix, stride: int = 1, padding: object = "valid") -> Matrix:
    """Cross-correlation of ``x`` with ``kernel``."""
    kr, kc = kernel.shape
    if kr != kc:
        before, after = (0, 0) if padding == "valid" else padding_amounts(kr, padding)
    else:
        before, after = padding_amounts(kr, padding)
    xp = pad(x, before, after)
    rows = (xp.rows - kr) // stride + 1
    cols = (xp.cols - kc) // stride + 1
    if rows < 1 or cols < 1:
        raise DerivationError(f"kernel {kr}x{kc} does not fit a {x.rows}x{x.cols} input")
    return Matrix(
        rows,
        cols,
        lambda i, j: sympy.Add(
            *[kernel[a, b] * xp[i * stride + a, j * stride + b] for a in range(kr) for b in range(kc)]
        ),
    )


def zero_interleave(x: Matrix, factor: int) -> Matrix:
    """Insert ``factor - 1`` zeros between neighbouring entries (zero interpolation)."""
    if factor == 1:
        return x
    rows, cols = x.shape
    out = sympy.zeros((rows - 1) * factor + 1, (cols - 1) * factor + 1)
    for i in range(rows):
        for j in range(cols):
            out[i * factor, j * factor] = x[i, j]
    return Matrix(out)


def subpixel_conv(x: Matrix, kernel: Matrix, factor: int = 2) -> Matrix:
    """Zero interpolation by ``factor``, zero padding ``k - 1``, then cross-correlation."""
    k = kernel.rows
    return conv2d(pad(zero_interleave(x, factor), k - 1), kernel)


def conv_transpose(x: Matrix, kernel: Matrix, stride: int = 1) -> Matrix:
    """Transposed convolution: each input entry scatters ``x[i, j] * kernel``."""
    rows, cols = x.shape
    kr, kc = kernel.shape
    out = [[sympy.S.Zero] * ((cols - 1) * stride + kc) for _ in range((rows - 1) * stride + kr)]
    for i in range(rows):
        for j in range(cols):
            for a in range(kr):
                for b in range(kc):
                    out[i * stride + a][j * stride + b] += x[i, j] * kernel[a, b]
    return Matrix(out)


def pool(x: Matrix, size: int = 2, stride: int | None = None, kind: str = "avg") -> Matrix:
    """Average or max pooling with square windows."""
    stride = size if stride is None else stride
    rows = (x.rows - size) // stride + 1
    cols = (x.cols - size) // stride + 1
    if rows < 1 or cols < 1:
        raise DerivationError(f"pooling window {size} does not fit a {x.rows}x{x.cols} input")

    def window(i: int, j: int) -> list[sympy.Expr]:
        return [x[i * stride + a, j * stride + b] for a in range(size) for b in range(size)]

    if kind == "max":
        return Matrix(rows, cols, lambda i, j: sympy.Max(*window(i, j)))
    return Matrix(rows, cols, lambda i, j: sympy.Add(*window(i, j)) / size**2)


def output_size(n: int, kernel: int, stride: int = 1, padding: object = "valid") -> int:
    """floor((n + p_before + p_after - k) / s) + 1."""
    before, after = padding_amounts(kernel, padding)
    size = (n + before + after - kernel) // stride + 1
    if size < 1:
        raise DerivationError(f"a window of {kernel} does not fit size {n} with padding {padding!r}")
    return size
