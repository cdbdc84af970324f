"""Streamlit widgets and elements the pages share: URL-bound controls, charts from templates, banners, downloads."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from ..charts.common import with_data
from . import links
from .controls import CONTROLS, GATE_KEYS, MODEL_KEYS, Control, config_from, lengths
from .state import fixed_value, page_links, presenting, read_view, remember

BANNER = {"ok": st.success, "info": st.info, "warn": st.warning, "error": st.error}
ICONS = {"ok": ":material/check_circle:", "info": ":material/info:", "warn": ":material/warning:",
         "error": ":material/error:"}


def widget(control: Control, where=st):
    """Render one URL-bound widget and return its value (also kept for the next page).

    A control the link hides (?hide=act,offset) is not drawn: it keeps the value the link gives it.
    """
    if control.key in read_view(st.session_state.get("_page", ""))["hidden"]:
        value = fixed_value(control.key)
        st.session_state[control.key] = value
        remember(control.key, value)
        return value
    common = {"key": control.key, "bind": "query-params", "help": control.help or None}
    if control.kind == "choice":
        # A URL-bound selectbox writes what it displays into the link, so it shows the short option (the link's
        # word) and a caption below says what the option means.
        value = where.selectbox(control.label, control.options, index=control.options.index(control.default),
                                **common)
        if control.labels:
            where.caption(dict(zip(control.options, control.labels, strict=True))[value])
    elif control.kind == "bool":
        value = where.toggle(control.label, value=control.default, **common)
    elif control.kind == "text":
        value = where.text_input(control.label, value=control.default, max_chars=400, **common)
    elif control.kind == "multi":
        value = where.multiselect(control.label, control.options, default=control.default, **common)
    elif control.kind == "guess":
        value = where.number_input(control.label, value=None, format="%g", placeholder="type a number", **common)
    elif control.kind == "pick":
        value = where.radio(control.label, control.options, index=None, **common)
    elif control.options:  # whole numbers on marks (L, k): fine steps where lessons live, coarse beyond
        linked = links.mark_from_link(control, st.query_params.get_all(control.key))
        extra = st.session_state.setdefault("_marks", {}).setdefault(control.key, set())
        if linked is not None:
            extra.add(linked)
        current = st.session_state.get(control.key)
        if isinstance(current, int) and current not in control.options:
            extra.add(current)
        options = tuple(sorted(set(lengths()) | extra))
        value = where.select_slider(control.label, options, value=control.default, **common)
    else:
        cast = int if control.kind == "int" else float
        value = where.slider(control.label, cast(control.lo), cast(control.hi), cast(control.default),
                             cast(control.step), format=f"%.{control.decimals}f" if control.kind == "float" else None,
                             **common)
    remember(control.key, value)
    return value


def model_controls(where=st.sidebar, prefix: str = ""):
    """The model's controls (the main four and the cell, then an 'advanced' expander) and the Config they describe.

    prefix "b_" draws the Compare page's second setting. The gate's controls appear only for the gated cell (the
    plain cell has no gate). Controls the link hides are named, with their values.
    """
    main = ("wh", "L", "act", "offset", "cell")
    values = {k: widget(CONTROLS[prefix + k], where) for k in main}
    gated = values["cell"] == "gru"
    if gated:
        values["bz"] = widget(CONTROLS[prefix + "bz"], where)
    label = "Advanced: h_init, wy, wx, " + ("the gate's wz and uz, " if gated else "") + "number format"
    with where.expander(label):
        values.update({k: widget(CONTROLS[prefix + k]) for k in model_keys(gated) if k not in values})
    fixed_note(where, prefix)
    return config_from({prefix + k: v for k, v in values.items()}, prefix)


def model_keys(gated: bool) -> tuple[str, ...]:
    """The model controls a page draws: the gate's only for the gated cell."""
    return MODEL_KEYS if gated else tuple(k for k in MODEL_KEYS if k not in GATE_KEYS)


