"""The house stays as built: imports run one way, shell → engines → calculus → foundation.

The package's imports are read with ``ast`` (nothing is executed) and checked against the layers
of design.md §1: no circles; no import from a lower layer to a higher one; no engine importing
another engine; no module outside a wing importing the wing's private modules; and no import
inside a function, except a lazy one (marked ``# lazy``) in the shell or the renderers, where it
keeps start-up lean.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "derivcli"

FOUNDATION = {"derivcli", "derivcli.errors", "derivcli.guard", "derivcli.workers", "derivcli.output", "derivcli.notation",
              "derivcli.tensor_placeholder"}
SHELL = {"derivcli.cli", "derivcli.jobs", "derivcli.checking", "derivcli.api", "derivcli.__main__"}
ENGINES = ("derivcli.evaluation", "derivcli.derivation", "derivcli.analysis", "derivcli.descent")
LAYERS = {"foundation": 0, "calculus": 1, "engine": 2, "render": 3, "shell": 4}
# The package's one upward import: its PEP 562 __getattr__ loads the Python API (a shell module)
# on first use, so that `import derivcli` stays cheap and `derivcli.derivative` still works.
FACADE = {("derivcli", "derivcli.api")}
# Wings whose modules are their public surface: one renderer module per engine, each loaded
# only for the command that draws with it (rich is heavy).
PUBLIC_MODULES = ("derivcli.render",)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def wing(name: str) -> str:
    """The package a module belongs to (``derivcli.analysis``), or the module itself at the top."""
    parts = name.split(".")
    return ".".join(parts[:2])


def layer(name: str) -> str:
    if name in FOUNDATION or wing(name) == "derivcli.parsing":
        return "foundation"
    if name in SHELL:
        return "shell"
    if wing(name) == "derivcli.calculus":
        return "calculus"
    if wing(name) == "derivcli.render":
        return "render"
    if wing(name) in ENGINES:
        return "engine"
    raise AssertionError(f"{name} is in no layer: add it to design.md §1 and to this test")


def resolve(importer: str, is_package: bool, node: ast.ImportFrom | ast.Import, known) -> list[str]:
    """The derivcli modules an import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "derivcli"]
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    if module.split(".")[0] != "derivcli":
        return []
    found = [module]
    for alias in node.names:  # `from derivcli.render import analysis` loads a submodule
        if f"{module}.{alias.name}" in known:
            found.append(f"{module}.{alias.name}")
    return found


def imports() -> list[tuple[str, str, int, bool, str]]:
    """(importer, imported, line, inside a function, the source line) for every derivcli import."""
    known = modules()
    found = []
    for name, path in known.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        inner = {id(node) for function in ast.walk(tree)
                 if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for node in ast.walk(function)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in resolve(name, path.name == "__init__.py", node, known):
                    found.append((name, target, node.lineno, id(node) in inner, lines[node.lineno - 1]))
    return found


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_imports_run_one_way():
    wrong = []
    for importer, imported, line, _, text in imports():
        if (importer, imported) in FACADE and "# lazy" in text:
            continue
        if imported == importer or (imported.startswith(importer + ".") and importer != "derivcli"):
            continue
        below = LAYERS[layer(imported)] < LAYERS[layer(importer)]
        same_wing = wing(imported) == wing(importer)
        foundation = layer(imported) == layer(importer) == "foundation"
        shell = layer(imported) == layer(importer) == "shell"
        if not (below or same_wing or foundation or shell):
            wrong.append(f"{importer}:{line} imports {imported} ({layer(importer)} -> {layer(imported)})")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_no_import_circles():
    graph: dict[str, set[str]] = {}
    for importer, imported, *_ in imports():
        if imported != importer:
            graph.setdefault(importer, set()).add(imported)
    seen, stack, circles = set(), [], []

    def visit(node):
        if node in stack:
            circles.append(" -> ".join(stack[stack.index(node):] + [node]))
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for following in sorted(graph.get(node, ())):
            # a package importing its own modules is how it exports them, not a circle
            if not following.startswith(node + "."):
                visit(following)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_no_one_imports_a_wings_private_modules():
    wrong = []
    for importer, imported, line, _, _ in imports():
        package = wing(imported)
        if imported == package or wing(importer) == package or package in PUBLIC_MODULES:
            continue
        wrong.append(f"{importer}:{line} imports {imported}: import from {package} instead")
    assert not wrong, "\n".join(wrong)


def test_imports_inside_functions_are_lazy_and_say_so():
    wrong = []
    for importer, imported, line, inside, text in imports():
        if not inside or (importer, imported) in FACADE:
            continue
        if layer(importer) not in ("shell", "render") or "# lazy" not in text:
            wrong.append(f"{importer}:{line}: {text.strip()}")
    assert not wrong, ("imports inside functions (hoist them, or mark a start-up saving '# lazy' in the "
                       "shell or a renderer):\n" + "\n".join(wrong))


def test_every_package_says_what_its_wing_does():
    for path in PACKAGE.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        assert docstring and len(docstring) > 80, f"{path} needs a docstring saying what the wing does"


def test_no_function_is_too_long_to_read_at_once():
    long = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert not long, "\n".join(long)


def test_the_checks_catch_what_they_are_for():
    """The checks themselves: a planted upward import and a planted circle are reported."""
    assert layer("derivcli.calculus.values") == "calculus"
    assert LAYERS[layer("derivcli.analysis.report")] > LAYERS[layer("derivcli.calculus")]
    node = ast.parse("from ..analysis import critical_points").body[0]
    assert resolve("derivcli.calculus.values", False, node, modules()) == ["derivcli.analysis"]
    node = ast.parse("from derivcli.render import analysis").body[0]
    assert resolve("derivcli.cli", False, node, modules()) == ["derivcli.render", "derivcli.render.analysis"]
