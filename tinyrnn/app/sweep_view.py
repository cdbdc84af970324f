"""The Sweep page's phase diagram (one panel, or float32 beside float64) and its row of per-activation diagrams."""
from __future__ import annotations

import streamlit as st

from ..charts import sweep as sw
from ..charts.sweep import MINI
from ..core.config import Config
from ..core.names import ACTIVATION_NAMES
from . import cached, widgets
from .state import go_to
from .sweep_inputs import cell_center


def _picked(key: str, over: str) -> None:
    """on_select: open the clicked cell in the Explorer (wh_init or bz, and L set, then the page switches)."""
    selection = (st.session_state.get(key) or {}).get("selection", {})
    points = [point for picked in selection.values() for point in (picked or [])]
    if points:
        value, L = cell_center(points[0], over)
        go_to("explorer", {over: value, "L": L})


def phase_panel(cfg: Config, span: float, res: int, param: str, compare: bool, over: str = "wh") -> None:
    """The phase diagram in cfg's number format, or float32 and float64 side by side; a click opens the cell."""
    dtypes = ("float32", "float64") if compare else (cfg.dtype,)
    value = cfg.value_of(over)
    on_map = abs(value) <= span and cfg.L <= res
    here = (value, cfg.L) if on_map else None
    off_map = None if on_map else f"{sw.FIELD[over]} = {value:g}, L = {cfg.L}"
    factor = "|dh_t/dh_t-1|" if cfg.cell == "gru" else "|wh·act'(a_t)|"
    outs = {dtype: cached.phase(cfg.replace(dtype=dtype), span, res, param, over=over) for dtype in dtypes}
    reach = sw.shared_reach([o["cells"] for o in outs.values()]) if compare else None  # one scale for both
    for column, (dtype, out) in zip(st.columns(len(dtypes)), outs.items(), strict=True):
        with column:
            key = f"phase_{dtype}"
            widgets.chart_title(sw.heatmap_title(out, dtype))
            widgets.draw(sw.heatmap(380 if compare else 460, True, over), sw.heatmap_data(out, here, reach),
                         key=key, on_select=lambda key=key: _picked(key, over), selection_mode=["cell", "special"])
            st.caption(sw.heatmap_caption(out, res, out["seconds"], reach, off_map, factor))
            note = sw.reach(out)
            if note:
                st.caption(note)
            widgets.download(out["cells"], f"phase_diagram_{dtype}.csv", f"Download the drawn {dtype} grid (CSV)")
    if compare:
        st.info("Cells special in float32 (cancelled, underflow) but coloured in float64 are rounding artefacts, "
                "not vanishing or exploding gradients.", icon=":material/search:")


GATED_RES = 400  # the gated cell's largest grid: its exact replay of special cells costs ~1.5 s there (budget.py)


def sweep_choices(cfg: Config, param: str, over: str, res: int) -> tuple[str, str, int]:
    """The gradient, axis and grid this cell can show, saying what changed: the plain cell has no gate, and the
    gated cell's grid stops at GATED_RES."""
    if param not in cfg.params:
        st.info(f"dL/d{param} belongs to the gated cell's gate (choose the gated cell in the sidebar); showing "
                "dL/dh_init.", icon=":material/info:")
        param = "h_init"
    if cfg.cell == "gru" and res > GATED_RES:
        st.info(f"The gated cell's grid goes up to {GATED_RES}×{GATED_RES} (it replays autograd exactly wherever a "
                f"value nears overflow or underflow, which costs more): showing {GATED_RES}.", icon=":material/info:")
        res = GATED_RES
    return param, over, res


def activation_row(cfg: Config, span: float, param: str) -> None:
    """One small diagram per activation, same parameter and range, on one shared colour scale."""
    cells = {act: cached.phase(cfg.replace(activation=act), span, MINI, param)["cells"] for act in ACTIVATION_NAMES}
    reach = sw.shared_reach(list(cells.values()))
    widgets.chart_title(f"log10 |dL/d{param}| per activation ({MINI}×{MINI} each, one colour scale from "
                        f"10^{reach[0]} to 10^{reach[1]})")
    for column, (act, grid) in zip(st.columns(len(cells)), cells.items(), strict=True):
        with column:
            st.markdown(f"**{act}**")
            widgets.draw(sw.mini(), sw.mini_data(grid, reach), key=f"mini_{act}")
    if cfg.cell == "plain":
        st.caption("tanh and sigmoid saturate, so their exploding region shrinks or disappears (sigmoid's slope is "
                   "at most 1/4); relu dies for negative wh; identity depends on |wh| only. This row has its own "
                   "colour scale (in its title), not the diagram's above.")
    else:
        st.caption(f"The gated cell with each activation as its candidate, over wh_init (bz = {cfg.bz:g}, wz = "
                   f"{cfg.wz:g}, uz = {cfg.uz:g}). This row has its own colour scale (in its title), not the "
                   "diagram's above.")