def fixed_note(where, prefix: str) -> None:
    """Name the model controls the link hides, with the values they are fixed at."""
    hidden = sorted(read_view(st.session_state.get("_page", ""))["hidden"] & {prefix + k for k in MODEL_KEYS})
    if hidden:
        where.caption("Fixed for this lesson: " + ", ".join(f"{k} = {st.session_state[k]}" for k in hidden))


def sidebar():
    """Every page's sidebar: the model's controls and the links to the other pages; returns the Config.

    In the presenter view the sidebar is folded away, so the controls the link leaves visible sit in one row
    at the top of the page instead.
    """
    if presenting():
        with st.sidebar:
            page_links()
        keys = model_keys(st.session_state.get("cell", CONTROLS["cell"].default) == "gru")
        shown_keys = [k for k in keys if k not in read_view(st.session_state["_page"])["hidden"]]
        columns = st.columns(max(len(shown_keys), 1))
        values = {k: widget(CONTROLS[k], columns[i]) for i, k in enumerate(shown_keys)}
        values.update({k: widget(CONTROLS[k]) for k in keys if k not in values})  # hidden: fixed values
        fixed_note(st, "")
        return config_from(values)
    with st.sidebar:
        st.header("Settings")
        cfg = model_controls(st.sidebar)
        page_links()
    return cfg


def chart_title(text: str) -> None:
    """A chart's title: what to notice, in words with the numbers of the moment (outside the chart's spec).

    The title is bold Markdown, so an asterisk of its own (the fixed point h*) is escaped.
    """
    st.markdown("**" + text.replace("*", "\\*") + "**")


# The presenter view's chart type: axis and legend text read from the back of a room (Streamlit's chart theme sets
# 12 px; a spec's own config wins over the theme's).
PRESENTER_TYPE = {"axis": {"labelFontSize": 16, "titleFontSize": 16},
                  "legend": {"labelFontSize": 16, "titleFontSize": 16}}


def presenter_type(spec: dict) -> dict:
    """The spec with larger axis and legend type (the template's own config kept); a copy, the template untouched.
    Still the same spec on every rerun of a presenter's session, so its views are updated in place too."""
    config = dict(spec.get("config", {}))
    for part, sizes in PRESENTER_TYPE.items():
        config[part] = {**config.get(part, {}), **sizes}
    return {**spec, "config": config}


def draw(template: dict, datasets: dict[str, pd.DataFrame], **kwargs):
    """Draw a chart template with this setting's data; the spec is the same every rerun, so the browser swaps
    the data into the existing view instead of building a new one. The presenter view sets larger type."""
    kwargs.setdefault("width", "stretch")
    spec = with_data(template, **datasets)
    return st.vega_lite_chart(spec=presenter_type(spec) if presenting() else spec, **kwargs)


def table(frame: pd.DataFrame) -> None:
    """A small table of text: a static table (cheap for the browser to redraw on every slider move, unlike the
    interactive data grid), sent as Arrow without pandas' metadata (half its bytes)."""
    st.table(pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None), hide_index=True)


def banner(severity: str, text: str) -> None:
    """A coloured box: ok (green), info (blue), warn (orange) or error (red)."""
    BANNER[severity](text, icon=ICONS[severity])


def download(df: pd.DataFrame, name: str, label: str) -> None:
    """A CSV download of a chart's data, made only when clicked (kept off every rerun's path)."""
    st.download_button(label, lambda: df.to_csv(index=False), file_name=name, mime="text/csv", key=f"dl_{name}",
                       icon=":material/download:", on_click="ignore")


def block(title: str, template: dict, datasets: dict[str, pd.DataFrame], caption: str,
          csv: tuple[pd.DataFrame, str, str] | None = None, **kwargs):
    """A chart with its title above, its one-line caption below and, optionally, a CSV of its data."""
    chart_title(title)
    event = draw(template, datasets, **kwargs)
    st.caption(caption)
    if csv is not None:
        download(*csv)
    return event
