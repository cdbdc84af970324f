"""Ground rules: the compute core imports no UI; no process-global torch state anywhere."""
import ast
import subprocess
import sys

import pytest
from conftest import ROOT

UI_HELPERS = {"tinyrnn/ui.py"}  # the one module under tinyrnn/ allowed to import streamlit
CHARTS = {"tinyrnn/charts.py"}  # chart builders: altair, never streamlit


def imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def core_modules():
    return sorted(p for p in (ROOT / "tinyrnn").rglob("*.py"))


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_ui(path):
    rel = str(path.relative_to(ROOT))
    found = set(imports(path))
    if rel in UI_HELPERS:
        return
    assert "streamlit" not in found, f"{rel} imports streamlit"
    if rel not in CHARTS and not rel.startswith("tinyrnn/charts"):
        assert "altair" not in found, f"{rel} imports altair; only chart builders may"


def test_no_global_torch_state_calls():
    banned = ("torch.set_default_dtype", "torch.manual_seed", "torch.set_default_tensor_type")
    for path in list((ROOT / "tinyrnn").rglob("*.py")) + list((ROOT / "pages").glob("*.py")) + [
            ROOT / "streamlit_app.py"]:
        if path.exists():
            text = path.read_text()
            for call in banned:
                assert call not in text, f"{path.name} calls {call}"


def test_importing_the_core_pulls_in_no_ui_even_indirectly():
    core = sorted(p.stem for p in (ROOT / "tinyrnn").glob("*.py")
                  if p.stem not in ("ui", "__main__") and not p.stem.startswith("charts"))
    code = ("import sys\n" + "".join(f"import tinyrnn.{m}\n" for m in core if m != "__init__")
            + "bad = [m for m in ('streamlit', 'altair') if m in sys.modules]\nprint(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"the core imports {out.stdout.strip()} (directly or through another module)"
    charts = "import sys, tinyrnn.charts, tinyrnn.charts_sweep, tinyrnn.charts_train; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", charts], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False", "a chart builder pulls in streamlit"
