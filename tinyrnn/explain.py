"""Words for the charts: titles that say what to notice, tables of numbers, the formulas. No UI imports."""
from __future__ import annotations

import numpy as np
import pandas as pd

BANNER_KIND = {"stable": "success", "no signal": "info", "vanishing": "warning", "exploding": "warning", "saturated": "warning",
               "dead": "warning", "cancelled": "error", "underflow": "error", "overflow": "error"}

MATH = r"""
**Forward.** $a_t = w_h h_{t-1} + w_x x_t$, $h_t = \mathrm{act}(a_t)$, $y_t = w_y h_t$, with $x_t = 1$, $h_0 = h_\text{init}$.

**Loss (the seed's).** $\mathcal{L} = (y_L - \text{target})^2$ with $\text{target} = \text{detach}(y_L) - \text{offset}$,
so in exact arithmetic $\mathcal{L} = \text{offset}^2$ and $\partial\mathcal{L}/\partial y_L = 2\,\text{offset}$.

**Backward, one step.** $\dfrac{\partial h_t}{\partial h_{t-1}} = w_h\,\mathrm{act}'(a_t)$ — the *per-step factor*.

**Long-range gain.** $\dfrac{\partial h_L}{\partial h_0} = \prod_{t=1}^{L} w_h\,\mathrm{act}'(a_t)$, so
$\dfrac{\partial\mathcal{L}}{\partial h_\text{init}} = 2\,\text{offset}\cdot w_y \cdot \prod_t w_h\,\mathrm{act}'(a_t)$.
Factors below 1 make it vanish geometrically, above 1 explode.

**Temporal terms.** $\dfrac{\partial\mathcal{L}}{\partial w_h} = \sum_{t=1}^{L} \dfrac{\partial\mathcal{L}}{\partial a_t}\,h_{t-1}$:
each step adds one term; with vanishing factors the early steps add almost nothing.

**Second witnesses.** Autograd's numbers are checked against finite differences in float64 and, on a linear
piece of the activation (identity; relu with every $a_t > 0$), the closed form
$h_L = W^L h_0 + B\sum_{k<L} W^k$ with $W = s\,w_h$, $B = s\,w_x$.
"""


def sci(x: float) -> str:
    """A number as text that keeps inf, NaN and an exact 0 visible."""
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "+inf" if x > 0 else "-inf"
    return "0 (exactly)" if x == 0 else f"{x:.4e}"


def gradient_table(grads: pd.DataFrame) -> pd.DataFrame:
    """The gradient numbers as text, so inf/NaN/0 read as what they are."""
    return pd.DataFrame({"parameter": grads.param, "dL/dθ": grads.grad.map(sci),
                         "log10 |dL/dθ|": grads.magnitude.map(lambda m: f"{np.log10(m):.2f}" if 0 < m < np.inf
                                                              else "—"),
                         "trained": grads.trainable.map({True: "yes", False: "no (frozen)"})})


def witness_table(w: pd.DataFrame) -> pd.DataFrame:
    """Autograd beside its two witnesses, as text."""
    return pd.DataFrame({"parameter": w.param, "autograd": w.autograd.map(sci),
                         "closed form (float64)": w.closed_form.map(lambda v: "no closed form" if np.isnan(v)
                                                                    else sci(v)),
                         "finite differences (float64)": w.finite_difference.map(sci),
                         "agree": w.agree.map({"yes": "✓", "one-sided": "✓ one-sided (kink within the step)",
                                               "no": "✗"})})


def witness_line(w: pd.DataFrame, dtype: str, word: str) -> str:
    """One sentence: do autograd, closed form and finite differences agree?"""
    witnesses = "the closed form and finite differences" if w.closed_form.notna().any() else "finite differences"
    if (w.agree == "yes").all():
        return f"✓ Checked: autograd agrees with {witnesses} (float64) on every gradient."
    if (w.agree != "no").all():
        kinked = ", ".join(w.param[w.agree == "one-sided"])
        return (f"✓ Checked: autograd agrees with {witnesses} (float64); for {kinked} a relu kink lies within the "
                "difference step: the central difference straddles it, and autograd matches a one-sided one.")
    bad = ", ".join(w.param[w.agree == "no"])
    why = {"cancelled": f"{dtype} rounding zeroed the loss", "overflow": "the run overflowed",
           "underflow": f"{dtype} rounded a tiny gain to 0"}.get(word, f"{dtype} rounding")
    return f"✗ Autograd differs from the float64 witnesses on {bad}: {why}. Open the table to see by how much."


def trajectory_title(frame: pd.DataFrame) -> str:
    """Title for h_t: how h changed from start to end."""
    h0, hL = frame.h.iloc[0], frame.h.iloc[-1]
    if not np.isfinite(hL):
        return f"h_t runs off to {sci(hL)}: the forward pass overflows"
    if hL == 0:
        return "h_t reaches exactly 0: nothing of h_0 survives"
    return f"h_t goes from {h0:.3g} to {hL:.3g} in {len(frame) - 1} steps"


def gradient_title(grads: pd.DataFrame, L: int) -> str:
    """Title for the per-parameter gradients: which is largest, and the spread."""
    finite = grads[np.isfinite(grads.grad) & (grads.grad != 0)]
    if finite.empty:
        return "No parameter gets a usable gradient (all 0, inf or NaN)"
    top = finite.loc[finite.magnitude.idxmax()]
    return f"Gradients after L={L}: {top.param} gets the biggest pull ({sci(top.grad)})"


def length_title(L: int) -> str:
    """Title for gradient vs L."""
    return f"Gradient against sequence length, L = 1..{L}"


def factor_title(diagnosis: dict) -> str:
    """Title for the factor/gain chart, with the geometric-mean factor."""
    m = diagnosis["mean_factor"]
    if not np.isfinite(diagnosis["log10_gain"]):
        return "A factor is exactly 0 or non-finite: the gain is cut" if m == 0 else "The factors are not finite"
    return f"×{m:.3g} per step on average: gain 10^{diagnosis['log10_gain']:.1f} after all L"
