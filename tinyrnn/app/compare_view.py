"""The Compare page: setting A (the sidebar) and setting B (its own controls, keys b_...) on shared axes."""
from __future__ import annotations

import streamlit as st

from ..charts import compare as cc
from ..charts.explorer import SEVERITY
from . import cached, widgets

PARAMS = ("h_init", "wh", "wy")


def b_controls():
    """Setting B's controls, in the page (A's are in the sidebar); returns B's Config."""
    with st.container(border=True):
        st.markdown("**Setting B**")
        return widgets.model_controls(st, prefix="b_")


def verdicts(a, b) -> None:
    """Each setting's diagnosis, side by side."""
    for column, name, report in zip(st.columns(2), cc.SETTINGS, (a, b), strict=True):
        d = report.diagnosis
        with column:
            st.markdown(f"**{name}**: {cc.describe(report.config)}")
            widgets.banner(SEVERITY[d.word], f"**{d.word.capitalize()}.** {d.explanation}")


def charts(a, b, param: str) -> None:
    """h_t and dL/dθ against L for both settings, each on one pair of axes."""
    left, right = st.columns(2)
    with left:
        widgets.block("h_t for A and B", cc.trajectories(), cc.trajectories_data(a, b),
                      "Blue: A, orange dashed: B, on one log axis; the bands hold what it cannot show.")
    with right:
        widgets.block(cc.difference(a, b, param), cc.lengths(param), cc.lengths_data(a, b, param),
                      "Every length up to each setting's own L, on one log axis.")


def reports(cfg_a, cfg_b):
    return cached.report(cfg_a), cached.report(cfg_b)
