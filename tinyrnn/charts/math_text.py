"""The formulas behind every Explorer chart, in LaTeX (one click away from the plain words)."""

MATH = r"""
**Forward.** $a_t = w_h h_{t-1} + w_x x_t$, $h_t = \mathrm{act}(a_t)$, $y_t = w_y h_t$, with $x_t = 1$, $h_0 = h_\text{init}$.

**Loss (the seed's).** $\mathcal{L} = (y_L - \text{target})^2$ with $\text{target} = \text{detach}(y_L) - \text{offset}$,
so in exact arithmetic $\mathcal{L} = \text{offset}^2$ and $\partial\mathcal{L}/\partial y_L = 2\,\text{offset}$.

**Backward, one step.** $\dfrac{\partial h_t}{\partial h_{t-1}} = w_h\,\mathrm{act}'(a_t)$ — the *per-step factor*.

**How far back the gradient reaches.** $\dfrac{\partial h_L}{\partial h_t} = \prod_{s=t+1}^{L} w_h\,\mathrm{act}'(a_s)$, so
$\dfrac{\partial\mathcal{L}}{\partial h_\text{init}} = 2\,\text{offset}\cdot w_y \cdot \prod_{t=1}^{L} w_h\,\mathrm{act}'(a_t)$.
It shrinks geometrically when $|w_h\,\mathrm{act}'(a_t)| < 1$ on average and grows when it is above 1:
what matters is $|w_h|$ times the slope, not $w_h$ alone (sigmoid's slope is at most $\tfrac14$, so $|w_h| < 4$
shrinks at any state). The average rate $m$ (geometric mean of the factors) gives the Lyapunov exponent $\ln m$.

**Terms in time.** $\dfrac{\partial\mathcal{L}}{\partial w_h} = \sum_{t=1}^{L} c_t$ with
$c_t = \dfrac{\partial\mathcal{L}}{\partial a_t}\,h_{t-1}$: each step adds one term. Terms from early steps
(small $t$) pass through many factors, so with factors below 1 they add almost nothing: the *long-range* part
vanishes while the short-range terms near $t = L$ remain. Truncated BPTT keeps only the last $k$ terms.

**The gated cell.** An update gate $z_t = \sigma(w_z h_{t-1} + u_z x_t + b_z)$ chooses how much of the plain
cell's value $c_t = \mathrm{act}(a_t)$ to write: $h_t = (1 - z_t)\,h_{t-1} + z_t\,c_t$. Its per-step factor is
$\dfrac{\partial h_t}{\partial h_{t-1}} = (1 - z_t) + z_t\,\mathrm{act}'(a_t)\,w_h + (c_t - h_{t-1})\,z_t(1 - z_t)\,w_z$:
the first term, the *kept share*, needs no slope. With the gate mostly closed ($z_t \approx 0$: $b_z = -4$ gives
$z_t = 0.018$ when $w_z = u_z = 0$) the other two terms are scaled by $z_t$, so the factor stays near 1 unless
$|w_h|$ is large, and the gradient passes many steps, as the state does.
Its sweep carries $\partial h_t/\partial\theta$ forward (real-time recurrent learning) in float64:
$\dfrac{\partial h_t}{\partial\theta} = \dfrac{\partial h_t}{\partial h_{t-1}}\dfrac{\partial h_{t-1}}{\partial\theta}
+ \dfrac{\partial^{+} h_t}{\partial\theta}$, with autograd's own order replayed where a value nears overflow or underflow.

**Second witnesses.** Autograd's numbers are checked against finite differences in float64 and, on a linear
piece of the activation (identity; relu with every $a_t > 0$), the closed form
$h_L = W^L h_0 + B\sum_{k<L} W^k$ with $W = s\,w_h$, $B = s\,w_x$ (the plain cell only: the gate is a sigmoid).
"""
