"""The one Streamlit helper: URL-bound controls, bad-link warnings, cached engine calls, page links."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from . import ACTIVATION_NAMES, Config, analysis, explain, run
from .cli import SEED_L, SEED_WH
from .explain import MATH, factor_title, gradient_table, length_title, trajectory_title  # noqa: F401
from .presets import DEFAULTS, PRESETS, preset_values
from .sweep import sweep

STREAMLIT_PARAMS = {"embed", "embed_options"}  # Streamlit's own URL options, not ours


@dataclass(frozen=True)
class Control:
    """One URL-bound widget: its key doubles as the query parameter name."""

    key: str
    label: str
    kind: str  # "float" | "int" | "choice" | "bool"
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    options: tuple = ()
    help: str = ""

    @property
    def default(self):
        return DEFAULTS[self.key]

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.options)
        if self.kind == "text":
            return "text"
        if self.kind == "bool":
            return "true or false"
        return f"a {'whole ' if self.kind == 'int' else ''}number from {self.lo:g} to {self.hi:g}"


CONTROLS = {c.key: c for c in (
    Control("wh", "wh_init: the recurrent weight", "float", -12.0, 12.0, 0.01,
            help="h_t = act(wh·h_{t-1} + wx·x_t). |wh| < 1 shrinks signals, |wh| > 1 grows them. "
                 "Arrow keys move it by 0.01 for fine control near 1."),
    Control("L", "L: sequence length (steps)", "int", 1, 1000, 1, help="How many steps the RNN runs."),
    Control("act", "activation", "choice", options=ACTIVATION_NAMES,
            help="act in h_t = act(a_t); its slope act'(a_t) multiplies every backward step."),
    Control("offset", "target offset (target = y_L − offset)", "float", -5.0, 5.0, 0.1,
            help="The seed's loss (y_L − (y_L − offset))² = offset², so dL/dy_L = 2·offset."),
    Control("h0", "h_init: initial hidden state", "float", -5.0, 5.0, 0.1),
    Control("wy", "wy: output weight", "float", -5.0, 5.0, 0.1),
    Control("wx", "wx: input weight (frozen; x_t = 1)", "float", -2.0, 2.0, 0.05),
    Control("dtype", "number format", "choice", options=("float32", "float64"),
            help="float32 has ~7 significant digits; float64 ~16."),
    Control("log", "log scale for h_t", "bool"),
    Control("whs", "wh_init values (comma-separated, up to 8)", "text",
            help="One line per value, e.g. 0.1, 0.9, 1, 1.1, 10"),
    Control("param", "gradient of", "choice", options=("h_init", "wh", "wy")),
    Control("span", "wh_init range ±", "choice", options=("1.5", "3", "6", "12")),
    Control("res", "resolution (cells per side)", "choice", options=("50", "100", "200", "400", "800"),
            help="Computed at this resolution; drawn at most 200 x 200 (larger grids are shown as blocks)."),
    Control("compare", "float32 and float64 side by side", "bool"),
)}


def _problem(control: Control, raw: str) -> tuple[str, object] | None:
    """(what is wrong, the value used instead) for a raw URL value, or None when it is fine."""
    if control.kind == "choice":
        return None if raw in control.options else ("is not a known choice", control.default)
    if control.kind == "bool":
        return None if raw.strip().lower() in ("true", "false") else ("is not true or false", control.default)
    if control.kind == "text":
        return None  # free text: the page parses it and explains each entry it cannot use
    try:
        number = float(raw)
    except ValueError:
        return "is not a number", control.default
    if not math.isfinite(number):
        return "is not a finite number", control.default
    if not control.lo <= number <= control.hi:
        return "is out of range", control.default
    if control.kind == "int" and not number.is_integer():
        return "is not a whole number", int(number)  # Streamlit's slider truncates it
    return None


def url_problems() -> list[str]:
    """Plain-words warnings for every bad or unknown query parameter (checked before widgets clean the URL)."""
    messages = []
    for key in st.query_params:
        raw = st.query_params.get_all(key)[-1]
        shown = "`" + raw.replace("`", "'")[:40] + "`"
        if key in STREAMLIT_PARAMS:
            continue
        if key not in CONTROLS:
            messages.append(f"Link parameter **{key[:30]}** = {shown} is not a setting of this lab; it was ignored. "
                            f"Known settings: {', '.join(CONTROLS)}.")
            continue
        problem = _problem(CONTROLS[key], raw)
        if problem:
            what, used = problem
            messages.append(f"Link parameter **{key}** = {shown} {what}; allowed: {CONTROLS[key].allowed()}. "
                            f"Using **{used}** instead.")
    return messages


def show_url_problems() -> None:
    """Warn about bad link values; keep the warnings for the session until dismissed."""
    store = st.session_state.setdefault("_url_problems", [])
    store.extend(m for m in url_problems() if m not in store)
    if store:
        with st.container(border=True):
            for message in store:
                st.warning(message, icon=":material/warning:")
            if st.button("Dismiss link warnings", key="_dismiss_url"):
                store.clear()
                st.rerun()


def widget(control: Control, where=st):
    """Render one URL-bound widget and return its value."""
    common = {"key": control.key, "bind": "query-params", "help": control.help or None}
    if control.kind == "choice":
        return where.selectbox(control.label, control.options, index=control.options.index(control.default), **common)
    if control.kind == "bool":
        return where.toggle(control.label, value=control.default, **common)
    if control.kind == "text":
        return where.text_input(control.label, value=control.default, **common)
    cast = int if control.kind == "int" else float
    return where.slider(control.label, cast(control.lo), cast(control.hi), cast(control.default),
                        cast(control.step), **common)


def apply_preset(name: str) -> None:
    """on_click callback: set every control to the preset (bound widgets take session_state writes)."""
    for key, value in preset_values(name).items():
        st.session_state[key] = value


def model_controls(where=st.sidebar) -> Config:
    """The model's controls (main four, then an 'advanced' expander) and the Config they describe."""
    values = {k: widget(CONTROLS[k], where) for k in ("wh", "L", "act", "offset")}
    with where.expander("Advanced: h_init, wy, wx, dtype"):
        values.update({k: widget(CONTROLS[k]) for k in ("h0", "wy", "wx", "dtype")})
    return Config(wh_init=values["wh"], L=values["L"], activation=values["act"], offset=values["offset"],
                  h_init=values["h0"], wy=values["wy"], wx=values["wx"], dtype=values["dtype"])


