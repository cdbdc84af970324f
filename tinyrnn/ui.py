"""The one Streamlit helper: URL-bound controls, bad-link warnings, cached engine calls, page links."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from altair.utils import schemapi

from . import charts, explain
from .controls import CONTROLS, Control, link_problems
from .core.config import Config
from .core.report import Report
from .core.seed import seed_experiment as _seed_experiment
from .presets import PRESETS, preset_values

# Altair re-validates every object as it is built; the app skips that on its hot path (~60 ms of a
# ~165 ms Explorer rerun). tests/test_charts.py validates every chart builder's full spec instead.
schemapi.disable_debug_mode()


def chart(spec: alt.TopLevelMixin | dict, **kwargs) -> None:
    """Draw a small Altair chart (or its dict) without a second schema validation (data inline, <= 5,000 rows)."""
    st.vega_lite_chart(spec=spec if isinstance(spec, dict) else spec.to_dict(validate=False), **kwargs)


def url_problems() -> list[str]:
    """Warnings for the current page's link, read before the bound widgets clean the URL."""
    return link_problems({key: st.query_params.get_all(key) for key in st.query_params})


def start_page(page: str) -> None:
    """Call first on every page: carry the settings across a page switch, then warn about a bad link."""
    restore_settings(page)
    show_url_problems()


def restore_settings(page: str) -> None:
    """After a page switch, give the controls the values they had on the page we came from.

    Streamlit carries URL-bound values across pages only once a widget has been touched; settings that
    came from a shared link would otherwise fall back to defaults on the next page. A link that names
    a different value (e.g. a phase-diagram click) still wins.
    """
    saved = st.session_state.setdefault("_settings", {})
    if st.session_state.get("_page") != page:
        for key, value in saved.items():
            linked = st.query_params.get_all(key)
            if not linked or linked == (value if isinstance(value, list) else [_as_url(value)]):
                st.session_state[key] = value
    st.session_state["_page"] = page


