"""Our comparison engine against math-verify on the same pairs: agreement and speed.

Rows: /work/shared/external/math_verify_cases.jsonl (Math-Verify's own test verdicts) and our
table tests/compare/compare_pairs.py. Every math-verify row was reviewed by hand and is listed
in ``REVIEW`` as in-scope, out-of-scope (with the group's reason) or a deliberate disagreement
(with the mathematical reason); math-verify runs each row as its own test does. Both
engines run in-process (our ``compare_here``, math-verify's ``parse``+``verify``), so the
figures measure comparison, not our sandbox fork; ``--sandbox`` also times ``equivalent``.

    PYTHONPATH=. python bench/compare_bench.py [--sandbox]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "compare"))

from compare_pairs import PAIRS  # noqa: E402

from grader.compare import CompareOptions, compare_here, equivalent  # noqa: E402
from grader.latex import SymbolContext  # noqa: E402

CASES = Path("/work/shared/external/math_verify_cases.jsonl")

IN = ("in-scope", "")
#: Out-of-scope groups: what the row tests is not comparing two answers already extracted.
PROSE = ("out-of-scope", "answer extraction from prose or a worked solution (grader/extract owns extraction)")
SEVERAL = ("out-of-scope", "several answers: several \\boxed{}, joined by words, \\pm, or a list after one 'x ='")
INTERVALS = ("out-of-scope", "interval and set-relation semantics: half-open intervals, unions, inequalities as intervals")
STRINGS = ("out-of-scope", "string answers, clock times and multiple-choice letters")
PERCENT_WORDS = ("out-of-scope", "percent written as a word or outside the math ('28 pct', '$28$ percent')")
LOCALE = ("out-of-scope", "locale numbers: decimal comma (1,22), ';' between coordinates")
NON_STRICT = ("out-of-scope", "non-strict mode (a reward-hacking asymmetry math-verify allows on purpose)")
GARBLED = ("out-of-scope", "garbled test string (a Python escape made \\f or \\t a control character)")
#: Rows whose recorded verdict is what math-verify does, not the mathematics (README caution).
_D = {
    "minus-vs-plus-e": ("deliberate", r"1 - 1/e and 1 + 1/e differ; math-verify truncates both to 1"),
    "rounded-reference": ("deliberate", "sqrt 17 against a 16-digit decimal reference: our digits rule reads tolerance "
                          "from the answer, so a rubric must give exact references"),
    "chain-false-approx": ("deliberate", r"x = 5+5+1 = 1/3 \approx 11: every step is false; math-verify keeps the "
                           r"exact value before \approx, we grade the final value"),
    "wrong-approx": ("deliberate", r"x = 1/3 \approx 1.3: the approximation is wrong (1/3 = 0.33...); math-verify "
                     r"ignores what follows \approx"),
    "unknown-command-false-chain": ("deliberate", r"1 = \zzz = x = 0: \zzz is not LaTeX and the chain claims 1 = 0; we refuse it"),
    "two-digits": ("deliberate", "0.33 for 1/3 (math-verify float_rounding=2): our rounding rule needs 3 significant digits"),
    "pair-vs-group": ("deliberate", "(1,3) vs {1,3}: bare braces are a TeX group (it prints 1,3), not the ordered pair; "
                      "math-verify relaxes tuple vs set"),
}

#: Every math-verify row, reviewed by hand, keyed by its ``source`` (without the repository).
#: The comment shows the start of gold | pred.
REVIEW: dict[str, tuple[str, str]] = {
    'tests/test_all.py:62 (test_number_extraction[0])': IN,  # '-5' | '-5'
    'tests/test_all.py:64 (test_number_extraction[1])': IN,  # '7425000' | '7,425,000'
    'tests/test_all.py:65 (test_number_extraction[2])': IN,  # '1000' | '1 000'
    'tests/test_all.py:66 (test_number_extraction[3])': IN,  # '1000' | '1000.0'
    'tests/test_all.py:68 (test_number_extraction[4])': IN,  # '1000.0' | '1,000.0'
    'tests/test_all.py:70 (test_number_extraction[5])': LOCALE,  # '1000.99' | '1000,99'
    'tests/test_all.py:71 (test_number_extraction[6])': LOCALE,  # '1,22' | '1.22'
    'tests/test_all.py:72 (test_number_extraction[7])': PROSE,  # '2.74' | 'Soucis : 2,74 $ a..'
    'tests/test_all.py:74 (test_number_extraction[8])': IN,  # '0.4' | '.4'
    'tests/test_all.py:76 (test_number_extraction[9])': IN,  # '1000.99' | '1,000.99'
    'tests/test_all.py:77 (test_number_extraction[10])': IN,  # '1000.99' | '1,000.99'
    'tests/test_all.py:79 (test_number_extraction[11])': IN,  # '1000.99' | '$1,000.99'
    'tests/test_all.py:80 (test_number_extraction[12])': IN,  # '1000.99' | '1,000.99$'
    'tests/test_all.py:82 (test_number_extraction[13])': PROSE,  # '1000.99' | 'the number is not 10 which i'
    'tests/test_all.py:83 (test_number_extraction[14])': PROSE,  # '1000.99' | 'the number is not 10 which i'
    'tests/test_all.py:85 (test_number_extraction[15])': PROSE,  # '1000.99' | 'so the number is 10 which is'
    'tests/test_all.py:86 (test_number_extraction[16])': PROSE,  # '1000.99' | "not it's not 10 it's 1,000.9"
    'tests/test_all.py:87 (test_number_extraction[17])': LOCALE,  # '0,111' | '0.111'
    'tests/test_all.py:89 (test_number_extraction[18])': PROSE,  # '2' | 'AZYUK2A'
    'tests/test_all.py:99 (test_simple_fraction_notation[0])': IN,  # '10/9' | '\\frac{10}{9}'
    'tests/test_all.py:100 (test_simple_fraction_notation[1])': IN,  # '-10/9' | '-\\frac{10}{9}'
    'tests/test_all.py:110 (test_sets_handling[0])': INTERVALS,  # '$[0,1)$' | '$[0,1)$'
    'tests/test_all.py:111 (test_sets_handling[1])': INTERVALS,  # '$[0,1)$' | '$[0,1)$'
    'tests/test_all.py:112 (test_sets_handling[2])': INTERVALS,  # '$[0,9)$' | '$[0,1)$'
    'tests/test_all.py:113 (test_sets_handling[3])': INTERVALS,  # '$(0,9)$' | '$[0,9)$'
    'tests/test_all.py:114 (test_sets_handling[4])': INTERVALS,  # '$1$' | '$-[0,1)$'
    'tests/test_all.py:125 (test_latex_notation[0])': PROSE,  # '$9$' | 'Answer \\[ 9 \\]'
    'tests/test_all.py:126 (test_latex_notation[1])': PROSE,  # '$9$' | 'Answer $ 9 $'
    'tests/test_all.py:127 (test_latex_notation[2])': PROSE,  # '$9$' | 'Answer $$ 9 $$'
    'tests/test_all.py:128 (test_latex_notation[3])': PROSE,  # '$9$' | 'Answer \\( 9 \\)'
    'tests/test_all.py:130 (test_latex_notation[4])': PROSE,  # '$10$' | 'Answer \\( (9+1) \\)'
    'tests/test_all.py:132 (test_latex_notation[5])': PROSE,  # '$9$' | 'Answer $   9   $'
    'tests/test_all.py:133 (test_latex_notation[6])': PROSE,  # '$9$' | 'Answer \\(   9   \\)'
    'tests/test_all.py:135 (test_latex_notation[7])': PROSE,  # '$9$' | 'Answer \\[   9   \\]'
    'tests/test_all.py:136 (test_latex_notation[8])': PROSE,  # '$9$' | 'Answer $$   9   $$'
    'tests/test_all.py:138 (test_latex_notation[9])': PROSE,  # '$10/9$' | 'Answer $ \\frac{1}{2} \\$ = \\f'
    'tests/test_all.py:140 (test_latex_notation[10])': IN,  # '$1/3$' | '$\\frac13 $'
    'tests/test_all.py:141 (test_latex_notation[11])': IN,  # '$1$' | '$\\frac3{3} $'
    'tests/test_all.py:143 (test_latex_notation[12])': IN,  # '$\\sqrt{3}$' | '$\\sqrt3 $'
    'tests/test_all.py:145 (test_latex_notation[13])': IN,  # '$1/3$' | '$\\cfrac{1}{3} $'
    'tests/test_all.py:146 (test_latex_notation[14])': IN,  # '$1/3$' | '$\\dfrac{1}{3} $'
    'tests/test_all.py:147 (test_latex_notation[15])': IN,  # '$1/3$' | '$\\tfrac{1}{3} $'
    'tests/test_all.py:149 (test_latex_notation[16])': IN,  # '$1/3$' | '$ 1/3 $'
    'tests/test_all.py:151 (test_latex_notation[17])': IN,  # '$1/3$' | '$\\left( \\frac{1}{3} \\right)$'
    'tests/test_all.py:152 (test_latex_notation[18])': IN,  # '$1/3$' | '$\\boxed{\\frac{1}{3}}$'
    'tests/test_all.py:153 (test_latex_notation[19])': IN,  # '$1/3$' | '$\\frac{1}{3} \\text{meters}$'
    'tests/test_all.py:154 (test_latex_notation[20])': IN,  # '$1/3$' | '$\\frac{1}{3} \\textbf{meters}'
    'tests/test_all.py:156 (test_latex_notation[21])': IN,  # '$1/3$' | '$k = \\frac{1}{3}$'
    'tests/test_all.py:157 (test_latex_notation[22])': IN,  # '$1/3$' | '$\\frac{1}{3} \\textbf{meters}'
    'tests/test_all.py:167 (test_percent_notation[0])': PERCENT_WORDS,  # '$28\\%$' | '28 percent'
    'tests/test_all.py:168 (test_percent_notation[1])': PERCENT_WORDS,  # '$28\\%$' | '28 pct'
    'tests/test_all.py:169 (test_percent_notation[2])': IN,  # '$28\\%$' | '28 %'
    'tests/test_all.py:170 (test_percent_notation[3])': PERCENT_WORDS,  # '$28\\%$' | '$28$ %'
    'tests/test_all.py:171 (test_percent_notation[4])': PERCENT_WORDS,  # '$28\\%$' | '$28$ percent'
    'tests/test_all.py:172 (test_percent_notation[5])': PERCENT_WORDS,  # '$28\\%$' | '$\\boxed{28}$ pct'
    'tests/test_all.py:173 (test_percent_notation[6])': PERCENT_WORDS,  # '$28\\%$' | '$\\boxed{28 pct}'
    'tests/test_all.py:174 (test_percent_notation[7])': PERCENT_WORDS,  # '$28\\%$' | '$\\boxed{28 percent}'
    'tests/test_all.py:175 (test_percent_notation[8])': PERCENT_WORDS,  # '$28\\%$' | '$\\boxed{28 percentage}'
    'tests/test_all.py:185 (test_latex_notation_math[0])': PROSE,  # '$2-2p$' | 'Since $x<2$, it follows that'
    'tests/test_all.py:190 (test_latex_notation_math[1])': IN,  # '\\boxed{ \\begin{pmatrix} 0 & ' | '\\boxed{ \\begin{pmatrix} 0 & '
    'tests/test_all.py:195 (test_latex_notation_math[2])': PROSE,  # "Let's assume the stock's val" | 'If its initial value was $x$'
    'tests/test_all.py:200 (test_latex_notation_math[3])': PROSE,  # 'In order for $N$ to be divis' | 'For a number to be divisible'
    'tests/test_all.py:205 (test_latex_notation_math[4])': PROSE,  # 'Since $25<30<36$, we have $5' | 'We have that \\begin{align*} '
    'tests/test_all.py:211 (test_latex_notation_math[5])': PROSE,  # '$(3, \\frac{\\pi}{2})$' | 'We have that $r = \\\\sqrt{0^2'
    'tests/test_all.py:216 (test_latex_notation_math[6])': IN,  # '$\\frac{14}{3}$' | '$f(-2)+f(-1)+f(0)=\\frac{3(-2'
    'tests/test_all.py:221 (test_latex_notation_math[7])': PROSE,  # '$\\text{Evelyn}$' | 'Evelyn covered more distance'
    'tests/test_all.py:227 (test_latex_notation_math[8])': PROSE,  # '$90^\\circ$' | 'For the first line, let $t ='
    'tests/test_all.py:232 (test_latex_notation_math[9])': PROSE,  # '$3\\sqrt{13}$' | 'We use the distance formula:'
    'tests/test_all.py:237 (test_latex_notation_math[10])': PROSE,  # '$\\frac{3}{56}$' | 'We also know that $q(-1) = ('
    'tests/test_all.py:242 (test_latex_notation_math[11])': PROSE,  # '$2$' | 'Of the two-digit perfect squ'
    'tests/test_all.py:247 (test_latex_notation_math[12])': PROSE,  # '$15\\mbox{ cm}^2$' | 'The shaded triangle has a ba'
    'tests/test_all.py:252 (test_latex_notation_math[13])': PROSE,  # '$-2,1$' | 'By the Integer Root Theorem,'
    'tests/test_all.py:257 (test_latex_notation_math[14])': PROSE,  # '$9$' | 'We use the property that $a '
    'tests/test_all.py:262 (test_latex_notation_math[15])': PROSE,  # '$90^\\circ$' | 'Therefore, \\begin{align*} \\a'
    'tests/test_all.py:267 (test_latex_notation_math[16])': PROSE,  # '$0$' | 'Note that $p(x)$ has degree '
    'tests/test_all.py:273 (test_latex_notation_math[17])': PROSE,  # '$204_5$' | 'We may carry out long divisi'
    'tests/test_all.py:278 (test_latex_notation_math[18])': PROSE,  # '$(6,31,-1)$' | 'Let $\\alpha$ be a root of $x'
    'tests/test_all.py:283 (test_latex_notation_math[19])': PROSE,  # '$1 \\pm \\sqrt{19}$' | 'This simplifies to $64y + 19'
    'tests/test_all.py:288 (test_latex_notation_math[20])': PROSE,  # '$3 \\pm 2 \\sqrt{2}$' | 'This gives us $x^2 + 1 = 6x,'
    'tests/test_all.py:293 (test_latex_notation_math[21])': PROSE,  # '$\\{1\\pm\\sqrt{5},-2\\}$' | 'The roots of $P(x)$ are $-2$'
    'tests/test_all.py:298 (test_latex_notation_math[22])': PROSE,  # '$f(2) < f(1) < f(4)$' | 'The graph of $f(x) = x^2 + b'
    'tests/test_all.py:303 (test_latex_notation_math[23])': PROSE,  # '$2 \\sin b \\cos a$' | 'By sum-to-product, \\[\\sin (a'
    'tests/test_all.py:308 (test_latex_notation_math[24])': PROSE,  # '$\\frac{\\pi r}{h+r}$' | 'Since $rs = A$, where $r$ is'
    'tests/test_all.py:313 (test_latex_notation_math[25])': PROSE,  # '$125$ miles' | 'The distance is $\\boxed{125\\'
    'tests/test_all.py:314 (test_latex_notation_math[26])': INTERVALS,  # '$[-1, -\\frac{1}{2}) \\cup (-\\' | 'The solution set is $\\boxed{'
    'tests/test_all.py:319 (test_latex_notation_math[27])': PROSE,  # '$\\sqrt{2}+\\sqrt{5}$' | 'The answer is $\\boxed{\\sqrt '
    'tests/test_all.py:320 (test_latex_notation_math[28])': PROSE,  # '$\\frac{9}{4}\\pi$' | 'Therefore $\\boxed{\\frac94\\pi'
    'tests/test_all.py:321 (test_latex_notation_math[29])': INTERVALS,  # 'x \\in \\boxed{\\{-1\\} \\cup [0,' | 'x \\in \\boxed{\\{-1\\} \\cup [0,'
    'tests/test_all.py:336 (test_relations_math[0])': PROSE,  # '$x >= 5$' | 'Therefore $x \\geq 5$ is the '
    'tests/test_all.py:341 (test_relations_math[1])': PROSE,  # '$x < 3$' | 'We find that $x \\lt 3$.'
    'tests/test_all.py:346 (test_relations_math[2])': PROSE,  # '$x \\leq 2$' | 'Thus $x <= 2$ is our answer.'
    'tests/test_all.py:351 (test_relations_math[3])': PROSE,  # '$x > 5$' | 'Therefore $x \\gt 5$ is the s'
    'tests/test_all.py:356 (test_relations_math[4])': PROSE,  # '$x != 3$' | 'We find that $x \\neq 3$.'
    'tests/test_all.py:362 (test_relations_math[5])': PROSE,  # '$x > 5$' | 'Therefore $x < 5$ is the sol'
    'tests/test_all.py:367 (test_relations_math[6])': PROSE,  # '$x \\geq 5$' | 'The solution is $x \\leq 5$'
    'tests/test_all.py:372 (test_relations_math[7])': PROSE,  # '$x \\neq 5$' | 'The solution is $x != 5$'
    'tests/test_all.py:378 (test_relations_math[8])': IN,  # '$x \\leq 5$' | '$5 \\geq x$'
    'tests/test_all.py:383 (test_relations_math[9])': IN,  # '$x \\geq 5$' | '$5 \\leq x$'
    'tests/test_all.py:388 (test_relations_math[10])': IN,  # '$x = 11$' | '$x = 5+5+1 = 7 =11$'
    'tests/test_all.py:393 (test_relations_math[11])': IN,  # '$7 = 11a+c$' | '$11a+c$'
    'tests/test_all.py:399 (test_relations_math[12])': IN,  # '$x = 11$' | '$x = 5+5+1 = 7 =11$'
    'tests/test_all.py:405 (test_relations_math[13])': _D["chain-false-approx"],  # '$x = 1/3$' | '$x = 5+5+1 = 1/3 \\approx 11$'
    'tests/test_all.py:411 (test_relations_math[14])': IN,  # '$11$' | '$x=11$'
    'tests/test_all.py:417 (test_relations_math[15])': IN,  # '$11$' | '$x\\approx11$'
    'tests/test_all.py:423 (test_relations_math[16])': _D["wrong-approx"],  # '$1/3$' | '$x=1/3\\approx1.3$'
    'tests/test_all.py:429 (test_relations_math[17])': IN,  # '$x < 1$' | '$-x > -1$'
    'tests/test_all.py:435 (test_relations_math[18])': IN,  # '$x < 1$' | '$x > -1$'
    'tests/test_all.py:441 (test_relations_math[19])': IN,  # '$x <= 1$' | '$-x >= -1$'
    'tests/test_all.py:447 (test_relations_math[20])': IN,  # '$a +3z = 0$' | '$0$'
    'tests/test_all.py:452 (test_relations_math[21])': _D["unknown-command-false-chain"],  # '$1 = \\zzz = x = 0$' | '$0$'
    'tests/test_all.py:457 (test_relations_math[22])': IN,  # '$2x + z = 1$' | '$1$'
    'tests/test_all.py:458 (test_relations_math[23])': IN,  # '$a^2 + b = 0$' | '$0$'
    'tests/test_all.py:459 (test_relations_math[24])': IN,  # '$k=1$' | '$1$'
    'tests/test_all.py:460 (test_relations_math[25])': IN,  # '$1$' | '$k=1$'
    'tests/test_all.py:461 (test_relations_math[26])': IN,  # '$z = 1 + 1 = 2$' | '$z = 3+3 = 2$'
    'tests/test_all.py:462 (test_relations_math[27])': IN,  # '$z = 1 + 1 = 2$' | '$z = 3+3 = 2$'
    'tests/test_all.py:463 (test_relations_math[28])': IN,  # '$2x+4y-3=0$' | '$y=-\\frac{1}{2}x+\\frac{3}{4}'
    'tests/test_all.py:466 (test_relations_math[29])': IN,  # '$x^2/4 + y^2/3 = 1$' | '$x^2/16 + y^2/12 = 1/4$'
    'tests/test_all.py:476 (test_matrix_extraction[0])': PROSE,  # '$189$' | '9=189.  Therefore, answer is'
    'tests/test_all.py:482 (test_matrix_extraction[1])': PROSE,  # '$\\begin{pmatrix}1 & 0 \\\\ 0 &' | 'The identity matrix is $ \\be'
    'tests/test_all.py:488 (test_matrix_extraction[2])': PROSE,  # '$\\begin{bmatrix}0 & 0 \\\\0 & ' | 'Here is a zero matrix: $ \\be'
    'tests/test_all.py:494 (test_matrix_extraction[3])': PROSE,  # '$\\begin{pmatrix}1 & 2 \\\\3 & ' | 'Special matrix: $ \\left[\\beg'
    'tests/test_all.py:500 (test_matrix_extraction[4])': PROSE,  # '$\\begin{pmatrix}\\frac{1}{2} ' | 'Matrix with fractions: $ \\be'
    'tests/test_all.py:506 (test_matrix_extraction[5])': PROSE,  # '$\\begin{pmatrix}6 & 8 \\\\ 10 ' | 'The sum is $\\begin{pmatrix}1'
    'tests/test_all.py:512 (test_matrix_extraction[6])': PROSE,  # '$\\begin{pmatrix}1 & 0 \\\\ 0 &' | 'When multiplying by identity'
    'tests/test_all.py:518 (test_matrix_extraction[7])': PROSE,  # '$\\begin{pmatrix}1 & 2 \\\\ 3 &' | 'The matrix is $\\begin{pmatri'
    'tests/test_all.py:553 (test_precision)': IN,  # '$\\frac{1}{3}$' | '0.3333$'
    'tests/test_all.py:565 (test_complex_math_expressions[0])': IN,  # '$\\frac{1}{12}$' | '$0.0833333333333333$'
    'tests/test_all.py:566 (test_complex_math_expressions[1])': IN,  # '$(1,\\frac{9}{2})$' | '$(1,4.5)$'
    'tests/test_all.py:568 (test_complex_math_expressions[2])': IN,  # '$\\frac{x+2}{7}$' | '$\\frac{x}{7}+\\frac{2}{7}$'
    'tests/test_all.py:569 (test_complex_math_expressions[3])': IN,  # '$\\tan^2(y)+1$' | '$\\sec^2(y)$'
    'tests/test_all.py:571 (test_complex_math_expressions[4])': GARBLED,  # '$\\begin{pmatrix}-\\\x0crac{7}{4}' | '$\\begin{pmatrix}-\\\x0crac{7}{4}'
    'tests/test_all.py:577 (test_complex_math_expressions[5])': IN,  # '$\\begin{pmatrix}\\frac{1}{3\\s' | '$\\begin{pmatrix}\\frac{1}{3x^'
    'tests/test_all.py:584 (test_complex_math_expressions[6])': IN,  # '$34x+45y-20z+100=0$' | '$-34x-45y+20z-100=0$'
    'tests/test_all.py:586 (test_complex_math_expressions[7])': _D["two-digits"],  # '$(\\begin{pmatrix}\\frac{1}{3}' | '$\\begin{pmatrix}0.33\\\\0.2 \\e'
    'tests/test_all.py:593 (test_complex_math_expressions[8])': IN,  # '$\\frac{\\sqrt{\\sqrt{11}+\\sqrt' | '$\\frac{\\sqrt{\\sqrt{11}+\\sqrt'
    'tests/test_all.py:600 (test_complex_math_expressions[9])': IN,  # '$(a+5)(b+2)$' | '$(+5)(b+2)$'
    'tests/test_all.py:601 (test_complex_math_expressions[10])': IN,  # '$2$' | '$\\frac{1+\\sqrt{5}}{2}$'
    'tests/test_all.py:602 (test_complex_math_expressions[11])': IN,  # '$4$' | '$\\frac{34}{16}+\\frac{\\sqrt{1'
    'tests/test_all.py:603 (test_complex_math_expressions[12])': IN,  # '$1\\sqrt{19}$' | '$1$'
    'tests/test_all.py:605 (test_complex_math_expressions[13])': INTERVALS,  # '$(\\frac{3}{5},\\frac{8}{3}]$' | '$(0.6,2.6667]$'
    'tests/test_all.py:607 (test_complex_math_expressions[14])': IN,  # '$x+2n+1$' | '$x+1$'
    'tests/test_all.py:621 (test_math_extraction_edge_cases[0])': PROSE,  # '$2/3$' | 'and then Alice wins the game'
    'tests/test_all.py:627 (test_math_extraction_edge_cases[1])': PROSE,  # '$12$' | "Let's denote the common diff"
    'tests/test_all.py:633 (test_math_extraction_edge_cases[2])': PROSE,  # '$(7,6)$' | "First, let's simplify the se"
    'tests/test_all.py:639 (test_math_extraction_edge_cases[3])': PROSE,  # '$[0,1)$' | 'For the function $q(x)$ to b'
    'tests/test_all.py:645 (test_math_extraction_edge_cases[4])': PROSE,  # '$[-3,2]$' | 'To find the domain of the fu'
    'tests/test_all.py:651 (test_math_extraction_edge_cases[5])': PROSE,  # '$16386.20$' | 'To find the value of her inv'
    'tests/test_all.py:657 (test_math_extraction_edge_cases[6])': PROSE,  # '$120$' | 'We can find the volume of py'
    'tests/test_all.py:663 (test_math_extraction_edge_cases[7])': PROSE,  # '12000023' | 'To find the integers congrue'
    'tests/test_all.py:669 (test_math_extraction_edge_cases[8])': PROSE,  # '$14916$' | 'For a number to be divisible'
    'tests/test_all.py:675 (test_math_extraction_edge_cases[9])': PROSE,  # '$\\\\left(\\\\frac{1}{5},\\\\frac{' | 'We can find the projection o'
    'tests/test_all.py:681 (test_math_extraction_edge_cases[10])': PROSE,  # '$\\\\left(\\\\frac{4}{5},\\\\frac{' | 'Since $AP:PB = 1:4,$ we can '
    'tests/test_all.py:689 (test_math_extraction_edge_cases[11])': PROSE,  # '$\\frac{5\\sqrt{42}}{27}$' | 'We can start by simplifying '
    'tests/test_all.py:695 (test_math_extraction_edge_cases[12])': PROSE,  # '$16386.17$' | 'When interest is compounded '
    'tests/test_all.py:701 (test_math_extraction_edge_cases[13])': PROSE,  # 'Let the percentage of people' | "Let's denote the total numbe"
    'tests/test_all.py:723 (test_math_extraction_additional_cases[0])': PROSE,  # '$less than or equal to zero ' | '$x \\in [-2,7]$'
    'tests/test_all.py:728 (test_math_extraction_additional_cases[1])': PROSE,  # '$3$' | 'Let $t$ be the number of hou'
    'tests/test_all.py:734 (test_math_extraction_additional_cases[2])': PROSE,  # '$19$' | 'To find the maximum number o'
    'tests/test_all.py:740 (test_math_extraction_additional_cases[3])': PROSE,  # '$(\\tfrac{27}{8},\\tfrac{15}{8' | 'Let the line through $A$ int'
    'tests/test_all.py:746 (test_math_extraction_additional_cases[4])': PROSE,  # '$34$' | 'Final Answer: The largest $n'
    'tests/test_all.py:748 (test_math_extraction_additional_cases[5])': PROSE,  # '$\\\\left( \\\\frac{4}{3}, -\\\\fr' | 'Since $AP:PB = 1:4,$ we can '
    'tests/test_all.py:753 (test_math_extraction_additional_cases[6])': IN,  # '$(3,1)$' | '${1,3}$'
    'tests/test_all.py:754 (test_math_extraction_additional_cases[7])': _D["pair-vs-group"],  # '$(1,3)$' | '${1,3}$'
    'tests/test_all.py:756 (test_math_extraction_additional_cases[8])': PROSE,  # '$100%$' | 'Let the original error in th'
    'tests/test_all.py:762 (test_math_extraction_additional_cases[9])': PROSE,  # '$16386.16$' | 'The formula for compound int'
    'tests/test_all.py:768 (test_math_extraction_additional_cases[10])': PROSE,  # '$5866608$' | 'To find the sum of all possi'
    'tests/test_all.py:774 (test_math_extraction_additional_cases[11])': PROSE,  # '$14400$' | 'Since all members of each pa'
    'tests/test_all.py:780 (test_math_extraction_additional_cases[12])': PROSE,  # '$14916$' | 'To be divisible by 12, the n'
    'tests/test_all.py:786 (test_math_extraction_additional_cases[13])': PROSE,  # '$20\\%$' | 'Let $A$ be the set of adults'
    'tests/test_all.py:792 (test_math_extraction_additional_cases[14])': PROSE,  # '$7.78$' | 'To find the cost of the fudg'
    'tests/test_all.py:798 (test_math_extraction_additional_cases[15])': PROSE,  # '$100$' | 'Let $p$ be the momentum of t'
    'tests/test_all.py:804 (test_math_extraction_additional_cases[16])': PROSE,  # '$x-2y+z-1=0$' | 'The line $L$ is the intersec'
    'tests/test_all.py:810 (test_math_extraction_additional_cases[17])': PROSE,  # '$10455$' | "First, let's calculate the i"
    'tests/test_all.py:821 (test_math_extraction_additional_cases[18])': PROSE,  # '$[-4,0]$' | 'Thus, the values of \\( k \\) '
    'tests/test_all.py:827 (test_math_extraction_additional_cases[19])': PROSE,  # 'Factoring the denominator on' | 'The solution to the inequali'
    'tests/test_all.py:833 (test_math_extraction_additional_cases[20])': PROSE,  # '$1112112_3$' | 'To find the product \\( ab \\)'
    'tests/test_all.py:838 (test_math_extraction_additional_cases[21])': STRINGS,  # '\\(\\boxed{\\text{C}}\\).' | '$\\boxed{\\text{(C)}}.$'
    'tests/test_all.py:843 (test_math_extraction_additional_cases[22])': PROSE,  # ' So the answer is: \\[ \\boxed' | 'is $\\boxed{11,\\! 111,\\! 111,'
    'tests/test_all.py:848 (test_math_extraction_additional_cases[23])': PROSE,  # ' So the answer is: \\[ \\boxed' | 'is $\\boxed{32,\\! 349}$'
    'tests/test_all.py:853 (test_math_extraction_additional_cases[24])': PROSE,  # ' So the answer is: \\[ \\boxed' | 'is $\\boxed{32, 349}$'
    'tests/test_all.py:858 (test_math_extraction_additional_cases[25])': PROSE,  # 'Thus, the domain of the func' | 'Thus, the answer is $x \\in \\'
    'tests/test_all.py:863 (test_math_extraction_additional_cases[26])': STRINGS,  # '$\\text{E}$' | '$E$'
    'tests/test_all.py:868 (test_math_extraction_additional_cases[27])': SEVERAL,  # '$\\boxed{1}\\boxed{2}$' | '$\\boxed{1,2}$'
    'tests/test_all.py:873 (test_math_extraction_additional_cases[28])': PROSE,  # 'Setting $x = y = 0,$ we get ' | '<think> Okay, so I have this'
    'tests/test_all.py:888 (test_set_rel_assymetry[0])': INTERVALS,  # '$-2 \\\\le x \\\\le 7$' | '$x \\in [-2,7]$'
    'tests/test_all.py:894 (test_set_rel_assymetry[1])': INTERVALS,  # '$-2 \\\\le x \\\\le 7$' | '$x \\in [-2,7]$'
    'tests/test_all.py:901 (test_set_rel_assymetry[2])': INTERVALS,  # '$x \\in [-2,7]$' | '$-2 \\\\le x \\\\le 7$'
    'tests/test_all.py:907 (test_set_rel_assymetry[3])': INTERVALS,  # '$x \\in [-2,7]$' | '$-2 \\\\le x \\\\le 7$'
    'tests/test_all.py:922 (test_float_precision[0])': _D["rounded-reference"],  # '4.123105625617661' | '$\\sqrt{17}$'
    'tests/test_all.py:937 (test_sqrt_precision[0])': IN,  # '$4$' | '$4\\sqrt{2}$'
    'tests/test_all.py:951 (test_symbols[0])': GARBLED,  # '$\text{13}$' | '$13$'
    'tests/test_boxed.py:8 (test_boxed[0])': SEVERAL,  # '$\\\\boxed{35 cm} ++++++ \\\\box' | '${35 cm,4}$'
    'tests/test_boxed.py:9 (test_boxed[1])': PROSE,  # ' the answer should be \\\\boxe' | '$004$'
    'tests/test_boxed.py:14 (test_boxed[2])': PROSE,  # 'SoHi YES.\\n\\n could answer t' | '$840$'
    'tests/test_numina_cases.py:9 (test_numina_cases[0])': IN,  # '$(37,3,3,13),(17,3,3,7),(3,3' | '$\\boxed{(3, 37, 3, 13), (3, '
    'tests/test_numina_cases.py:14 (test_numina_cases[1])': IN,  # '$(p,q)=(3,2)$' | '$(3,2)$'
    'tests/test_numina_cases.py:19 (test_numina_cases[2])': LOCALE,  # '$(0;0;0),(0;-2;0),(0;0;6),(0' | '\\boxed{(4, 0, 6), (4, -2, 6)'
    'tests/test_numina_cases.py:24 (test_numina_cases[3])': INTERVALS,  # '$1\\leq|z|\\leq \\frac{3}{2}$' | '$z \\in \\left[-\\frac{3}{2}, -'
    'tests/test_numina_cases.py:29 (test_numina_cases[4])': LOCALE,  # '$-12;-11;-10;-8;-7;-6$' | '$\\boxed{\\{-12, -11, -10, -8,'
    'tests/test_numina_cases.py:34 (test_numina_cases[5])': IN,  # '$AB=4,CD=5$' | '$\\boxed{4, 5}$'
    'tests/test_numina_cases.py:39 (test_numina_cases[6])': SEVERAL,  # '$(11,7)or(7,11)$' | '$\\boxed{(7,11),\\ (11,7)}$'
    'tests/test_numina_cases.py:44 (test_numina_cases[7])': IN,  # '$S_{MBCN}:S=7:32$' | '$\\boxed{7:32}$'
    'tests/test_numina_cases.py:49 (test_numina_cases[8])': IN,  # '$\\frac{NO}{BO}=\\frac{1}{\\sqr' | '$\\frac{1}{\\sqrt{6}}$'
    'tests/test_numina_cases.py:54 (test_numina_cases[9])': SEVERAL,  # '$p=5,q=2;p=7,q=2$' | '$(5,2),(7,2)$'
    'tests/test_numina_cases.py:59 (test_numina_cases[10])': IN,  # '$(p,q,r)=(3,2,7)$' | '$(3,2,7)$'
    'tests/test_numina_cases.py:64 (test_numina_cases[11])': IN,  # '$V_{1}:V_{2}=11:21$' | '$11:21$'
    'tests/test_numina_cases.py:69 (test_numina_cases[12])': PROSE,  # '$(2,1),(1,2),(-1,-20),(-20,-' | 'solutions are:  \\[ \\boxed{(1'
    'tests/test_numina_cases.py:74 (test_numina_cases[13])': SEVERAL,  # '\\(\\boxed{1}\\) and \\(\\boxed{-' | '$\\boxed{-2,1}$.'
    'tests/test_numina_cases.py:79 (test_numina_cases[14])': STRINGS,  # '$\\text{odd}$' | '$odd$'
    'tests/test_numina_cases.py:84 (test_numina_cases[15])': STRINGS,  # '$\\text{e}$' | '$e$'
    'tests/test_numina_cases.py:89 (test_numina_cases[16])': STRINGS,  # '$\\text{E}$' | '$E$'
    'tests/test_numina_cases.py:94 (test_numina_cases[17])': STRINGS,  # '$d$' | '$\\text{E}$'
    'tests/test_numina_cases.py:95 (test_numina_cases[18])': SEVERAL,  # '$1$ and $2$ and $3$' | '$\\boxed{1,2,3}$'
    'tests/test_numina_cases.py:96 (test_numina_cases[19])': IN,  # '$(37,3,3,13),(17,3,3,7),(3,3' | '$\\boxed{(3, 37, 3, 13), (3, '
    'tests/test_numina_cases.py:101 (test_numina_cases[20])': IN,  # '$(37,3,3),(17,3,3,7),(3,37,3' | '$\\boxed{(3, 37, 3, 13), (3, '
    'tests/test_numina_cases.py:106 (test_numina_cases[21])': IN,  # '$(p,q)=(3,2)$' | '$\\boxed{(3, 2)}$'
    'tests/test_numina_cases.py:111 (test_numina_cases[22])': IN,  # '\\boxed{x = -5,\\ p = \\frac{14' | '$\\boxed{-5, \\frac{14}{3}}$'
    'tests/test_numina_cases.py:116 (test_numina_cases[23])': SEVERAL,  # '\\boxed{a=4,\\,-8,\\,-10}' | '$\\boxed{-10,-8,4}$'
    'tests/test_numina_cases.py:121 (test_numina_cases[24])': SEVERAL,  # '\\\\boxed{W(n) = 1 \\\\text{ and' | 'W(x)=1orW(x)=-1'
    'tests/test_numina_cases.py:126 (test_numina_cases[25])': SEVERAL,  # '$21,16$ or $11$' | '$21,16,11$'
    'tests/test_numina_cases.py:132 (test_numina_cases[26])': SEVERAL,  # '\\n\\n\\[ \\boxed{p = -1 \\text{ ' | '$p=-1,p=\\frac{15}{8}$'
    'tests/test_numina_cases.py:137 (test_numina_cases[27])': INTERVALS,  # '$0<f(x)<1$' | '$(0,1)$'
    'tests/test_numina_cases.py:138 (test_numina_cases[28])': SEVERAL,  # '\\(\\boxed{6 \\text{ and } 8}\\)' | '$\\boxed{6,8}$'
    'tests/test_numina_cases.py:139 (test_numina_cases[29])': STRINGS,  # '$\\text{Even}$' | '$Even$'
    'tests/test_open_thoughts.py:9 (test_open_thoughts[0])': SEVERAL,  # '$$\\boxed{2}, \\boxed{3}, \\box' | '$${2, 3, 5, 7, 13}$$'
    'tests/test_open_thoughts.py:14 (test_open_thoughts[1])': IN,  # '$$f(y) = y$$' | '$$f(y) = y$$'
    'tests/test_open_thoughts.py:19 (test_open_thoughts[2])': INTERVALS,  # '$$-793 < a < 10$$' | '$$(-793, 10)$$'
    'tests/test_open_thoughts.py:24 (test_open_thoughts[3])': STRINGS,  # '$$\\text{The midpoints form a' | '$$\\text{The midpoints form a'
    'tests/test_open_thoughts.py:29 (test_open_thoughts[4])': IN,  # '$$a_3 = 2, a_{37} = 19$$' | '$$\\boxed{a_{37} = 19, \\quad '
    'tests/test_open_thoughts.py:34 (test_open_thoughts[5])': IN,  # '$$(2, 2), (1, 3), (3, 3)$$' | '$$\\boxed{(2, 2), (1, 3), (3,'
    'tests/test_open_thoughts.py:39 (test_open_thoughts[6])': INTERVALS,  # '$$(1, +\\infty)$$' | '$$(1, +\\infty)$$'
    'tests/test_open_thoughts.py:44 (test_open_thoughts[7])': SEVERAL,  # '$$x = \\frac{1}{2}, x = \\frac' | '$$\\boxed{x = \\frac{1}{2}, x '
    'tests/test_open_thoughts.py:49 (test_open_thoughts[8])': IN,  # '$$0.06 \\text{ yuan}$$' | '$$\\boxed{0.06 \\text{ yuan}}$'
    'tests/test_open_thoughts.py:54 (test_open_thoughts[9])': SEVERAL,  # '$$(5, 8), (8, 5)$$' | '$$\\boxed{(x, y) = (5, 8) \\qu'
    'tests/test_open_thoughts.py:59 (test_open_thoughts[10])': IN,  # '$$667$$' | '$$\\boxed{667}$$'
    'tests/test_open_thoughts.py:64 (test_open_thoughts[11])': SEVERAL,  # '$$6 \\text{ and } 8$$' | '$$\\boxed{6 \\text{ and } 8}$$'
    'tests/test_open_thoughts.py:69 (test_open_thoughts[12])': SEVERAL,  # '$$(2, 2), (6, 2)$$' | '$$\\boxed{(2, 2)} \\quad \\text'
    'tests/test_open_thoughts.py:74 (test_open_thoughts[13])': SEVERAL,  # '$$(98, 2), (99, 503)$$' | '$$\\boxed{(98, 2)} \\quad \\tex'
    'tests/test_open_thoughts.py:79 (test_open_thoughts[14])': SEVERAL,  # '$$(3, 3), (1, 1)$$' | '$$\\boxed{(3, 3)} \\text{ for '
    'tests/test_open_thoughts.py:84 (test_open_thoughts[15])': IN,  # '$$k \\ge 2$$' | '$$\\boxed{k \\ge 2}$$'
    'tests/test_open_thoughts.py:89 (test_open_thoughts[16])': SEVERAL,  # '$$k = 45, n = 2$$' | '$$\\boxed{k = 45} \\quad \\text'
    'tests/test_open_thoughts.py:94 (test_open_thoughts[17])': PROSE,  # '$143$' | '<think> Alright, let me try '
    'tests/test_open_thoughts.py:99 (test_open_thoughts[18])': SEVERAL,  # '$${1,2,3}$$' | '\\boxed{1} and \\boxed{2} and '
    'tests/test_open_thoughts.py:104 (test_open_thoughts[19])': SEVERAL,  # '$${1,2,3}$$' | '\\boxed{1},\\boxed{2},\\boxed{3'
    'tests/test_open_thoughts.py:114 (test_open_thoughts[20])': IN,  # '$$|AB|=1$$' | '$$1$$'
    'tests/test_open_thoughts.py:119 (test_open_thoughts[21])': IN,  # '$$A:B=1$$' | '$$1$$'
    'tests/test_open_thoughts.py:124 (test_open_thoughts[22])': IN,  # '$$f(x)=1$$' | '$$1$$'
    'tests/test_open_thoughts.py:129 (test_open_thoughts[23])': SEVERAL,  # '$x_{1}=10^{\\frac{-5+\\sqrt{13' | '$\\boxed{10^{\\frac{\\sqrt{13} '
    'tests/test_open_thoughts.py:134 (test_open_thoughts[24])': PROSE,  # '$y_{1}=-2 x^{2}+4 x+3, y_{2}' | '\\($y_1 = \\boxed{-2(x - 1)^2 '
    'tests/test_open_thoughts.py:139 (test_open_thoughts[25])': SEVERAL,  # '$x_{1}=\\frac{1}{2}+\\frac{31\\' | '$\\boxed{\\dfrac{108 + 31\\sqrt'
    'tests/test_open_thoughts.py:144 (test_open_thoughts[26])': SEVERAL,  # '$x_{1}=10^{\\frac{-5+\\sqrt{13' | '$\\boxed{10^{\\frac{\\sqrt{13} '
    'tests/test_open_thoughts.py:149 (test_open_thoughts[27])': SEVERAL,  # '\\boxed{1} papers and \\boxed{' | '$\\boxed{1,2}$'
    'tests/test_open_thoughts.py:154 (test_open_thoughts[28])': SEVERAL,  # '\\boxed{1} no no no no no \\bo' | '$\\boxed{1,2}$'
    'tests/test_strict.py:8 (test_strict_variable_comparison[0])': IN,  # '$f(x)$' | '$f(y)$'
    'tests/test_strict.py:8 (test_strict_variable_comparison[1])': NON_STRICT,  # '$f(x)$' | '$f(y)$'
    'tests/test_yujianll.py:11 (test_string_extraction[0])': SEVERAL,  # '$n=1, 2, 3$' | '$n=1, 2, 3$'
    'tests/test_yujianll.py:12 (test_string_extraction[1])': SEVERAL,  # '$n=2, 3, 4$' | '$n=1, 2, 3$'
    'tests/test_yujianll.py:13 (test_string_extraction[2])': INTERVALS,  # '$D = (0, 1)$' | '$D = (0, 1)$'
    'tests/test_yujianll.py:14 (test_string_extraction[3])': INTERVALS,  # '$D = (0, 1)$' | '$D = (0, 1.5)$'
    'tests/test_yujianll.py:15 (test_string_extraction[4])': IN,  # '$F_n = \\sum_{k=0}^{n-1} F_k ' | '$F_n = \\sum_{k=0}^{n-2} F_k '
    'tests/test_yujianll.py:20 (test_string_extraction[5])': IN,  # '$F_n = \\sum_{k=0}^{n-1} F_k ' | '$F_n = \\sum_{k=0}^{n-1} F_{n'
    'tests/test_yujianll.py:25 (test_string_extraction[6])': SEVERAL,  # '$19, 46, and 82$' | '$19, 46, \\text{ and } 82$'
    'tests/test_yujianll.py:26 (test_string_extraction[7])': SEVERAL,  # '$19, 46, and 82$' | '$21, 36, and 82$'
    'tests/test_yujianll.py:27 (test_string_extraction[8])': IN,  # '$1 - \\frac{1}{\\mathrm{e}}$' | '$1 - \\frac{1}{\\mathrm{e}}$'
    'tests/test_yujianll.py:28 (test_string_extraction[9])': _D["minus-vs-plus-e"],  # '$1 - \\frac{1}{\\mathrm{e}}$' | '$1 + \\frac{1}{\\mathrm{e}}$'
    'tests/test_yujianll.py:29 (test_string_extraction[10])': SEVERAL,  # '$\\pm 2021$' | '$2021$'
    'tests/test_yujianll.py:30 (test_string_extraction[11])': SEVERAL,  # '$\\pm 2021$' | '${-2021, 2021}$'
    'tests/test_yujianll.py:31 (test_string_extraction[12])': STRINGS,  # '$12:00$' | '$1:00$'
    'tests/test_yujianll.py:32 (test_string_extraction[13])': STRINGS,  # '$12:00$' | '$12:00$'
}


def classify(row: dict[str, Any]) -> tuple[str, str]:
    return REVIEW[row["source"].split(" ", 1)[1]]


def _ours(gold: str, pred: str, ctx: SymbolContext | None = None) -> bool | None:
    return compare_here(gold, pred, ctx or SymbolContext(), CompareOptions()).equivalent


def _theirs(gold: str, pred: str, config: dict[str, Any] | None = None) -> bool | None:
    """math-verify as the row's own test calls it (extraction targets, rounding, strictness)."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

    try:
        if not config or config.get("helper") != "compare_strings":
            return bool(verify(parse(gold), parse(pred)))
        targets = [LatexExtractionConfig(boxed_match_priority=0) if m == "latex" else ExprExtractionConfig() for m in config["match_types"]]
        return bool(verify(parse(gold, extraction_config=targets), parse(pred, extraction_config=targets),
                           float_rounding=config["precision"], strict=config["strict"],
                           allow_set_relation_comp=config["allow_set_relation_comp"]))
    except Exception:  # noqa: BLE001 - math-verify swallows most errors itself
        return None


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _report(name: str, times: list[float], agree: int, total: int) -> str:
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    return (f"  {name:12} agreement {agree}/{total} = {agree / max(total, 1):.1%}; "
            f"{len(times) / sum(times):.1f} pairs/s; p50 {q[49] * 1000:.1f} ms; p99 {q[98] * 1000:.1f} ms")


