"""Timing of the derivation engine: seed-sized derivations and a 3-layer MLP of growing width.

Run: ``PYTHONPATH=. python bench/derive_bench.py [--max-width 32]``. Prints seconds per
derivation (cold = first in this process, warm = repeated: layer Jacobians of the same shape
are differentiated once per process), and the time to render the seed-sized answers.
"""

from __future__ import annotations

import argparse
import random
import time

from grader.derive import derive, list_derivations, render

SEEDS = [
    "mlp_relu_softmax_ce",
    "mlp_sigmoid_squared_error",
    "svm_hard_margin",
    "rnn_scalar_recurrence",
    "softmax_cross_entropy",
    "conv_output_shapes",
    "conv_param_count",
    "conv_kernel_gradient",
    "subpixel_conv",
    "deep_linear_gradient_norm",
    "gan_discriminator_gradient",
    "activation_derivative",
    "vae_kl",
    "batch_norm",
]


def mlp_params(width: int, hidden: str) -> dict[str, object]:
    rnd = random.Random(width)

    def vec() -> list[float]:
        return [round(rnd.uniform(-1, 1), 2) for _ in range(width)]

    layers: list[object] = []
    for k in (1, 2, 3):
        layers.append({"linear": {f"W{k}": [vec() for _ in range(width)], f"b{k}": vec()}})
        layers.append({hidden if k < 3 else "softmax": {}})
    return {"layers": layers, "input": vec(), "target": [f"1/{width}"] * width, "loss": "cross_entropy", "lr": 0.1, "tidy": False}


def timed(name: str, params: dict[str, object]) -> tuple[float, object]:
    start = time.perf_counter()
    d = derive(name, params)
    return time.perf_counter() - start, d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-width", type=int, default=32)
    args = parser.parse_args()
    assert set(SEEDS) <= {i.name for i in list_derivations()}
    print("seed-sized derivations: cold, warm, render json (15-digit decimals) seconds")
    for name in SEEDS:
        cold, _ = timed(name, {})
        warm, d = timed(name, {})
        start = time.perf_counter()
        render(d, "json")  # type: ignore[arg-type]
        print(f"  {name:28s} {cold:7.3f} {warm:7.3f} {time.perf_counter() - start:7.3f}")
    print("note: decimals of a width-8 MLP's exact gradients take minutes (evalf re-walks shared subtrees)")
    for hidden in ("relu", "sigmoid"):
        print(f"3-layer MLP, {hidden} hidden layers, softmax + cross-entropy, gradients + SGD step")
        print("  width   cold s   warm s")
        for width in (8, 16, 32):
            if width > args.max_width:
                break
            limit = 32 if hidden == "relu" else 8
            if width > limit:
                print(f"  {width:5d}   skipped: exact nested exp(...) expressions grow too large; use numbers with ReLU or a smaller width")
                continue
            cold, _ = timed("network", mlp_params(width, hidden))
            warm, _ = timed("network", mlp_params(width, hidden))
            print(f"  {width:5d}  {cold:7.3f}  {warm:7.3f}")


if __name__ == "__main__":
    main()
