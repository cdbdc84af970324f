"""Ground rules: layers one way down (core <- charts <- app <- pages), no import circle, no global torch state."""
import ast
import subprocess
import sys

import pytest
from conftest import ROOT

PACKAGE = ROOT / "tinyrnn"
STREAMLIT_APP = {"state", "widgets", "cached", "lesson_box", "memory_runs", "warmup"}  # use st (so do *_view.py)
# What each layer may import, besides the standard library and its own layer and the layers below it:
THIRD_PARTY = {"core": {"torch", "numpy", "pandas"},
               "charts": {"altair", "numpy", "pandas", "pyarrow"},  # pyarrow: datasets travel as Arrow bytes
               "app": {"numpy", "pandas"},
               "app+streamlit": {"numpy", "pandas", "pyarrow", "streamlit"}}
BELOW = {"core": {"core"}, "charts": {"core", "charts"}, "app": {"core", "charts", "app"},
         "app+streamlit": {"core", "charts", "app"}}
STDLIB = set(sys.stdlib_module_names)


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer_of(path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    if len(rel) == 1:
        return None  # the package's face (__init__, cli, __main__): checked separately
    draws = path.stem in STREAMLIT_APP or path.stem.endswith("_view")
    return "app+streamlit" if rel[0] == "app" and draws else rel[0]


def imports(path):
    """(top-level package or tinyrnn layer, line, inside a function?) for every import in a module."""
    tree = ast.parse(path.read_text())
    parts = path.relative_to(ROOT).with_suffix("").parts
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inner = {id(node) for f in functions for node in ast.walk(f) if node is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno, id(node) in inner
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = list(parts[:-node.level]) + (node.module.split(".") if node.module else [])
                name = base[1] if len(base) > 1 else base[0]
                yield f"tinyrnn.{name}" if base[0] == "tinyrnn" else name, node.lineno, id(node) in inner
            elif node.module:
                top = node.module.split(".")
                yield (f"tinyrnn.{top[1]}" if top[0] == "tinyrnn" and len(top) > 1 else top[0]), node.lineno, \
                    id(node) in inner


@pytest.mark.parametrize("path", [p for p in modules() if layer_of(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_each_layer_imports_only_what_it_may(path):
    layer = layer_of(path)
    for name, line, _ in imports(path):
        if name.startswith("tinyrnn."):
            sub = name.split(".")[1]
            assert sub in BELOW[layer], f"{path.name}:{line} ({layer}) imports tinyrnn.{sub}, a layer above it"
        elif name not in STDLIB and name != "__future__":
            assert name in THIRD_PARTY[layer], f"{path.name}:{line} ({layer}) imports {name}"


@pytest.mark.parametrize("path", modules() + sorted((ROOT / "pages").glob("*.py")) + [ROOT / "streamlit_app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_inside_functions_say_why(path):
    lines = path.read_text().splitlines()
    for _, line, inside in imports(path):
        if inside:
            here, above = lines[line - 1], lines[line - 2] if line > 1 else ""
            assert "#" in here or above.strip().startswith("#"), f"{path.name}:{line}: say why this import is late"


def test_no_import_circle_between_modules():
    graph = {}
    for path in modules():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text())
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                pkg = name.split(".")[: len(name.split(".")) - node.level + (1 if path.stem == "__init__" else 0)]
                base = ".".join(pkg + ([node.module] if node.module else []))
                targets.update(f"{base}.{a.name}" if f"{base}.{a.name}".replace(".", "/") in _files() else base
                               for a in node.names)
        graph[name] = {t for t in targets if t in _module_names() and t != name}
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError("import circle: " + " -> ".join(stack[stack.index(node):] + [node]))
        if node in seen:
            return
        stack.append(node)
        for nxt in graph.get(node, ()):
            visit(nxt)
        stack.pop()
        seen.add(node)

    for node in graph:
        visit(node)


def _module_names():
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for p in modules()}


def _files():
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).replace(".", "/") for p in modules()}


def test_pages_are_layout_and_import_no_compute_directly():
    for path in sorted((ROOT / "pages").glob("*.py")) + [ROOT / "streamlit_app.py"]:
        assert len(path.read_text().splitlines()) <= 90, f"{path.name} is long: move helpers into tinyrnn/app"
        for name, line, _ in imports(path):
            assert name in {"streamlit", "tinyrnn.app", "tinyrnn.charts", "__future__"}, f"{path.name}:{line} {name}"


def test_no_global_torch_state_calls():
    banned = ("torch.set_default_dtype", "torch.manual_seed", "torch.set_default_tensor_type")
    for path in modules() + sorted((ROOT / "pages").glob("*.py")) + [ROOT / "streamlit_app.py"]:
        text = path.read_text()
        for call in banned:
            assert call not in text, f"{path.name} calls {call}"


def test_importing_a_layer_pulls_in_nothing_from_above_even_indirectly():
    checks = {"core": ("streamlit", "altair"), "charts": ("streamlit",)}
    for layer, banned in checks.items():
        names = [p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__"]
        code = ("import sys\n" + "".join(f"import tinyrnn.{layer}.{m}\n" for m in names)
                + f"print(','.join(m for m in {banned!r} if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
        assert out.stdout.strip() == "", f"tinyrnn.{layer} imports {out.stdout.strip()} (directly or indirectly)"


def test_the_public_face_is_callable_from_the_top():
    code = ("import tinyrnn as t; c = t.Config(); print(len(t.sweep(c, [0.5, 1, 2], 10)), "
            "len(t.train(c.replace(target=1.0), steps=2, lr=0.01)), len(t.landscape(c, 'wh', 'wy', [1, 2], [1])), "
            "t.diagnose(t.run(c)).word, t.Report.from_config(c).diagnosis.word)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["90", "3", "2", "stable", "stable"]