def settings_params() -> dict[str, str]:
    """The current model settings as query parameters, for links that carry them to another page."""
    return {k: str(st.session_state[k]) for k in CONTROLS if k in st.session_state}


PAGES = (("streamlit_app.py", "Home: the seed experiment", ":material/home:"),
         ("pages/1_Explorer.py", "Explorer: one run, every gradient", ":material/biotech:"),
         ("pages/2_Sweep.py", "Sweep: every wh_init and L at once", ":material/grid_on:"))


def page_links() -> None:
    """Links to every page, carrying the current settings in their query string."""
    st.markdown("**Go to, with these settings**")
    params = settings_params()
    for path, label, icon in PAGES:
        st.page_link(path, label=label, icon=icon, query_params=params)


@st.cache_data(max_entries=256, show_spinner=False)
def explore(wh: float, L: int, act: str, offset: float, h0: float, wy: float, wx: float, dtype: str) -> dict:
    """Everything the Explorer draws for one setting, as DataFrames (cached on the scalars)."""
    cfg = Config(wh_init=wh, L=L, activation=act, offset=offset, h_init=h0, wy=wy, wx=wx, dtype=dtype)
    r = run(cfg)
    d = r.diagnosis
    return {"frame": r.to_frame(), "grads": r.grads_frame(), "witnesses": analysis.witnesses(r),
            "by_length": sweep(cfg, [wh], L, params=("h_init", "wh", "wy", "wx")),
            "diagnosis": {"word": d.word, "explanation": d.explanation, "log10_gain": d.log10_gain,
                          "mean_factor": d.mean_factor},
            "loss": r.loss, "y_last": r.y_last, "target": r.target}


@st.cache_data(max_entries=4, show_spinner=False)
def seed_experiment(dtype: str) -> pd.DataFrame:
    """The seed notebook's grid (wh_init 0.1, 1, 10; L 1..5 and 10), long form, one run per cell as the seed did."""
    rows = []
    for wh in SEED_WH:
        for L in SEED_L:
            r = run(Config(wh_init=wh, L=L, dtype=dtype))
            rows += [{"wh_init": wh, "L": L, "param": p, "grad": r.grads[p], "diagnosis": r.diagnosis.word}
                     for p in ("h_init", "wh", "wy")]
    return pd.DataFrame(rows)


def diagnosis_banner(diagnosis: dict, witnesses: pd.DataFrame, cfg: Config) -> None:
    """The diagnosis in plain words, coloured by severity, with the witness check beneath."""
    kind = explain.BANNER_KIND[diagnosis["word"]]
    getattr(st, kind)(f"**{diagnosis['word'].capitalize()}.** {diagnosis['explanation']}")
    st.markdown(explain.witness_line(witnesses, cfg.dtype, diagnosis["word"]))
    with st.expander("How do we know? Autograd beside its two witnesses"):
        st.dataframe(explain.witness_table(witnesses), hide_index=True, width="stretch")


def gradient_title(grads: pd.DataFrame, cfg: Config) -> str:
    """Title for the gradient chart at this config."""
    return explain.gradient_title(grads, cfg.L)


def download(df: pd.DataFrame, name: str, label: str) -> None:
    """A CSV download of a chart's data."""
    # a callable defers the CSV until the click, keeping it off every rerun's path
    st.download_button(label, lambda: df.to_csv(index=False), file_name=name, mime="text/csv", key=f"dl_{name}",
                       icon=":material/download:", on_click="ignore")


__all__ = ["CONTROLS", "PRESETS", "apply_preset", "explore", "model_controls", "page_links", "seed_experiment",
           "show_url_problems", "url_problems", "widget", "preset_values", "diagnosis_banner", "download",
           "gradient_title", "MATH", "factor_title", "gradient_table", "length_title", "trajectory_title"]