def _as_url(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def show_url_problems() -> None:
    """Warn about bad link values; keep the warnings for the session until dismissed (then for good)."""
    store = st.session_state.setdefault("_url_problems", [])
    dismissed = st.session_state.setdefault("_url_dismissed", set())
    store.extend(m for m in url_problems() if m not in store and m not in dismissed)
    if store:
        with st.container(border=True):
            for message in store:
                st.warning(message, icon=":material/warning:")
            if st.button("Dismiss link warnings", key="_dismiss_url"):
                dismissed.update(store)  # an unknown parameter stays in the URL: do not raise it again
                store.clear()
                st.rerun()


def widget(control: Control, where=st):
    """Render one URL-bound widget and return its value."""
    common = {"key": control.key, "bind": "query-params", "help": control.help or None}
    if control.kind == "choice":
        value = where.selectbox(control.label, control.options, index=control.options.index(control.default),
                                **common)
    elif control.kind == "bool":
        value = where.toggle(control.label, value=control.default, **common)
    elif control.kind == "text":
        value = where.text_input(control.label, value=control.default, **common)
    elif control.kind == "multi":
        value = where.multiselect(control.label, control.options, default=control.default, **common)
    else:
        cast = int if control.kind == "int" else float
        value = where.slider(control.label, cast(control.lo), cast(control.hi), cast(control.default),
                             cast(control.step), **common)
    st.session_state.setdefault("_settings", {})[control.key] = value  # for restore_settings on the next page
    return value


def apply_values(values: dict) -> None:
    """on_click callback: set controls (bound widgets take session_state writes, and the URL follows)."""
    for key, value in values.items():
        st.session_state[key] = value


def apply_preset(name: str) -> None:
    """on_click callback: set every control to an Explorer preset."""
    apply_values(preset_values(name))


def model_controls(where=st.sidebar) -> Config:
    """The model's controls (main four, then an 'advanced' expander) and the Config they describe."""
    values = {k: widget(CONTROLS[k], where) for k in ("wh", "L", "act", "offset")}
    with where.expander("Advanced: h_init, wy, wx, dtype"):
        values.update({k: widget(CONTROLS[k]) for k in ("h0", "wy", "wx", "dtype")})
    return Config(wh_init=values["wh"], L=values["L"], activation=values["act"], offset=values["offset"],
                  h_init=values["h0"], wy=values["wy"], wx=values["wx"], dtype=values["dtype"])


def settings_params() -> dict[str, str]:
    """The current model settings as query parameters, for links that carry them to another page."""
    return {k: (st.session_state[k] if isinstance(st.session_state[k], list) else str(st.session_state[k]))
            for k in CONTROLS if k in st.session_state}


PAGES = (("streamlit_app.py", "Home: the seed", ":material/home:", "The seed notebook's experiment, live"),
         ("pages/1_Explorer.py", "Explorer: one run", ":material/biotech:", "One run, every gradient and its cause"),
         ("pages/2_Sweep.py", "Sweep: all wh, all L", ":material/grid_on:", "Every wh_init and L at once"),
         ("pages/3_Training.py", "Training: clipping", ":material/model_training:",
          "Exploding gradients wreck SGD; clipping rescues it"))


def page_links() -> None:
    """Links to every page, carrying the current settings in their query string."""
    st.markdown("**Go to, with these settings**")
    params = settings_params()
    for path, label, icon, about in PAGES:
        st.page_link(path, label=label, icon=icon, help=about, query_params=params)


@st.cache_data(max_entries=256, show_spinner=False)
def explore(wh: float, L: int, act: str, offset: float, h0: float, wy: float, wx: float, dtype: str) -> dict:
    """Everything the Explorer draws for one setting, as DataFrames (cached on the scalars)."""
    cfg = Config(wh_init=wh, L=L, activation=act, offset=offset, h_init=h0, wy=wy, wx=wx, dtype=dtype)
    rep = Report.from_config(cfg)
    r, d = rep.result, rep.diagnosis
    return {"frame": rep.frame, "grads": rep.grads, "witnesses": rep.witnesses,
            "by_length": rep.by_length,  # with each cell's status (cancelled, ...)
            "diagnosis": {"word": d.word, "explanation": d.explanation, "log10_gain": d.log10_gain,
                          "mean_factor": d.mean_factor},
            "loss": r.loss, "y_last": r.y_last, "target": r.target}


@st.cache_data(max_entries=256, show_spinner=False)
def explorer_specs(wh: float, L: int, act: str, offset: float, h0: float, wy: float, wx: float, dtype: str,
                   log: bool) -> dict[str, dict]:
    """The Explorer's four charts as Vega-Lite dicts, cached like explore(): a room on one setting builds them once
    (building and serialising the Altair charts is most of a rerun's server time)."""
    out = explore(wh, L, act, offset, h0, wy, wx, dtype)
    frame, grads = out["frame"], out["grads"]
    built = {"trajectory": charts.trajectory(frame, log, explain.trajectory_title(frame)),
             "gradients": charts.gradient_dots(grads, explain.gradient_title(grads, L)),
             "by_length": charts.gradient_vs_length(out["by_length"], L, explain.length_title(L)),
             "factors": charts.factors_and_gain(frame, explain.factor_title(out["diagnosis"]))}
    return {name: c.to_dict(validate=False) for name, c in built.items()}


@st.cache_data(max_entries=4, show_spinner=False)
def seed_experiment(dtype: str) -> pd.DataFrame:
    """The seed notebook's grid (wh_init 0.1, 1, 10; L 1..5 and 10), long form, one run per cell as the seed did."""
    return _seed_experiment(dtype)


def diagnosis_banner(diagnosis: dict, witnesses: pd.DataFrame, cfg: Config) -> None:
    """The diagnosis in plain words, coloured by severity, with the witness check beneath."""
    kind = explain.BANNER_KIND[diagnosis["word"]]
    getattr(st, kind)(f"**{diagnosis['word'].capitalize()}.** {diagnosis['explanation']}")
    st.markdown(explain.witness_line(witnesses, cfg.dtype, diagnosis["word"]))
    with st.expander("How do we know? Autograd beside its two witnesses"):
        st.dataframe(explain.witness_table(witnesses), hide_index=True, width="stretch")


def download(df: pd.DataFrame, name: str, label: str) -> None:
    """A CSV download of a chart's data."""
    # a callable defers the CSV until the click, keeping it off every rerun's path
    st.download_button(label, lambda: df.to_csv(index=False), file_name=name, mime="text/csv", key=f"dl_{name}",
                       icon=":material/download:", on_click="ignore")


__all__ = [
    "CONTROLS", "PRESETS", "Control", "apply_preset", "apply_values", "chart", "diagnosis_banner", "download",
    "explore", "explorer_specs", "model_controls", "page_links", "preset_values", "seed_experiment",
    "show_url_problems", "start_page", "url_problems", "widget",
]