def main(argv: list[str]) -> None:
    rows = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()] if CASES.is_file() else []
    klass = [classify(r) for r in rows]
    in_scope = [r for r, (k, _) in zip(rows, klass, strict=True) if k == "in-scope"]
    print(f"math-verify cases: {len(rows)}; in-scope {len(in_scope)}; "
          f"out-of-scope {sum(k == 'out-of-scope' for k, _ in klass)}; deliberate {sum(k == 'deliberate' for k, _ in klass)}")
    for why, n in Counter(w for k, w in klass if k == "out-of-scope").most_common():
        print(f"  out-of-scope {n:3}: {why}")
    for r, (k, why) in zip(rows, klass, strict=True):
        if k == "deliberate":
            got = _ours(r["gold"], r["pred"])
            print(f"  deliberate {r['source'].split()[1]}: expected {r['expected']}, ours {got}: {why}")
    ours_t: list[float] = []
    theirs_t: list[float] = []
    ours_ok = theirs_ok = 0
    disagreements = []
    for r in in_scope:
        got, dt = _timed(lambda r=r: _ours(r["gold"], r["pred"]))
        ours_t.append(dt)
        ours_ok += got is r["expected"]
        if got is not r["expected"]:
            disagreements.append(f"{r['source'].split()[1]}: {r['gold']!r} vs {r['pred']!r} expected {r['expected']}, ours {got}")
        got2, dt2 = _timed(lambda r=r: _theirs(r["gold"], r["pred"], r["config"]))
        theirs_t.append(dt2)
        theirs_ok += got2 is r["expected"]
    if in_scope:
        print("in-scope math-verify rows (in-process):")
        print(_report("ours", ours_t, ours_ok, len(in_scope)))
        print(_report("math-verify", theirs_t, theirs_ok, len(in_scope)))
        for d in disagreements:
            print("   ours differs:", d[:220])
    # our own table: both engines on the same pairs (math-verify has no context, so it gets none)
    ours_t, theirs_t = [], []
    ours_ok = theirs_ok = 0
    for p in PAIRS:
        got, dt = _timed(lambda p=p: _ours(p.expected, p.answer, p.context()))
        ours_t.append(dt)
        ours_ok += got is p.verdict
        got2, dt2 = _timed(lambda p=p: _theirs(f"${p.expected}$", f"${p.answer}$"))
        theirs_t.append(dt2)
        theirs_ok += got2 is p.verdict
    print(f"our table ({len(PAIRS)} labelled pairs, in-process):")
    print(_report("ours", ours_t, ours_ok, len(PAIRS)))
    print(_report("math-verify", theirs_t, theirs_ok, len(PAIRS)))
    if "--sandbox" in argv:
        t = []
        for p in PAIRS[:60]:
            _, dt = _timed(lambda p=p: equivalent(p.expected, p.answer, p.context()))
            t.append(dt)
        print(_report("ours+fork", t, 0, 0).replace("agreement 0/0 = 0.0%; ", "") + " (first 60 pairs, through the limited worker)")


if __name__ == "__main__":
    main(sys.argv[1:])
