"""Session and URL state: a page's start (settings carried across pages, the link judged), its warnings, its links.

Streamlit reruns a page's script top to bottom for every interaction; sessions are threads of one process.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import links, process, warmup
from .controls import CONTROLS, page_keys
from .exercise_list import EXERCISES
from .lessons import LESSONS

FAVICON = str(Path(__file__).with_name("favicon.png"))  # served by our own server: no request to an outside host
PAGES = {  # page -> (script, sidebar label, what it is)
    "home": ("streamlit_app.py", "Home: the seed", "The seed notebook's experiment, live"),
    "explorer": ("pages/1_Explorer.py", "Explorer: one run", "One run, every gradient and its cause"),
    "sweep": ("pages/2_Sweep.py", "Sweep: all wh, all L", "Every wh_init and L at once"),
    "training": ("pages/3_Training.py", "Training: clipping", "Exploding gradients wreck SGD; clipping rescues it"),
    "memory": ("pages/4_Memory.py", "Memory: when gates help",
               "One bit kept for L steps: a plain and a gated unit, from chosen starts"),
    "exercises": ("pages/5_Exercises.py", "Exercises: predict, then see",
                  "Nine questions along the lesson: guess first, then the engine answers"),
    "compare": ("pages/6_Compare.py", "Compare: A beside B", "Two settings side by side on shared axes"),
}


def start_page(page: str, title: str):
    """Call first on every page: page config, corrections from the link, settings carried across pages.

    Returns the box at the top of the page where finish_controls puts the link's warnings.
    """
    process.configure()  # once per process: torch computes on one thread (see process.py)
    warmup.start()  # once per process, in the background: the first visitors of a room find the defaults ready
    view = read_view(page)
    st.set_page_config(page_title=f"tinyrnn · {title}", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if view["present"] else "auto")
    if view["present"]:
        st.html(PRESENTER_CSS)  # our own stylesheet, inline: no request leaves the server
    corrections = st.session_state.pop("_corrections", None)  # set by finish_controls on the run before
    if corrections is not None:
        for key, value in corrections.items():
            st.session_state[key] = value
            remember(key, value)
    elif st.session_state.get("_page") != page:  # arrived: by a link, a page switch or a new session
        _restore_settings()
        raw = {key: st.query_params.get_all(key) for key in st.query_params}  # before the widgets read them
        extras = {"present": PRESENT, "hide": page_keys(page), **PAGE_EXTRAS.get(page, {})}
        verdicts, others = links.judge_link(raw, page_keys(page), extras)
        st.session_state["_fixed"] = {v.key: v.use for v in verdicts if v.key in view["hidden"]}
        st.session_state["_verdicts"] = verdicts
        st.session_state["_link_warnings"] = links.warnings_for(verdicts, others)
    st.session_state["_page"] = page
    return st.container()


PRESENT = ("1", "true", "0", "false")
PAGE_EXTRAS = {"explorer": {"lesson": tuple(LESSONS)},  # link parameters a page reads besides its widgets
               "exercises": {"ex": tuple(str(e.number) for e in EXERCISES)}}
# Presenter view: larger type, less chrome, so a projector at 1024x768 and 150% zoom shows the charts at once.
PRESENTER_CSS = """<style>
  .stApp { font-size: 1.15rem; }
  [data-testid="stMainBlockContainer"] { padding-top: 4.5rem; padding-left: 1.5rem; padding-right: 1.5rem; }
  h1 { font-size: 1.9rem !important; padding-top: 0 !important; }
  [data-testid="stCaptionContainer"] { font-size: 0.95rem; }
</style>"""


def read_view(page: str) -> dict:
    """The link's view flags: present (presenter view) and hidden (controls an instructor fixed and hid)."""
    present = st.query_params.get("present", "").lower() in ("1", "true")
    hidden = {k for v in st.query_params.get_all("hide") for k in v.split(",") if k in page_keys(page)}
    return {"present": present, "hidden": hidden}


