"""The dependency direction of docs/architecture.md, checked on the source code (no import runs).

    pages/ reports/ privacy/   read many domains; only the wiring imports them
    domains                    never another domain's views, jobs or notices
    notifications/             knows no domain
    channels/                  knows no domain and not notifications
    core                       db, config, clock, i18n, security, sanitize, audit, content

and no module imports a selfhelp module inside a function (to dodge a cycle).
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "selfhelp"

#: Domain packages: they hold rules and pages of one area each.
DOMAINS = frozenset({"accounts", "courses", "checkins", "programs", "measures", "care", "pathway"})
#: Packages that read many domains; nothing but the wiring may import them.
READERS = frozenset({"pages", "reports", "privacy"})
#: The rooms of a domain no other domain may import.
PRIVATE_ROOMS = ("views", "jobs", "notices")

#: Where the parts are tied together, so they may import every domain, its jobs and readers:
#: the app factory (it registers blueprints, notices, CLI commands; its imports sit inside
#: create_app so that importing any selfhelp module does not load the whole app), the CLI and
#: the scheduler (they run every domain's jobs), the list of every table (for Alembic), and the
#: demo data (it fills every domain, the reports' demo figures too).
WIRING = frozenset({"selfhelp", "selfhelp.cli", "selfhelp.scheduler", "selfhelp.models",
                    "selfhelp.demo"})

#: Today's violations (issue #14), as "module -> imported module". This list must only shrink:
#: a new violation fails the tests below, and so does an entry that no longer happens (remove
#: it). The goal is an empty set.
KNOWN_VIOLATIONS = frozenset({
    # measures sits below care, yet recording a risk answer gives the flag its owner
    # (care.chain) and the support page asks care who follows up: left for a "risk answer
    # recorded" hook that care registers, as notices are registered.
    "selfhelp.measures.services -> selfhelp.care.chain",
    "selfhelp.measures.views -> selfhelp.care.services",
})


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of what `from ... import ...` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = _modules()[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


class _Imports(ast.NodeVisitor):
    """Every selfhelp module a module imports, and whether the import sits inside a function."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.depth = 0
        self.found: list[tuple[str, bool]] = []

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _add(self, name: str) -> None:
        if name == "selfhelp" or name.startswith("selfhelp."):
            self.found.append((name, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _resolve(self.module, node)
        for alias in node.names:
            # `from selfhelp.courses import admission` imports the module selfhelp.courses.admission
            submodule = f"{base}.{alias.name}"
            self._add(submodule if submodule in _modules() else base)


@cache
def _imports() -> dict[str, tuple[tuple[str, bool], ...]]:
    out = {}
    for module, path in _modules().items():
        visitor = _Imports(module)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        out[module] = tuple(visitor.found)
    return out


def _package(module: str) -> str:
    """"courses" for selfhelp.courses.leader_views; "" for a root module (selfhelp.clock)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else ""


def _room(module: str) -> str:
    """The room a module is: "views" for views.py and leader_views.py, else its own name."""
    last = module.rsplit(".", 1)[-1]
    return "views" if last.endswith("_views") else last


def _in(module: str, packages: frozenset[str] | set[str]) -> bool:
    return _package(module) in packages


def _channels_rule(module: str, imported: str, in_function: bool) -> bool:
    return _in(module, {"channels"}) and _in(imported, DOMAINS | READERS | {"notifications"})


def _notifications_rule(module: str, imported: str, in_function: bool) -> bool:
    return _in(module, {"notifications"}) and _in(imported, DOMAINS | READERS)


def _private_rooms_rule(module: str, imported: str, in_function: bool) -> bool:
    return (module not in WIRING and _package(imported) != _package(module)
            and _package(imported) != "" and _room(imported) in PRIVATE_ROOMS)


def _readers_rule(module: str, imported: str, in_function: bool) -> bool:
    return (module not in WIRING and _in(imported, READERS)
            and _package(imported) != _package(module))


def _function_level_rule(module: str, imported: str, in_function: bool) -> bool:
    return in_function and module != "selfhelp"


RULES = {
    "channels import no domain and not notifications": _channels_rule,
    "notifications import no domain": _notifications_rule,
    "no domain imports another domain's views, jobs or notices": _private_rooms_rule,
    "only the wiring imports pages, reports and privacy": _readers_rule,
    "no selfhelp module is imported inside a function": _function_level_rule,
}


def _violations(rule) -> set[str]:
    return {f"{module} -> {imported}" for module, found in _imports().items()
            for imported, in_function in found if rule(module, imported, in_function)}


@pytest.mark.parametrize("name", RULES)
def test_the_dependency_direction_holds(name):
    new = _violations(RULES[name]) - KNOWN_VIOLATIONS
    assert not new, f"{name}:\n  " + "\n  ".join(sorted(new))


def test_every_known_violation_still_exists_so_the_list_only_shrinks():
    everything = set().union(*(_violations(rule) for rule in RULES.values()))
    fixed = KNOWN_VIOLATIONS - everything
    assert not fixed, "fixed, remove from KNOWN_VIOLATIONS:\n  " + "\n  ".join(sorted(fixed))


def test_the_check_sees_imports_of_each_kind():
    """The checker itself: it finds module-level and function-level imports, and submodules."""
    found = dict(_imports()["selfhelp.scheduler"])
    assert found["selfhelp.privacy.jobs"] is False
    assert ("selfhelp.db", True) in _imports()["selfhelp"] or ("selfhelp.db", False) in _imports()["selfhelp"]
    assert _package("selfhelp.courses.leader_views") == "courses" and _package("selfhelp.clock") == ""
    assert _room("selfhelp.courses.leader_views") == "views"
