"""AppTest helpers: start a page (with query params), read charts back by name with every named dataset."""
import json

import pandas as pd
import pyarrow as pa
from conftest import ROOT
from streamlit.testing.v1 import AppTest

PAGES = {"home": None, "explorer": "pages/1_Explorer.py", "sweep": "pages/2_Sweep.py",
         "training": "pages/3_Training.py", "memory": "pages/4_Memory.py", "exercises": "pages/5_Exercises.py",
         "compare": "pages/6_Compare.py"}


def open_page(page: str, **params) -> AppTest:
    """Run a page as a fresh session would, with query parameters from a link."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value  # a list makes a repeated parameter (?k=a&k=b)
    if PAGES[page]:
        at.switch_page(PAGES[page])
    return at.run()


def charts(at: AppTest) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """(spec, {dataset name: DataFrame}) for every Vega-Lite chart on the page, in page order."""
    out = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        data = {ds.name: pa.ipc.open_stream(ds.data.data).read_pandas() for ds in el.proto.datasets}
        out.append((spec, data))
    return out


def chart(at: AppTest, name: str, index: int = 0) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The (spec, datasets) of the chart template called name (its usermeta names it)."""
    found = [c for c in charts(at) if c[0].get("usermeta", {}).get("chart") == name]
    assert len(found) > index, f"no chart {name!r}: {[c[0].get('usermeta') for c in charts(at)]}"
    return found[index]


def values(datasets: dict[str, pd.DataFrame], key: str | None = None) -> pd.DataFrame:
    """A banded chart's points (each with its value and status), optionally sorted by a column."""
    points = datasets["points"].assign(status=datasets["points"].status.astype(str))
    return points.sort_values(key).reset_index(drop=True) if key else points


def texts(at: AppTest) -> str:
    """All alert, markdown and caption text on the page, joined (for 'is this said somewhere' checks)."""
    parts = [e.value for kind in ("success", "info", "warning", "error", "markdown", "caption") for e in
             getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def warnings(at: AppTest) -> list[str]:
    """The link's warnings (not the diagnosis banner, which may be a warning too)."""
    return [w.value for w in at.warning if w.value.startswith("Link parameter")]
