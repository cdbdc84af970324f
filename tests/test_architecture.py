"""Ground rules: the compute core imports no UI; no process-global torch state anywhere."""
import ast

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