def presenting() -> bool:
    """Is this the presenter view (?present=1)?"""
    return read_view(st.session_state.get("_page", ""))["present"]


def fixed_value(key: str):
    """A hidden control's value: what the link set it to (judged like any other), else its default."""
    return st.session_state.get("_fixed", {}).get(key, CONTROLS[key].default)


def finish_controls(box) -> None:
    """Call once every control of the page has been drawn, before heavy work: make the widgets hold exactly the
    values the link's warnings name, then show those warnings.

    Streamlit parses a link its own way (two values for one slider read as a range and dropped, `1_0` read as
    10); where its value differs from ours, ours is set and the page reruns once, before computing anything.
    """
    verdicts = st.session_state.pop("_verdicts", [])
    corrections = {v.key: v.use for v in verdicts if st.session_state.get(v.key) != v.use}
    if corrections and not st.session_state.get("_corrected"):  # once: never loop
        st.session_state["_corrections"] = corrections
        st.session_state["_corrected"] = True
        st.rerun()  # the warnings wait in _link_warnings for the next run
    st.session_state.pop("_corrected", None)
    _show_warnings(box)


def _show_warnings(box) -> None:
    """The link's warnings, kept for the session until dismissed (then for good)."""
    store = st.session_state.setdefault("_url_problems", [])
    dismissed = st.session_state.setdefault("_url_dismissed", set())
    new = st.session_state.pop("_link_warnings", [])
    store.extend(m for m in dict.fromkeys(new) if m not in store and m not in dismissed)
    if not store:
        return
    with box.container(border=True):
        for message in store:
            st.warning(message, icon=":material/link_off:")
        if st.button("Dismiss link warnings", key="_dismiss_url"):
            dismissed.update(store)  # an unknown parameter stays in the URL: do not raise it again
            store.clear()
            st.rerun()


def remember(key: str, value) -> None:
    """Keep a control's value for the next page (see _restore_settings)."""
    st.session_state.setdefault("_settings", {})[key] = value


def _restore_settings() -> None:
    """After a page switch, give the controls the values they had on the page we came from.

    Streamlit carries URL-bound values across pages only once a widget has been touched; settings that
    came from a shared link would otherwise fall back to defaults on the next page. A link that names
    a different value still wins.
    """
    for key, value in st.session_state.setdefault("_settings", {}).items():
        linked = st.query_params.get_all(key)
        if not linked or linked == (value if isinstance(value, list) else [_as_url(value)]):
            st.session_state[key] = value


def _as_url(value) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)


def settings_for(page: str) -> dict[str, str | list[str]]:
    """The current settings a link to `page` carries: the model's and that page's own, as the URL writes them."""
    saved = st.session_state.get("_settings", {})
    out = {}
    for key in page_keys(page):
        if key in saved and saved[key] != CONTROLS[key].default:
            out[key] = saved[key] if isinstance(saved[key], list) else _as_url(saved[key])
    return out


def page_links() -> None:
    """Links to every page, each carrying the settings that page shows."""
    st.markdown("**Go to, with these settings**")
    for page, (path, label, about) in PAGES.items():
        st.page_link(path, label=label, help=about, query_params=settings_for(page))


def apply_values(values: dict) -> None:
    """on_click callback: set controls (bound widgets take session_state writes, and the URL follows)."""
    for key, value in values.items():
        if key in CONTROLS:
            st.session_state[key] = value
            remember(key, value)


def go_to(page: str, values: dict) -> None:
    """on_select/on_click callback: set controls, then open another page on the next run (see follow_go_to)."""
    apply_values(values)
    st.session_state["_go_to"] = page


def follow_go_to() -> None:
    """Call at the top of a page that offers go_to: switch page if a callback asked for it."""
    target = st.session_state.pop("_go_to", None)
    if target:
        # query_params={} replaces the old page's parameters: switch_page's default (None) clears them with a check
        # that refuses once any is bound to a widget (every link with settings); the new page's widgets then write
        # their own into the address bar
        st.switch_page(PAGES[target][0], query_params={})
