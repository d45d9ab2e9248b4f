"""Apps depend one way: papers -> dialogues -> members (members.hooks is where the others
plug in). A module that imports against the arrow ties an app to one it must not know: the
mail outbox would then load the dialogues app's code to send any message."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# app -> the apps of this project it must not import
FORBIDDEN = {"members": {"dialogues", "papers"}, "dialogues": {"papers"}}


def imported_apps(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the file, however deep in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def backward_imports(app: str) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in (ROOT / app).rglob("*.py")
        for line, package in imported_apps(path)
        if package in FORBIDDEN[app]
    )


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_none_of_the_apps_that_depend_on_it(app):
    assert backward_imports(app) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from dialogues.models import Dialogue\n    import papers\n")
    assert imported_apps(module) == {(2, "dialogues"), (3, "papers")}
