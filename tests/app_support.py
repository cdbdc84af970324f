"""AppTest helpers: start a page (with query params), read charts back from their Vega-Lite spec."""
import json

import pandas as pd
import pyarrow as pa
from conftest import ROOT
from streamlit.testing.v1 import AppTest

PAGES = {"home": None, "explorer": "pages/1_Explorer.py", "sweep": "pages/2_Sweep.py",
         "training": "pages/3_Training.py"}


def open_page(page: str, **params) -> AppTest:
    """Run a page as a fresh session would, with query parameters from a link."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value  # a list makes a repeated parameter (?k=a&k=b)
    if PAGES[page]:
        at.switch_page(PAGES[page])
    return at.run()


def charts(at: AppTest) -> list[tuple[dict, "pa.Table"]]:
    """(spec, data as a DataFrame) for every Vega-Lite chart on the page."""
    out = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        data = [pa.ipc.open_stream(ds.data.data).read_pandas() for ds in el.proto.datasets]  # st.altair_chart
        if not data and spec.get("datasets"):  # ui.chart: Altair's inline datasets, the main one first
            named = spec.get("data", {}).get("name") or next(iter(spec["datasets"]))
            data = [pd.DataFrame(spec["datasets"][named])]
        out.append((spec, data[0] if data else None))
    return out


def chart_titled(at: AppTest, fragment: str):
    """The (spec, data) of the chart whose title contains fragment."""
    found = [c for c in charts(at) if fragment in str(c[0].get("title"))]
    assert found, f"no chart title contains {fragment!r}: {[c[0].get('title') for c in charts(at)]}"
    return found[0]


def texts(at: AppTest) -> str:
    """All alert and markdown text on the page, joined (for 'is this said somewhere' checks)."""
    parts = [e.value for kind in ("success", "info", "warning", "error", "markdown", "caption") for e in
             getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def datasets_titled(at: AppTest, fragment: str) -> list[pd.DataFrame]:
    """Every dataset (not only the first) of the chart whose title contains fragment."""
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        if fragment in str(spec.get("title")):
            return [pa.ipc.open_stream(ds.data.data).read_pandas() for ds in el.proto.datasets]
    raise AssertionError(f"no chart title contains {fragment!r}")


def heatmap_cells(at: AppTest, fragment: str = "blue vanishes") -> pd.DataFrame:
    """The phase diagram's drawn cells: its finite and special datasets together, in grid order."""
    parts = [d for d in datasets_titled(at, fragment) if "wh_lo" in d.columns]
    return pd.concat(parts).sort_values(["wh_lo", "L_lo"]).reset_index(drop=True)
