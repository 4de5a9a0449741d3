"""The whole build, stage by stage: load, validate, assemble, build, finish, publish."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assemble.messages import heading_names
from .assemble.notebooks import content_key, load_notebooks
from .notebooks import save_snapshot
from .assemble.tree import assemble_language
from .config import Config, load_config
from .content.catalogue import Catalogue
from .content.loader import load_content, load_pages
from .problems import InvalidInput, Problem

# "/path/to/src/webinars/x/index.md:12: WARNING: message" as Sphinx writes it
_SPHINX_MESSAGE = re.compile(r"^(?P<file>[^:]+\.md)(?::(?P<line>\d+))?: (?:\w+: )?(?P<level>WARNING|ERROR|CRITICAL): (?P<text>.*)$")


@dataclass
class Report:
    catalogue: Catalogue
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


def check(root: Path) -> tuple[Config, Catalogue, dict, list[Problem]]:
    """Load and validate everything; raise :class:`InvalidInput` listing every error."""
    config, catalogue, pages, _notebooks, warnings = _load(root)
    return config, catalogue, pages, warnings


def _load(root: Path):
    config = load_config(root)
    names = heading_names(config.languages, config.path("locales_dir"))
    catalogue, problems = load_content(config, names["summary"])
    pages, page_problems = load_pages(config.path("pages_dir"), config)
    notebooks = load_notebooks(config.path("notebooks_dir"), page_problems)
    everything = problems.items + page_problems.items
    errors = sorted(p for p in everything if p.severity == "error")
    if errors:
        raise InvalidInput(errors)
    return config, catalogue, pages, notebooks, sorted(p for p in everything if p.severity != "error")


def build_site(root: Path, jobs: int | None = None, fresh: bool = False) -> Report:
    """Build the site into ``_build/site``; the previous site stays if anything fails."""
    from .build.jupyterbook import build_languages
    from .finish.site import finish_site, publish

    timings: dict[str, float] = {}
    started = time.perf_counter()
    config, catalogue, pages, notebooks, warnings = _load(root)
    names = heading_names(config.languages, config.path("locales_dir"))
    key = content_key(config, config.path("notebooks_dir"))
    save_snapshot(config, key, catalogue, pages)
    timings["load"] = time.perf_counter() - started

    work = config.path("work_dir")
    trees = {language.code: work / language.code / "src" for language in config.languages}
    origins = {
        code: assemble_language(catalogue, pages, config, config.language(code), names, tree, notebooks, key)
        for code, tree in trees.items()
    }
    timings["assemble"] = time.perf_counter() - started - timings["load"]

    mark = time.perf_counter()
    html = {lang: work / lang / "html" for lang in trees}
    package = Path(__file__).resolve().parent
    results = build_languages(
        {lang: (trees[lang], html[lang], work / lang / "doctrees") for lang in trees}, jobs=jobs, fresh=fresh,
        inputs=(config.path("templates_dir"), config.path("static_dir"), package))
    timings["build"] = time.perf_counter() - mark
    timings.update({f"build {r.lang}": r.seconds for r in results})
    failed = [r for r in results if not r.ok]
    if failed:
        raise InvalidInput(build_problems(failed, trees, origins, config.root))

    mark = time.perf_counter()
    output = config.path("output_dir")
    staging = finish_site(config, catalogue, html, output.with_name(output.name + ".new"),
                          published=output if output.is_dir() else None)
    publish(staging, output)
    timings["finish"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return Report(catalogue, warnings, timings)


def build_problems(failed, trees: dict[str, Path], origins: dict[str, dict], root: Path | None = None) -> list[Problem]:
    """Sphinx's messages, located in the author's file where we know it, once per problem."""
    merged: dict[tuple, list[str]] = {}
    for result in failed:
        for message in result.warnings or ("the build failed without a message",):
            key = _locate(message, trees[result.lang], origins[result.lang])
            report = _NOTEBOOK_REPORT.search(key[2])
            if report:
                key = _notebook_failure(key[0], Path(report.group(1)), root)
            elif _NOTEBOOK_FAILED in key[2]:
                continue  # the report of the same failure says which cell and why
            merged.setdefault(key, []).append(result.lang)
    return [
        Problem(path, line, "", f"{text} (in the {', '.join(langs)} version{'s' if len(langs) > 1 else ''})")
        for (path, line, text), langs in merged.items()
    ]


_NOTEBOOK_REPORT = re.compile(r"Notebook exception traceback saved in: (\S+)")
_NOTEBOOK_FAILED = "Executing notebook failed"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _notebook_failure(path: str, report: Path, root: Path | None) -> tuple[str, int | None, str]:
    """Which cell of a notebook failed, where it is in the notebook's file, and the error."""
    text = _ANSI.sub("", report.read_text(encoding="utf-8", errors="replace")) if report.is_file() else ""
    cell = re.search(r"executing the following cell:\n-+\n(.*?)\n-+\n", text, flags=re.DOTALL)
    errors = [line for line in text.splitlines() if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", line)]
    error = errors[-1].strip() if errors else "the cell raised an error"
    source = cell.group(1).strip() if cell else ""
    line = None
    if root is not None and source and (root / path).is_file():
        notebook = (root / path).read_text(encoding="utf-8")
        at = notebook.find(source)
        line = notebook.count("\n", 0, at) + 1 if at >= 0 else None
    first = source.splitlines()[0] if source else "?"
    return (path, line, f"a notebook cell failed: {error} (the cell beginning `{first}`)")


def _locate(message: str, tree: Path, origins: dict) -> tuple[str, int | None, str]:
    match = _SPHINX_MESSAGE.match(message)
    if not match:
        return ("build", None, message)
    text = match.group("text").removesuffix(" [myst.directive_unknown]")
    try:
        relative = Path(match.group("file")).resolve().relative_to(tree.resolve()).as_posix()
    except ValueError:
        return (match.group("file"), None, text)
    origin = origins.get(relative)
    if origin is None:
        return (f"{tree.name}/{relative} (generated)", None, text)
    line = int(match.group("line")) if match.group("line") else None
    return (origin.path, origin.locate(line) if line else None, text)
