"""The labelled comparison table: (expected, answer, context, verdict, diagnosis) from ML homework.

Each row is one ``Pair``. ``verdict`` is what ``grader.compare.equivalent`` must return (True,
False, or None for "cannot tell / cannot read"); ``diagnosis`` is the note code a False (or None)
row must carry (``None`` where no specific mistake can be named). The answer forms paraphrase
those found in real submissions (the seeds): index-form softmax cross-entropy, derivatives
written in terms of the output, matrices of rounded decimals, overlined RNN gradients, SVM
solutions as ``cases`` systems and comma lists, hyperplanes up to a factor, support-vector
index sets, parameter counts such as ``38C^2 + 6C``, GAN and KL terms. ``bench/compare_bench.py``
imports this table too.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.latex import SymbolContext, parse_assumption, parse_given


@dataclass(frozen=True)
class Pair:
    id: str
    expected: str
    answer: str
    verdict: bool | None
    diagnosis: str | None = None
    assume: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    #: a known limitation: the row documents the right verdict and is expected to fail
    xfail: str | None = None

    def context(self) -> SymbolContext:
        ctx = SymbolContext()
        for spec in self.assume:
            ctx = parse_assumption(spec, ctx)
        for spec in self.given:
            ctx = parse_given(spec, ctx)
        return ctx


# -- contexts ---------------------------------------------------------------------------------------
CE = ("p: probability vector N", "z: indexed N", "q: indexed N")
Q_GIVEN = (r"q_x=\frac{e^{z_x}}{\sum_{j} e^{z_j}}",)
SIG = (r"\sigma(x)=\frac{1}{1+e^{-x}}",)
MAT = ("W: matrix n x n", "x: vector n")
RNN_M = ("W_h: matrix n x n", "W_x: matrix n x m", "h_t: vector n", "x_t: vector m")
GAN = ("D: function", "G: function")
GZ = ("g: function", "z: function")
POS_X = ("x: positive",)

# exact values the numeric rows are built on: q - p for the 2-class softmax example
DQ = r"\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ \frac{1}{1+e} - 0.7 \end{bmatrix}"
E_VAL = r"\ln(1+e) - 0.3"  # = 1.0132617...
B_NEW = r"\begin{bmatrix} 0 \\ 0 \end{bmatrix} - 0.02\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}"
W_NEW = r"\begin{bmatrix} 1 & 0 \\ 0 & -1 \end{bmatrix} - 0.02\begin{bmatrix} \frac{e}{1+e} - 0.3 & \frac{e}{1+e} - 0.3 \\ 0 & 0 \end{bmatrix}"
SVM = r"\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}"
HYP = r"-x_1 + x_2 - 1 = 0"
PARAMS = r"38C^2 + 6C"
KL = r"\frac{1}{2}\left(\mu^2 + \sigma^2 - \ln\sigma^2 - 1\right)"
KL_SUM = r"\frac{1}{2}\sum_{j=1}^{n}\left(\mu_j^2 + \sigma_j^2 - \log(\sigma_j^2) - 1\right)"
GAN_D = r"\log D(x) + \log(1 - D(G(z)))"


def _p(id: str, expected: str, answer: str, verdict: bool | None, diagnosis: str | None = None, assume: tuple[str, ...] = (), given: tuple[str, ...] = (), xfail: str | None = None) -> Pair:
    return Pair(id, expected, answer, verdict, diagnosis, assume, given, xfail)


PAIRS: tuple[Pair, ...] = (
    # -- softmax cross-entropy, index form ---------------------------------------------------------
    _p("ce-grad-same", r"q_x - p_x", r"q_x - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-expanded", r"q_x - p_x", r"\frac{e^{z_x}}{\sum_{j=1}^{N} e^{z_j}} - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-expanded-bare-sum", r"q_x - p_x", r"\frac{e^{z_x}}{\sum_j e^{z_j}} - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-sum-upper-only", r"q_x - p_x", r"\frac{e^{z_x}}{\sum_j^N e^{z_j}} - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-softmax-call", r"q_x - p_x", r"\operatorname{softmax}(z)_x - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-softmax-text", r"q_x - p_x", r"\text{softmax}(z)_x - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-reordered", r"q_x - p_x", r"-p_x + q_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-equation", r"\frac{\partial E}{\partial z_x} = q_x - p_x", r"\frac{\partial E}{\partial z_x} = \frac{e^{z_x}}{\sum_j^N e^{z_j}} - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-chain", r"q_x - p_x", r"\frac{\partial E}{\partial z_x} = \frac{e^{z_x}}{\sum_j^N e^{z_j}} - p_x = q_x - p_x", True, None, CE, Q_GIVEN),
    _p("ce-grad-displaymath", r"q_x - p_x", r"$$q_x - p_x, \quad (2)$$", True, None, CE, Q_GIVEN),
    _p("ce-grad-sign", r"q_x - p_x", r"p_x - q_x", False, "SIGN", CE, Q_GIVEN),
    _p("ce-grad-missing-p", r"q_x - p_x", r"q_x", False, "MISSING_TERM", CE, Q_GIVEN),
    _p("ce-grad-missing-q", r"q_x - p_x", r"-p_x", False, "MISSING_TERM", CE, Q_GIVEN),
    _p("ce-grad-factor-2", r"q_x - p_x", r"2(q_x - p_x)", False, "FACTOR:2", CE, Q_GIVEN),
    _p("ce-grad-half", r"q_x - p_x", r"\frac{1}{2}(q_x - p_x)", False, "FACTOR:1/2", CE, Q_GIVEN),
    _p("ce-grad-extra-term", r"q_x - p_x", r"q_x - p_x + z_x", False, "EXTRA_TERM", CE, Q_GIVEN),
    _p("ce-grad-variance-form", r"q_x - p_x", r"q_x(1 - q_x)", False, None, CE, Q_GIVEN),
    _p("ce-grad-ratio", r"q_x - p_x", r"-\frac{p_x}{q_x}", False, None, CE, Q_GIVEN),
    _p("ce-loss-logsumexp", r"-\sum_i p_i \ln q_i", r"\ln\left(\sum_{j}e^{z_j}\right) - \sum_i p_i z_i", True, None, CE, Q_GIVEN),
    _p("ce-loss-log-natural", r"-\sum_i p_i \ln q_i", r"-\sum_{i=1}^{N} p_i \log q_i", True, None, CE, Q_GIVEN),
    _p("ce-loss-split-sum", r"-\sum_i p_i \ln q_i", r"\sum_{i}^{N} p_{i} \ln(\sum_{j}^{N} e^{z_{j}}) - \sum_{i}^{N} p_{i} z_{i}", True, None, CE, Q_GIVEN),
    _p("ce-loss-sign", r"-\sum_i p_i \ln q_i", r"\sum_i p_i \ln q_i", False, "SIGN", CE, Q_GIVEN),
    _p("ce-loss-no-logsumexp", r"-\sum_i p_i \ln q_i", r"-\sum_i p_i z_i", False, None, CE, Q_GIVEN),
    _p("ce-loss-log10", r"-\sum_i p_i \ln q_i", r"-\sum_i p_i \log_{10} q_i", False, "LOG_BASE", CE, Q_GIVEN),
    _p("ce-softmax-entry", r"\operatorname{softmax}(z)_x", r"\frac{e^{z_x}}{\sum_j e^{z_j}}", True, None, CE),
    _p("ce-softmax-entry-wrong-index", r"\operatorname{softmax}(z)_x", r"\frac{e^{z_1}}{\sum_j e^{z_j}}", False, None, CE),
    _p("ce-2class-q1", r"\frac{e}{1+e}", r"\frac{e^{1}}{e^{1}+e^{0}}", True),
    _p("ce-2class-q2", r"\frac{1}{1+e}", r"1 - \frac{e}{1+e}", True),
    _p("ce-2class-q2-reciprocal", r"\frac{1}{1+e}", r"1+e", False, "RECIPROCAL"),
    _p("ce-2class-vector", r"\begin{bmatrix} \frac{e}{1+e} \\ \frac{1}{1+e} \end{bmatrix}", r"\begin{bmatrix} 0.731 \\ 0.269 \end{bmatrix}", True),
    _p("ce-2class-vector-swapped", r"\begin{bmatrix} \frac{e}{1+e} \\ \frac{1}{1+e} \end{bmatrix}", r"\begin{bmatrix} 0.269 \\ 0.731 \end{bmatrix}", False, None),
    # -- the 2-class network, numbers --------------------------------------------------------------
    _p("mlp-dq-exact", DQ, r"\begin{bmatrix} \frac{e}{1+e} - \frac{3}{10} \\ \frac{1}{1+e} - \frac{7}{10} \end{bmatrix}", True),
    _p("mlp-dq-4-digits", DQ, r"\begin{bmatrix} 0.4311 \\ -0.4311 \end{bmatrix}", True),
    _p("mlp-dq-5-digits", DQ, r"\begin{bmatrix} 0.43106 \\ -0.43106 \end{bmatrix}", True),
    _p("mlp-dq-3-digits", DQ, r"\begin{bmatrix} 0.431 \\ -0.431 \end{bmatrix}", True),
    _p("mlp-dq-truncated", DQ, r"\begin{bmatrix} 0.4310 \\ -0.4310 \end{bmatrix}", True),
    _p("mlp-dq-2-digits", DQ, r"\begin{bmatrix} 0.43 \\ -0.43 \end{bmatrix}", False, "PRECISION"),
    _p("mlp-dq-1-digit", DQ, r"\begin{bmatrix} 0.4 \\ -0.4 \end{bmatrix}", False, "PRECISION"),
    _p("mlp-dq-sign", DQ, r"\begin{bmatrix} -0.4311 \\ 0.4311 \end{bmatrix}", False, "SIGN"),
    _p("mlp-dq-row", DQ, r"\begin{bmatrix} 0.4311 & -0.4311 \end{bmatrix}", False, "TRANSPOSE"),
    _p("mlp-dq-pmatrix", DQ, r"\begin{pmatrix} 0.4311 \\ -0.4311 \end{pmatrix}", True),
    _p("mlp-dq-wrong-entry", DQ, r"\begin{bmatrix} 0.4311 \\ -0.4411 \end{bmatrix}", False, None),
    _p("mlp-dq-three-rows", DQ, r"\begin{bmatrix} 0.4311 \\ -0.4311 \\ 0 \end{bmatrix}", False, "SHAPE"),
    _p("mlp-dq-scalar", DQ, r"0.4311", False, "SHAPE"),
    _p("mlp-loss-6-digits", E_VAL, r"1.01326", True),
    _p("mlp-loss-4-digits", E_VAL, r"1.013", True),
    _p("mlp-loss-3-digits", E_VAL, r"1.01", True),
    _p("mlp-loss-truncated", E_VAL, r"1.0132", True),
    _p("mlp-loss-rounded-5", E_VAL, r"1.0133", True),
    _p("mlp-loss-2-digits", E_VAL, r"1.0", False, "PRECISION"),
    _p("mlp-loss-wrong-last-digit", E_VAL, r"1.02", False, "ROUNDING"),
    _p("mlp-loss-wrong-round-up", E_VAL, r"1.0134", False, "ROUNDING"),
    _p("mlp-loss-equation", E_VAL, r"E = 1.01326", True),
    _p("mlp-loss-expression", E_VAL, r"-0.3\ln\frac{e}{1+e} - 0.7\ln\frac{1}{1+e}", True),
    _p("mlp-loss-approx", E_VAL, r"E \approx 1.0133", True),
    _p("mlp-loss-sci", E_VAL, r"1.01326 \times 10^{0}", True),
    _p("mlp-loss-negative", E_VAL, r"-1.01326", False, "SIGN"),
    _p("mlp-b-new-exact", B_NEW, r"\begin{bmatrix} -0.02\left(\frac{e}{1+e} - 0.3\right) \\ 0 \end{bmatrix}", True),
    _p("mlp-b-new-decimals", B_NEW, r"\begin{bmatrix} -0.0086211 \\ 0 \end{bmatrix}", True),
    _p("mlp-b-new-sci", B_NEW, r"\begin{bmatrix} -8.621 \times 10^{-3} \\ 0 \end{bmatrix}", True),
    _p("mlp-b-new-e-notation", B_NEW, r"\begin{bmatrix} -8.621e-3 \\ 0 \end{bmatrix}", True),
    _p("mlp-b-new-2-digits", B_NEW, r"\begin{bmatrix} -0.0086 \\ 0 \end{bmatrix}", False, "PRECISION"),
    _p("mlp-b-new-sign", B_NEW, r"\begin{bmatrix} 0.0086211 \\ 0 \end{bmatrix}", False, "SIGN"),
    _p("mlp-b-new-no-lr", B_NEW, r"\begin{bmatrix} -0.43106 \\ 0 \end{bmatrix}", False, None),
    _p("mlp-w-new-decimals", W_NEW, r"\begin{bmatrix} 0.99138 & -0.00862117 \\ 0 & -1 \end{bmatrix}", True),
    _p("mlp-w-new-3-digits", W_NEW, r"\begin{bmatrix} 0.991 & -0.00862 \\ 0 & -1 \end{bmatrix}", True),
    _p("mlp-w-new-ints-exact", W_NEW, r"\begin{bmatrix} 0.99138 & -0.0086212 \\ 0.0 & -1.0 \end{bmatrix}", True),
    _p("mlp-w-new-transposed", W_NEW, r"\begin{bmatrix} 0.99138 & 0 \\ -0.00862117 & -1 \end{bmatrix}", False, "TRANSPOSE"),
    _p("mlp-w-new-plus", W_NEW, r"\begin{bmatrix} 1.00862 & 0.00862117 \\ 0 & -1 \end{bmatrix}", False, None),
    _p("mlp-w-new-shape", W_NEW, r"\begin{bmatrix} 0.99138 & -0.00862117 \end{bmatrix}", False, "SHAPE"),
    _p("mlp-dw-outer", r"\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}\begin{bmatrix} 1 & 1 \end{bmatrix}", r"\begin{bmatrix} \frac{e}{1+e} - 0.3 & \frac{e}{1+e} - 0.3 \\ 0 & 0 \end{bmatrix}", True),
    _p("mlp-dw-inner", r"\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}\begin{bmatrix} 1 & 1 \end{bmatrix}", r"\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}", False, "SHAPE"),
    _p("mlp-relu-forward", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix}", r"\max\left(0, \begin{bmatrix} 1 & 0 \\ 0 & -1 \end{bmatrix}\begin{bmatrix} 1 \\ 1 \end{bmatrix}\right)", True, None),
    _p("mlp-matmul", r"\begin{bmatrix} 1 \\ -1 \end{bmatrix}", r"\begin{bmatrix} 1 & 0 \\ 0 & -1 \end{bmatrix}\begin{bmatrix} 1 \\ 1 \end{bmatrix}", True),
    _p("mlp-matmul-wrong", r"\begin{bmatrix} 1 \\ -1 \end{bmatrix}", r"\begin{bmatrix} 1 \\ 1 \end{bmatrix}", False, None),
    _p("mlp-lr-half", r"0.02", r"\frac{1}{50}", True),
    _p("mlp-pct", r"0.25", r"25\%", True),
    _p("mlp-pct-wrong", r"0.25", r"2.5\%", False, None),
    # -- activations and their derivatives ------------------------------------------------------------
    _p("sig-deriv-exp", r"\sigma(x)(1-\sigma(x))", r"\frac{e^{-x}}{(1+e^{-x})^2}", True, None, (), SIG),
    _p("sig-deriv-exp-fn", r"\sigma(x)(1-\sigma(x))", r"\frac{\exp(-x)}{(1+\exp(-x))^2}", True, None, (), SIG),
    _p("sig-deriv-prime", r"\sigma(x)(1-\sigma(x))", r"\sigma'(x)", True, None, (), SIG),
    _p("sig-deriv-expanded", r"\sigma(x)(1-\sigma(x))", r"\sigma(x) - \sigma(x)^2", True, None, (), SIG),
    _p("sig-deriv-power-notation", r"\sigma(x)(1-\sigma(x))", r"\sigma(x) - \sigma^2(x)", True, None, (), SIG),
    _p("sig-deriv-frac-d", r"\sigma(x)(1-\sigma(x))", r"\frac{d}{dx}\left(\frac{1}{1+e^{-x}}\right)", True, None, (), SIG),
    _p("sig-deriv-squared", r"\sigma(x)(1-\sigma(x))", r"\sigma(x)^2", False, None, (), SIG),
    _p("sig-deriv-sign", r"\sigma(x)(1-\sigma(x))", r"\sigma(x)(\sigma(x) - 1)", False, "SIGN", (), SIG),
    _p("sig-deriv-plus", r"\sigma(x)(1-\sigma(x))", r"\sigma(x)(1+\sigma(x))", False, None, (), SIG),
    _p("sig-deriv-is-sigma", r"\sigma(x)(1-\sigma(x))", r"\sigma(x)", False, None, (), SIG),
    _p("sig-deriv-exp-sign", r"\sigma(x)(1-\sigma(x))", r"\frac{e^{x}}{(1+e^{-x})^2}", False, None, (), SIG),
    _p("sig-deriv-output", r"y(1-y)", r"y - y^2", True),
    _p("sig-deriv-output-tanh-form", r"y(1-y)", r"1 - y^2", False, None),
    _p("sig-deriv-output-sign", r"y(1-y)", r"y(y-1)", False, "SIGN"),
    _p("sig-deriv-chain", r"\frac{\partial E}{\partial y}\sigma(x)(1-\sigma(x))", r"\frac{\partial E}{\partial y}\frac{\exp(-x)}{(1+\exp(-x))^2}", True, None, (), SIG),
    _p("sig-deriv-chain-missing-upstream", r"\frac{\partial E}{\partial y}\sigma(x)(1-\sigma(x))", r"\sigma(x)(1-\sigma(x))", False, None, (), SIG),
    _p("sig-at-zero", r"\frac{1}{4}", r"\sigma'(0)", True, None, (), SIG),
    _p("sig-inverse-at-zero", r"4", r"\frac{1}{\sigma'(0)}", True, None, (), SIG),
    _p("sig-inverse-chain", r"4", r"\alpha = \frac{1}{\sigma'(0)} = \frac{1}{\frac{1}{4}} = 4", True, None, (), SIG),
    _p("sig-inverse-reciprocal", r"4", r"\frac{1}{4}", False, "RECIPROCAL"),
    _p("sig-shifted", r"\sigma(x) - 0.5", r"\frac{1}{1+e^{-x}} - \frac{1}{2}", True, None, (), SIG),
    _p("sig-shifted-tanh", r"\sigma(x) - 0.5", r"\frac{1}{2}\tanh\left(\frac{x}{2}\right)", True, None, (), SIG),
    _p("tanh-deriv-exp", r"1 - \tanh^2(x)", r"\frac{4e^{2x}}{(e^{2x}+1)^2}", True),
    _p("tanh-deriv-exp-fn", r"1 - \tanh^2(x)", r"\frac{4 \exp(2x)}{(\exp(2x)+1)^2}", True),
    _p("tanh-deriv-cosh", r"1 - \tanh^2(x)", r"\frac{1}{\cosh^2 x}", True),
    _p("tanh-deriv-power", r"1 - \tanh^2(x)", r"1 - (\tanh x)^2", True),
    _p("tanh-deriv-sign", r"1 - \tanh^2(x)", r"\tanh^2(x) - 1", False, "SIGN"),
    _p("tanh-deriv-missing-one", r"1 - \tanh^2(x)", r"-\tanh^2(x)", False, "MISSING_TERM"),
    _p("tanh-deriv-sigmoid-form", r"1 - \tanh^2(x)", r"\tanh(x)(1 - \tanh(x))", False, None),
    _p("tanh-deriv-output", r"1 - y^2", r"(1-y)(1+y)", True),
    _p("tanh-deriv-output-wrong", r"1 - y^2", r"1 - y", False, None),
    _p("tanh-def", r"\tanh(x)", r"\frac{\exp(x) - \exp(-x)}{\exp(x) + \exp(-x)}", True),
    _p("tanh-def-2x", r"\tanh(x)", r"\frac{\exp(2x) - 1}{\exp(2x) + 1}", True),
    _p("relu-deriv-cases", r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"\begin{cases} 1 & \text{if } x > 0 \\ 0 & x \le 0 \end{cases}", True),
    _p("relu-deriv-cases-swapped-rows", r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"\begin{cases} 0 & x \le 0 \\ 1 & x > 0 \end{cases}", True),
    _p("relu-deriv-cases-wrong", r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", False, None),
    _p("relu-def-max", r"\max(0, x)", r"\operatorname{ReLU}(x)", True),
    _p("relu-def-cases", r"\max(0, x)", r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", True),
    _p("relu-upstream", r"\begin{cases} \frac{\partial E}{\partial y} & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"\begin{cases} \frac{\partial E}{\partial y} & x > 0 \\ 0 & x \le 0 \end{cases}", True),
    _p("softplus-deriv", r"\frac{1}{1+e^{-x}}", r"\frac{d}{dx}\left(\ln(1+e^{x})\right)", True),
    _p("prime-not-value", r"f'(x)", r"f(x)", False, None),
    _p("prime-second-not-first", r"f''(x)", r"f'(x)", False, None),
    _p("prime-same", r"f'(x)", r"f'(x)", True),
    _p("prime-sigma-not-sigma", r"\sigma'(z)", r"\sigma(z)", False, None),
    # -- RNN, scalar --------------------------------------------------------------------------------
    _p("rnn-rec", r"\sigma(z_t + h_t W) - 0.5", r"\sigma(z_t + W h_t) - \frac{1}{2}", True),
    _p("rnn-rec-no-shift", r"\sigma(z_t + h_t W) - 0.5", r"\sigma(z_t + h_t W)", False, "MISSING_TERM"),
    _p("rnn-jac", r"W \sigma'(z_t + h_t W)", r"\sigma'(z_t + h_t W) W", True),
    _p("rnn-jac-no-w", r"W \sigma'(z_t + h_t W)", r"\sigma'(z_t + h_t W)", False, None),
    _p("rnn-jac-def", r"W \sigma'(z_t + h_t W)", r"W\sigma(z_t + h_t W)(1 - \sigma(z_t + h_t W))", True, None, (), SIG),
    _p("rnn-bar-rec", r"\overline{h_t} = \overline{h_{t+1}} W \sigma'(z_t + h_t W)", r"\bar{h}_t = \bar{h}_{t+1} \sigma'(z_t + h_t W) W", True),
    _p("rnn-bar-rec-division", r"\overline{h_t} = \overline{h_{t+1}} W \sigma'(z_t + h_t W)", r"\overline{h_t} = \frac{\overline{h_{t+1}}}{W\sigma'(z_t + h_t W)}", False, None),
    _p("rnn-bar-not-plain", r"\overline{h_t}", r"h_t", False, None),
    _p("rnn-bar-forms", r"\overline{h_{t+1}}", r"\bar h_{t+1}", True),
    _p("rnn-hat-not-plain", r"\hat y", r"y", False, None),
    _p("rnn-hat-forms", r"\hat{y}_i", r"\widehat{y_i}", True),
    _p("rnn-tilde-distinct", r"\tilde{h}", r"\bar{h}", False, None),
    _p("rnn-time-index", r"h_{t+1}", r"h_{t + 1}", True),
    _p("rnn-time-index-wrong", r"h_{t+1}", r"h_{t-1}", False, None),
    _p("rnn-vanish-half", r"\frac{1}{2^{49}}", r"2^{-49}", True),
    _p("rnn-vanish-reciprocal", r"\frac{1}{2^{49}}", r"2^{49}", False, "RECIPROCAL"),
    _p("rnn-norm-power", r"c^{49}", r"\sqrt{c^{98}}", True, None, ("c > 0",)),
    _p("rnn-norm-power-real", r"c^{49}", r"\sqrt{c^{98}}", False, None),
    _p("rnn-bits", r"g(v^T h^t + 3.25y^{t-1} - 3)", r"g(3.25 y^{t-1} + v^\top h^t - 3)", True),
    # -- RNN, matrices -------------------------------------------------------------------------------
    _p("rnn-mat-transpose-T", r"W^T x", r"W^\top x", True, None, MAT),
    _p("rnn-mat-transpose-braced", r"W^T x", r"W^{\top} x", True, None, MAT),
    _p("rnn-mat-transpose-intercal", r"W^T x", r"W^\intercal x", True, None, MAT),
    _p("rnn-mat-transpose-group", r"W^T x", r"(x^T W)^T", True, None, MAT),
    _p("rnn-mat-no-transpose", r"W^T x", r"W x", False, None, MAT),
    _p("rnn-mat-row-vector", r"W^T x", r"x^T W", False, "TRANSPOSE", MAT),
    _p("rnn-mat-bold", r"W^T x", r"\mathbf{W}^T \mathbf{x}", True, None, MAT),
    _p("rnn-mat-boldsymbol", r"W^T x", r"\boldsymbol{W}^{T} \boldsymbol{x}", True, None, MAT),
    _p("rnn-mat-scaled", r"W^T x", r"2 W^T x", False, "FACTOR:2", MAT),
    _p("rnn-mat-quadratic", r"x^T W x", r"x^T W^T x", True, None, MAT),
    _p("rnn-mat-gram", r"W^T W", r"(W^T W)^T", True, None, MAT),
    _p("rnn-mat-gram-wrong", r"W^T W", r"W W^T", False, None, MAT),
    _p("rnn-mat-rec", r"W_h h_t + W_x x_t", r"W_x x_t + W_h h_t", True, None, RNN_M),
    _p("rnn-mat-rec-bold", r"W_h h_t + W_x x_t", r"\mathbf{W}_h \mathbf{h}_t + \mathbf{W}_x \mathbf{x}_t", True, None, RNN_M),
    _p("rnn-mat-rec-transposed", r"W_h h_t + W_x x_t", r"W_h^T h_t + W_x x_t", False, None, RNN_M),
    _p("rnn-mat-rec-missing", r"W_h h_t + W_x x_t", r"W_h h_t", False, "MISSING_TERM", RNN_M),
    _p("rnn-mat-backprop", r"W_h^T h_t", r"(h_t^T W_h)^T", True, None, RNN_M),
    _p("rnn-mat-backprop-wrong", r"W_h^T h_t", r"W_h h_t", False, None, RNN_M),
    _p("rnn-mat-shape", r"W_h h_t", r"h_t^T W_h", False, "SHAPE", RNN_M),
    # -- SVM -----------------------------------------------------------------------------------------
    _p("svm-cases-same", SVM, r"\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}", True),
    _p("svm-comma-list", SVM, r"w_1 = -1, w_2 = 1, b = -1", True),
    _p("svm-comma-list-reordered", SVM, r"b = -1, w_1 = -1, w_2 = 1", True),
    _p("svm-cases-spacing", SVM, r"\begin{cases} w_1 = -1, \\ w_2 = 1, \\ b = -1. \end{cases}", True),
    _p("svm-backwards", SVM, r"-1 = w_1, 1 = w_2, -1 = b", True),
    _p("svm-fractions", SVM, r"w_1 = -\frac{2}{2}, w_2 = \frac{3}{3}, b = -1", True),
    _p("svm-aligned", SVM, r"\begin{aligned} w_1 &= -1 \\ w_2 &= 1 \\ b &= -1 \end{aligned}", True),
    _p("svm-wrong-w2", SVM, r"w_1 = -1, w_2 = -1, b = -1", False, None),
    _p("svm-wrong-b", SVM, r"w_1 = -1, w_2 = 1, b = 1", False, None),
    _p("svm-missing-b", SVM, r"w_1 = -1, w_2 = 1", False, "MISSING_TERM"),
    _p("svm-not-system", SVM, r"-1", False, "FORM"),
    _p("svm-hyperplane-same", HYP, r"-x_1 + x_2 - 1 = 0", True),
    _p("svm-hyperplane-negated", HYP, r"x_1 - x_2 + 1 = 0", True),
    _p("svm-hyperplane-scaled", HYP, r"2x_2 - 2x_1 - 2 = 0", True),
    _p("svm-hyperplane-solved", HYP, r"x_2 = x_1 + 1", True),
    _p("svm-hyperplane-moved", HYP, r"x_2 - x_1 = 1", True),
    _p("svm-hyperplane-boxed", HYP, r"\boxed{-x_1 + x_2 - 1 = 0} \tag{24}", True),
    _p("svm-hyperplane-decimal-factor", HYP, r"0.5x_2 - 0.5x_1 - 0.5 = 0", True),
    _p("svm-hyperplane-wrong-sign", HYP, r"x_1 + x_2 - 1 = 0", False, None),
    _p("svm-hyperplane-wrong-offset", HYP, r"-x_1 + x_2 + 1 = 0", False, None),
    _p("svm-hyperplane-vector-form", r"w^T x + b = 0", r"b + w^T x = 0", True),
    _p("svm-support-set", r"\{1, 3, 4, 6\}", r"\{1, 3, 4, 6\}", True),
    _p("svm-support-set-order", r"\{1, 3, 4, 6\}", r"\{6, 4, 3, 1\}", True),
    _p("svm-support-set-missing", r"\{1, 3, 4, 6\}", r"\{1, 3, 4\}", False, "COUNT"),
    _p("svm-support-set-wrong", r"\{1, 3, 4, 6\}", r"\{1, 3, 4, 5\}", False, None),
    _p("svm-support-set-extra", r"\{1, 3, 4, 6\}", r"\{1, 2, 3, 4, 6\}", False, "COUNT"),
    _p("svm-margin-norm", r"\frac{1}{2}\|w\|^2", r"\frac{||w||^2}{2}", True),
    _p("svm-margin-norm-vert", r"\frac{1}{2}\|w\|^2", r"\frac{1}{2}\lVert w \rVert^2", True),
    _p("svm-margin-norm-factor", r"\frac{1}{2}\|w\|^2", r"\|w\|^2", False, "FACTOR:2"),
    _p("svm-norm-components", r"\sqrt{w_1^2 + w_2^2}", r"(w_1^2 + w_2^2)^{1/2}", True),
    _p("svm-constraint", r"2w_2 + b \ge 1", r"w_1 \cdot 0 + w_2 \cdot 2 + b \ge 1", True),
    _p("svm-constraint-flipped", r"2w_2 + b \ge 1", r"1 - 2w_2 - b \le 0", True),
    _p("svm-constraint-geq", r"2w_2 + b \ge 1", r"2w_2 + b \geq 1", True),
    _p("svm-constraint-wrong-way", r"2w_2 + b \ge 1", r"2w_2 + b \le 1", False, "SIGN"),
    _p("svm-constraint-strict", r"2w_2 + b \ge 1", r"2w_2 + b > 1", False, "RELATION"),
    _p("svm-lagrange-multiplier", r"\lambda^{[1]} = \frac{1}{2}", r"\lambda^{[1]} = \lambda^{[2]} = \frac12", True),
    _p("svm-lagrange-multiplier-wrong", r"\lambda^{[1]} = \frac{1}{2}", r"\lambda^{[1]} = 2", False, "RECIPROCAL"),
    _p("svm-w-row", r"\begin{bmatrix} 1 & 0 \end{bmatrix}", r"\begin{bmatrix} 1 & 0 \end{bmatrix}", True),
    _p("svm-w-column", r"\begin{bmatrix} 1 & 0 \end{bmatrix}", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix}", False, "TRANSPOSE"),
    _p("svm-w-transpose-written", r"\begin{bmatrix} 1 & 0 \end{bmatrix}", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix}^T", True),
    _p("svm-w-tuple", r"(1, 0)", r"(1,0)", True),
    _p("svm-w-tuple-swapped", r"(1, 0)", r"(0, 1)", False, None),
    _p("svm-w-tuple-short", r"(1, 0)", r"(1, 0, 0)", False, "COUNT"),
    _p("svm-bias-zero", r"b = 0", r"b = 0.0", True),
    _p("svm-w1-from-b", r"w_1 = 1 - b", r"w_1 = -b + 1", True),
    _p("svm-w1-lambda", r"2\lambda^{[2]}", r"\lambda^{[2]} (-1) (-1 - 1)", True),
    _p("svm-w1-lambda-sign", r"2\lambda^{[2]}", r"\lambda^{[2]} (-1) (1 + 1)", False, "SIGN"),
    # -- convolution shapes and parameter counts -------------------------------------------------------
    _p("conv-params-sum", PARAMS, r"4 \times (C + 1)C + (9C + 1)C + (25C + 1)C", True),
    _p("conv-params-factored", PARAMS, r"C(38C + 6)", True),
    _p("conv-params-cdot", PARAMS, r"4 \cdot (C+1) \cdot C + (9C+1) \cdot C + (25C+1) \cdot C", True),
    _p("conv-params-other-model", PARAMS, r"31C^2 + 7C", False, None),
    _p("conv-params-no-bias", PARAMS, r"38C^2", False, "MISSING_TERM"),
    _p("conv-params-extra", PARAMS, r"38C^2 + 6C + 1", False, "EXTRA_TERM"),
    _p("conv-params-double", PARAMS, r"76C^2 + 12C", False, "FACTOR:2"),
    _p("conv-params-linear", PARAMS, r"38C + 6", False, None),
    _p("conv-params-3x3", r"9C^2 + C", r"(9C + 1)C", True),
    _p("conv-params-two-2x2", r"8C^2 + 2C", r"2 \times (4C + 1)C", True),
    _p("conv-params-two-2x2-wrong", r"8C^2 + 2C", r"2 \times (4C + 1)", False, None),
    _p("conv-params-3x1", r"6C^2 + 2C", r"2 \times (3C + 1)C", True),
    _p("conv-params-number", r"5 \cdot 5 \cdot 3 \cdot 6 + 6", r"456", True),
    _p("conv-params-number-no-bias", r"5 \cdot 5 \cdot 3 \cdot 6 + 6", r"450", False, "MISSING_TERM"),
    _p("conv-params-thousands", r"7425000", r"7,425,000", True),
    _p("conv-params-thousands-braces", r"7425000", r"7{,}425{,}000", True),
    _p("conv-out-size", r"\frac{n + 2p - k}{s} + 1", r"\frac{n - k + 2p + s}{s}", True),
    _p("conv-out-size-no-pad", r"\frac{n + 2p - k}{s} + 1", r"\frac{n - k}{s} + 1", False, None),
    _p("conv-out-number", r"\frac{32 + 2\cdot 2 - 5}{1} + 1", r"32", True),
    _p("conv-out-shape", r"(32, 32, 6)", r"(32, 32, 6)", True),
    _p("conv-out-shape-order", r"(32, 32, 6)", r"(6, 32, 32)", False, None),
    _p("conv-pool-grad", r"\frac{1}{4} g_{1,1}", r"\frac{g_{1,1}}{4}", True),
    _p("conv-pool-grad-wrong", r"\frac{1}{4} g_{1,1}", r"\frac{g_{1,1}}{6}", False, "FACTOR:2/3"),
    _p("conv-sig-layer", r"s_{1,1}(1 - s_{1,1})", r"s_{11} - s_{11}^2", True),
    _p("conv-intersection", r"(0.143, 1.633)", r"(0.143,1.633)", True),
    _p("conv-intersection-fraction", r"(\frac{1}{7}, 1.633)", r"(0.143, 1.633)", True),
    _p("conv-vit-patches", r"\frac{HW}{P^2}", r"H W P^{-2}", True),
    # -- GAN -----------------------------------------------------------------------------------------
    _p("gan-d-loss-ln", GAN_D, r"\ln D(x) + \ln(1 - D(G(z)))", True, None, GAN),
    _p("gan-d-loss-reordered", GAN_D, r"\log(1 - D(G(z))) + \log D(x)", True, None, GAN),
    _p("gan-d-loss-sign", GAN_D, r"-\log D(x) - \log(1 - D(G(z)))", False, "SIGN", GAN),
    _p("gan-d-loss-missing", GAN_D, r"\log D(x)", False, "MISSING_TERM", GAN),
    _p("gan-d-loss-generator-form", GAN_D, r"\log D(x) + \log D(G(z))", False, None, GAN),
    _p("gan-d-loss-log10", GAN_D, r"\log_{10} D(x) + \log_{10}(1 - D(G(z)))", False, "LOG_BASE", GAN),
    _p("gan-grad-sigmoid", r"\sum_{i=1}^n \frac{g'(z(X^i))}{g(z(X^i))}", r"\sum_{i=1}^n \left(1 - g(z(X^i))\right)", True, None, GZ, (r"g(x)=\frac{1}{1+e^{-x}}",)),
    _p("gan-grad-sigmoid-split", r"\sum_{i=1}^n \frac{g'(z(X^i))}{g(z(X^i))}", r"n - \sum_{i=1}^n g(z(X^i))", True, None, GZ, (r"g(x)=\frac{1}{1+e^{-x}}",)),
    _p("gan-grad-sigmoid-wrong", r"\sum_{i=1}^n \frac{g'(z(X^i))}{g(z(X^i))}", r"\sum_{i=1}^n g(z(X^i))", False, None, GZ, (r"g(x)=\frac{1}{1+e^{-x}}",)),
    _p("gan-compose-not-product", r"g(z(x))", r"g(z x)", False, None, GZ),
    _p("gan-prime-application", r"g'(z(x))", r"g'(z(x))", True, None, GZ),
    _p("gan-prime-not-value", r"g'(z(x))", r"g(z(x))", False, None, GZ),
    _p("gan-g-loss", r"\log(1 - D(G(z)))", r"\ln(1 - D(G(z)))", True, None, GAN),
    _p("gan-wgan", r"\frac{1}{m}\sum_{i=1}^m (f(x^{(i)}) - f(G(z^{(i)})))", r"\frac{1}{m}\sum_{i=1}^m f(x^{(i)}) - \frac{1}{m}\sum_{i=1}^m f(G(z^{(i)}))", True, None, ("f: function", "G: function")),
    _p("gan-optimal-d", r"\frac{p(x)}{p(x) + q(x)}", r"\frac{1}{1 + \frac{q(x)}{p(x)}}", True, None, ("p: function", "q: function")),
    _p("gan-optimal-d-flipped", r"\frac{p(x)}{p(x) + q(x)}", r"\frac{q(x)}{p(x) + q(x)}", False, None, ("p: function", "q: function")),
    # -- KL terms -----------------------------------------------------------------------------------
    _p("kl-gauss-same", KL, r"\frac{1}{2}(\mu^2 + \sigma^2 - \ln\sigma^2 - 1)", True),
    _p("kl-gauss-negated-form", KL, r"-\frac12(1 + \ln\sigma^2 - \mu^2 - \sigma^2)", True),
    _p("kl-gauss-log", KL, r"\frac{1}{2}(\mu^2 + \sigma^2 - \log\sigma^2 - 1)", True),
    _p("kl-gauss-2log", KL, r"\frac{1}{2}(\mu^2 + \sigma^2 - 1) - \ln\sigma", True, None, ("sigma: positive",)),
    _p("kl-gauss-no-half", KL, r"\mu^2 + \sigma^2 - \ln\sigma^2 - 1", False, "FACTOR:2"),
    _p("kl-gauss-log-sigma", KL, r"\frac{1}{2}(\mu^2 + \sigma^2 - \ln\sigma - 1)", False, None, ("sigma: positive",)),
    _p("kl-gauss-missing-one", KL, r"\frac{1}{2}(\mu^2 + \sigma^2 - \ln\sigma^2)", False, "MISSING_TERM"),
    _p("kl-sum-same", KL_SUM, r"\frac{1}{2}\sum_{j=1}^{n}(\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1)", True),
    _p("kl-sum-split", KL_SUM, r"\frac{1}{2}\sum_{j=1}^{n}(\mu_j^2 + \sigma_j^2 - 1) - \frac12\sum_{j=1}^{n}\ln(\sigma_j^2)", True),
    _p("kl-sum-sign", KL_SUM, r"-\frac{1}{2}\sum_{j=1}^{n}(\mu_j^2 + \sigma_j^2 - \log(\sigma_j^2) - 1)", False, "SIGN"),
    _p("kl-discrete", r"\sum_i p_i \ln\frac{p_i}{q_i}", r"\sum_i p_i \ln p_i - \sum_i p_i \ln q_i", True, None, ("p: probability vector N", "q: probability vector N")),
    _p("kl-discrete-reversed", r"\sum_i p_i \ln\frac{p_i}{q_i}", r"\sum_i q_i \ln\frac{q_i}{p_i}", False, None, ("p: probability vector N", "q: probability vector N")),
    # -- notation: names, logs, e, numbers ------------------------------------------------------------
    _p("name-layer-superscript", r"W^{[1]}x + b^{[1]}", r"b^{[1]} + W^{[1]} x", True),
    _p("name-layer-distinct", r"W^{[1]}", r"W^{[2]}", False, None),
    _p("name-layer-not-power", r"W^{[2]}", r"W^2", False, None),
    _p("name-sample-distinct", r"x^{(i)}", r"x^{(j)}", False, None),
    _p("name-sample-same", r"x^{(i)}", r"x^{( i )}", True),
    _p("name-subscript-braces", r"z_x", r"z_{x}", True),
    _p("name-digits", r"w_{11}", r"w11", True),
    _p("name-comma-subscript", r"w_{1,1}", r"w_{11}", True),
    _p("name-greek", r"\alpha \beta", r"\beta\alpha", True),
    _p("name-greek-variant", r"\epsilon", r"\varepsilon", True),
    _p("name-mathrm-word", r"\mathrm{loss}", r"\operatorname{loss}", True),
    _p("log-natural-default", r"\ln x", r"\log x", True, None, POS_X),
    _p("log-base-10-flagged", r"\ln x", r"\log_{10} x", False, "LOG_BASE", POS_X),
    _p("log-base-2-flagged", r"\ln x", r"\log_2 x", False, "LOG_BASE", POS_X),
    _p("log-configured-base-10", r"\log_{10} x", r"\log x", True, None, (*POS_X, "log: base 10")),
    _p("log-configured-not-ln", r"\log_{10} x", r"\ln x", False, None, (*POS_X, "log: base 10")),
    _p("log-product-rule", r"\ln(x y)", r"\ln x + \ln y", True, None, ("x: positive", "y: positive")),
    _p("exp-euler", r"e^{x}", r"\exp(x)", True),
    _p("exp-euler-value", r"e", r"2.718", True),
    _p("exp-symbol-e", r"e^{x}", r"\exp(x)", False, None, ("e: symbol",)),
    _p("num-sci-times", r"1.2\times10^{-3}", r"0.0012", True),
    _p("num-sci-e", r"1.2e-3", r"0.0012", True),
    _p("num-sci-cdot", r"1.2 \cdot 10^{-3}", r"\frac{12}{10000}", True),
    _p("num-sci-wrong-exponent", r"1.2\times10^{-3}", r"1.2\times10^{3}", False, None),
    _p("num-fraction-decimal", r"\frac{1}{3}", r"0.333", True),
    _p("num-fraction-decimal-short", r"\frac{1}{3}", r"0.33", False, "PRECISION"),
    _p("num-fraction-truncated", r"\frac{2}{3}", r"0.666", True),
    _p("num-fraction-rounded", r"\frac{2}{3}", r"0.667", True),
    _p("num-fraction-wrong", r"\frac{2}{3}", r"0.665", False, "ROUNDING"),
    _p("num-dfrac", r"\frac{1}{2}", r"\dfrac{1}{2}", True),
    _p("num-integer-decimal", r"1000", r"1000.0", True),
    _p("num-negative", r"-5", r"-5", True),
    _p("num-negative-sign", r"-5", r"5", False, "SIGN"),
    _p("num-percent-fraction", r"\frac{1}{4}", r"25\%", True),
    _p("num-sqrt", r"\sqrt{2}", r"1.414", True),
    _p("num-sqrt-inexact", r"\sqrt{2}", r"1.41", True),
    _p("num-pi", r"\pi", r"3.14159", True),
    # -- surroundings and structure -------------------------------------------------------------------
    _p("wrap-dollars", r"x^2", r"$x^2$", True),
    _p("wrap-display-brackets", r"x^2", r"\[ x^2 \]", True),
    _p("wrap-equation-env", r"x^2", r"\begin{equation} x^2 \end{equation}", True),
    _p("wrap-tag", r"x^2", r"x^2 \tag{3}", True),
    _p("wrap-left-right", r"(x+1)^2", r"\left(x+1\right)^2", True),
    _p("wrap-text-prose", r"x^2", r"x^2 \text{ is the answer}", True),
    _p("wrap-boxed-equation", r"y = x^2", r"\boxed{y = x^2}", True),
    _p("wrap-trailing-period", r"x^2", r"x^2.", True),
    _p("chain-final-value", r"4", r"\frac{1}{\frac{1}{4}} = 4", True),
    _p("chain-wrong-final", r"4", r"\frac{1}{\frac{1}{4}} = \frac{1}{4}", False, "RECIPROCAL"),
    _p("equation-named-value", r"y = 2x", r"y = x + x", True),
    _p("equation-wrong-value", r"y = 2x", r"y = 3x", False, "FACTOR:3/2"),
    # -- answers that cannot be read or decided ---------------------------------------------------------
    _p("unparsed-open-frac", r"x", r"\frac{1}{", None, "UNPARSED"),
    _p("unparsed-stray-prime", r"x", r"'x", None, "UNPARSED"),
    _p("unparsed-empty", r"x", r"$$", None, "UNPARSED"),
    _p("unparsed-tex-macro", r"x", r"\def\a{x}\a", None, "UNPARSED"),
    # -- activations applied to a written-out vector: entrywise, softmax as a vector ---------------
    _p("relu-of-vector", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix}", r"\text{ReLU}(\begin{bmatrix} 1 \\ -1 \end{bmatrix})", True),
    _p("relu-of-vector-wrong", r"\begin{bmatrix} 1 \\ 1 \end{bmatrix}", r"\text{ReLU}(\begin{bmatrix} 1 \\ -1 \end{bmatrix})", False, None),
    _p("softmax-of-vector", r"\begin{bmatrix} \frac{e}{1+e} \\ \frac{1}{1+e} \end{bmatrix}", r"\text{softmax}(\begin{bmatrix} 1 \\ 0 \end{bmatrix})", True),
    _p("sigmoid-of-vector", r"\begin{bmatrix} \frac{1}{2} \\ \frac{1}{1+e^{-1}} \end{bmatrix}", r"\text{sigmoid}(\begin{bmatrix} 0 \\ 1 \end{bmatrix})", True),
)
