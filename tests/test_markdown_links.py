"""The documentation works from a clone: every relative link in every Markdown file of the
repository points at a file or folder that exists inside the repository, and no path written in
the text (a code span such as `../x/y.md`) leads outside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Folders of tools and builds, never documentation of this repository.
SKIPPED_DIRS = {".git", ".venv", "node_modules", "dist", "build", "data", "test-results", "playwright-report"}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title"), ![alt](target); the target may be wrapped in <…>.
INLINE_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+[\"'(][^)]*)?\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_LINK = re.compile(r"<(?:a|img|source)\b[^>]*\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, https:, mailto:, data: …
# A path in a code span that climbs out of its folder: `../x`, `../../x/y.md`.
RELATIVE_PATH = re.compile(r"^(?:\.\./)+[^\s`]*$")


def markdown_files() -> list[Path]:
    """The repository's Markdown files: git's view (tracked and not ignored) where there is git."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        paths = [ROOT / p for p in listed.split("\0") if p]
    else:
        paths = list(ROOT.rglob("*.md"))
    return sorted(p for p in paths if p.is_file() and not SKIPPED_DIRS & set(p.relative_to(ROOT).parts[:-1]))


def links_and_code_paths(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(line, link target) of every link, and (line, path) of every code span that is a relative
    path, outside fenced code blocks (examples there are not links)."""
    links: list[tuple[int, str]] = []
    paths: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        for span in INLINE_CODE.finditer(line):
            if RELATIVE_PATH.match(span.group(2).strip()):
                paths.append((number, span.group(2).strip()))
        prose = INLINE_CODE.sub("", line)
        for pattern in (INLINE_LINK, REFERENCE_DEFINITION, HTML_LINK):
            links.extend((number, m.group(1).strip("<>")) for m in pattern.finditer(prose))
    return links, paths


def _inside(path: Path) -> bool:
    return path == ROOT or ROOT in path.parents


def problems_of(file: Path, text: str | None = None) -> list[str]:
    """What is wrong with the links of ``file`` (its ``text``, read from it by default)."""
    links, paths = links_and_code_paths(file.read_text(encoding="utf-8") if text is None else text)
    where = file.relative_to(ROOT)
    problems = []
    for number, target in links:
        if SCHEME.match(target) or target.startswith(("#", "//")):
            continue  # a web address or an anchor of this page
        path_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not path_part:
            continue
        # GitHub resolves a leading "/" from the repository's root.
        resolved = (
            (ROOT / path_part.lstrip("/")) if path_part.startswith("/") else (file.parent / path_part)
        ).resolve()
        if not _inside(resolved):
            problems.append(f"{where}:{number}: link {target!r} leads outside the repository")
        elif not resolved.exists():
            problems.append(f"{where}:{number}: link {target!r}: no such file in the repository")
    for number, text in paths:
        resolved = (file.parent / text).resolve()
        if not _inside(resolved):
            problems.append(f"{where}:{number}: path `{text}` leads outside the repository")
        elif not resolved.exists() and not SKIPPED_DIRS & set(resolved.relative_to(ROOT).parts):
            # A path into what installing or running makes (`../.venv/bin/…`) need not exist yet.
            problems.append(f"{where}:{number}: path `{text}`: no such file in the repository")
    return problems


def test_every_relative_link_of_every_markdown_file_exists_inside_the_repository() -> None:
    files = markdown_files()
    assert ROOT / "README.md" in files and len(files) >= 3
    problems = [problem for file in files for problem in problems_of(file)]
    assert not problems, "\n".join(problems)


# --- the checker itself: each kind of bad link is caught, good ones pass ----------------------


@pytest.mark.parametrize(
    ("page", "markdown", "expected"),
    [
        ("README.md", "[ok](README.md) and [anchor](#x) and [web](https://example.com/a.md)", []),
        ("README.md", "[ok with anchor](docs/operations.md#backups) ![img](<frontend/README.md>)", []),
        ("README.md", '<a href="bench/README.md">bench</a>\n[ref]: /examples/stocks.csv', []),
        ("README.md", "[missing](docs/nowhere.md)", ["no such file"]),
        ("README.md", "[outside](../shared/docs/product.md)", ["leads outside"]),
        ("README.md", "[ref]: ../../etc/passwd", ["leads outside"]),
        ("README.md", '<img src="img/missing.png">', ["no such file"]),
        ("README.md", "See `../shared/docs/architecture.md` for the shape.", ["path `../shared"]),
        ("frontend/README.md", "Run `../.venv/bin/kabu-trade` (made by make install) and `./x`.", []),
        ("README.md", "```\n[inside a fence](nowhere.md) `../shared/x`\n```\n", []),
        ("README.md", "`[code, not a link](nowhere.md)`", []),
    ],
)
def test_the_checker_finds_each_kind_of_bad_link(page: str, markdown: str, expected: list[str]) -> None:
    # As if ``page`` said this: links resolve against the real repository.
    problems = problems_of(ROOT / page, markdown)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem
