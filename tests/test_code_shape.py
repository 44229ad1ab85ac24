"""The size limits of issue 17: a module under src/sitegen/ fits in about 400 lines and a class in
about 200, so that a reader sees what one file does without scrolling through three."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sitegen"
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 200


def over_limits(root: Path, max_module: int, max_class: int) -> dict[str, list[str]]:
    """Each module under root (by its path from root) → what in it is over a limit."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        problems = []
        if (lines := len(text.splitlines())) > max_module:
            problems.append(f"{lines} lines (limit {max_module})")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                size = node.end_lineno - node.lineno + 1
                if size > max_class:
                    problems.append(
                        f"class {node.name} (line {node.lineno}): {size} lines (limit {max_class})"
                    )
        if problems:
            found[path.relative_to(root).as_posix()] = problems
    return found


def test_no_module_or_class_under_src_is_over_its_limit() -> None:
    over = over_limits(SRC, MAX_MODULE_LINES, MAX_CLASS_LINES)
    assert not over, "split these: " + "; ".join(
        f"{name}: {', '.join(problems)}" for name, problems in over.items()
    )


def test_the_guard_names_the_file_and_the_class(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "small.py").write_text("class Fits:\n    a = 1\n", encoding="utf-8")
    long_class = "class Long:\n" + "".join(f"    a{n} = {n}\n" for n in range(4))
    (package / "long.py").write_text(long_class, encoding="utf-8")
    (package / "many.py").write_text("".join(f"b{n} = {n}\n" for n in range(7)), encoding="utf-8")

    found = over_limits(package, max_module=6, max_class=4)

    assert found == {
        "long.py": ["class Long (line 1): 5 lines (limit 4)"],
        "many.py": ["7 lines (limit 6)"],
    }
