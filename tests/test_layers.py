"""The import rule of docs/ARCHITECTURE.md: handlers -> bot -> (knowledge, storage).

Nothing under knowledge/ or storage/ imports bot/ or handlers/; nothing under bot/ imports
handlers/ or webhook. Checked on the source with ast, function-level imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# package -> the top-level packages of ours it must never import
FORBIDDEN = {
    "knowledge": {"bot", "handlers", "webhook"},
    "storage": {"bot", "handlers", "webhook"},
    "bot": {"handlers", "webhook"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations() -> list[str]:
    bad: list[str] = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module in _imports(path):
                if module.split(".")[0] in forbidden:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_no_import_against_the_layer_rule() -> None:
    assert violations() == []


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from handlers.web import chat\n", encoding="utf-8")
    assert _imports(bad) == [(2, "handlers.web")]
