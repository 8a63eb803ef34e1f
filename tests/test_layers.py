"""The import rule of docs/ARCHITECTURE.md: handlers -> bot -> (knowledge, storage).

Nothing under knowledge/ or storage/ imports bot/ or handlers/; nothing under bot/ imports
handlers/ or webhook. Checked on the source with ast, function-level imports included.

Inside bot/, skills reach each other only through the registry and the router: no module
imports another package's skill module (bot/core/skills.py, the registry, excepted), only the
composition (conversation.py, runtime.py) holds the Conversation, and no skill reads `ctx.core`.
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


# Who may import another package's skill module, and who may hold the Conversation.
REGISTRY = "bot.core.skills"
COMPOSITION = {"bot.core.conversation", "bot.core.runtime"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from bot.faq import skill` imports the module bot.faq.skill
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _module(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _is_skill_module(path: Path) -> bool:
    """A module defining a skill: a class with a `name` and a `handle` method."""
    for cls in ast.walk(_tree(path)):
        if not isinstance(cls, ast.ClassDef):
            continue
        names = {
            t.id
            for n in cls.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
        if "name" in names and "handle" in methods:
            return True
    return False


def skill_violations(root: Path = ROOT) -> list[str]:
    """Imports of another package's skill module, Conversation holders, and `ctx.core`."""
    paths = sorted((root / "bot").rglob("*.py"))
    skills = {_module(p, root) for p in paths if _is_skill_module(p)}
    bad: list[str] = []
    for path in paths:
        name, where = _module(path, root), path.relative_to(root)
        package = name.rsplit(".", 1)[0]
        for line, module in _imports(path):
            if module in skills and module.rsplit(".", 1)[0] != package and name != REGISTRY:
                bad.append(f"{where}:{line} imports the skill module {module}")
            if module == "bot.core.conversation" and name not in COMPOSITION:
                bad.append(f"{where}:{line} imports the Conversation")
    elsewhere = [p for d in ("handlers", "tests", "benchmarks") for p in (root / d).rglob("*.py")]
    for path in [*paths, *sorted(elsewhere), root / "webhook.py"]:
        if not path.exists():
            continue
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "core"
                and isinstance(node.value, ast.Name)
                and node.value.id == "ctx"
            ):
                bad.append(f"{path.relative_to(root)}:{node.lineno} reads ctx.core")
    return bad


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
    assert _imports(bad) == [(2, "handlers.web"), (2, "handlers.web.chat")]


def test_skills_reach_each_other_only_through_the_registry_and_the_router() -> None:
    assert skill_violations() == []


def test_the_skill_rule_catches_violations(tmp_path: Path) -> None:
    for package in ("bot/faq", "bot/handoff", "bot/core", "handlers/web"):
        (tmp_path / package).mkdir(parents=True)
    skill = "class FaqSkill:\n    name = 'faq'\n\n    def handle(self, ctx):\n        return None\n"
    (tmp_path / "bot/faq/skill.py").write_text(skill, encoding="utf-8")
    (tmp_path / "bot/faq/answer.py").write_text("from bot.faq.skill import FaqSkill\n")
    (tmp_path / "bot/handoff/offer.py").write_text(
        "def f(ctx):\n    from bot.faq import skill\n    return ctx.core.index  # ctx.core\n"
    )
    (tmp_path / "bot/core/router.py").write_text("from bot.core.conversation import X\n")
    (tmp_path / "bot/core/skills.py").write_text("from bot.faq.skill import FaqSkill\n")
    (tmp_path / "handlers/web/chat.py").write_text("# ctx.core in a comment is no use\n")
    assert skill_violations(tmp_path) == [
        "bot/core/router.py:1 imports the Conversation",
        "bot/handoff/offer.py:2 imports the skill module bot.faq.skill",
        "bot/handoff/offer.py:3 reads ctx.core",
    ]
