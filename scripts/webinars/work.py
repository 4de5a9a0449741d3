"""The work folder (``_build/work``): every file a build keeps for the next one.

This is the one module that names them. Everything kept here is a shortcut: a
file that is missing, damaged or from another version reads as nothing kept,
and the build makes it again. Every file is written whole or not at all
(:func:`write_atomic`): a build stopped half-way leaves the last one.

    <work>/
      build.lock            held while a build of the site runs
      fragments.key         signs the HTML our templates make (webinars.content.policy)
      site.stamp            fingerprint of everything the published site is made from
      site-unindexed.stamp  the same, for a site published before its search index (the preview)
      notebooks.stamp       fingerprint of the notebooks whose executed copies are kept
      loaded-folders.pickle content folders as the last build loaded them
      content-<key>.pickle  what the build loaded, for the notebooks' kernels
      downloads.json        the site's downloads, as the notebooks' kernel made them
      timings.json          seconds per stage of the last build
      kernels.log           what the notebooks' kernels wrote
      <lang>/               one language (see :class:`LanguageWork`)

A process also keeps values in memory while it runs (:class:`Latest`): the last
content a notebooks' kernel read and the tables made from it. Templates compiled
by Jinja are kept by `webinars.assemble.pages` (Jinja's own bytecode-cache
interface) and inherited by each language's process.
"""

from __future__ import annotations

import operator
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Work:
    """The work folder of one site."""

    root: Path

    @property
    def lock(self) -> Path:
        return self.root / "build.lock"

    @property
    def fragment_key(self) -> Path:
        return self.root / "fragments.key"

    @property
    def site_stamp(self) -> Path:
        return self.root / "site.stamp"

    @property
    def unindexed_stamp(self) -> Path:  # the site stamp of a build published before its search index
        return self.root / "site-unindexed.stamp"

    @property
    def notebooks_stamp(self) -> Path:
        return self.root / "notebooks.stamp"

    @property
    def loaded_folders(self) -> Path:
        return self.root / "loaded-folders.pickle"

    @property
    def downloads(self) -> Path:
        return self.root / "downloads.json"

    @property
    def timings(self) -> Path:
        return self.root / "timings.json"

    @property
    def kernels_log(self) -> Path:
        return self.root / "kernels.log"

    def snapshot(self, content_key: str) -> Path:
        return self.root / f"content-{content_key}.pickle"

    def old_snapshots(self) -> list[Path]:
        return sorted(self.root.glob("content-*.pickle"))

    def language(self, lang: str) -> LanguageWork:
        return LanguageWork(self.root / lang)


@dataclass(frozen=True)
class LanguageWork:
    """One language's part of the work folder: ``<work>/<lang>/``: its MyST source tree
    (``src/``), Sphinx's pages and environment (``html/``, ``doctrees/``), Pagefind's
    index of the pages (``search/``) and what each part was last made of.

    Sphinx knows only its doctrees folder: ``LanguageWork.of_doctrees(app.doctreedir)``.
    """

    root: Path

    @classmethod
    def of_doctrees(cls, doctrees: str | Path) -> LanguageWork:
        return cls(Path(doctrees).parent)

    @property
    def src(self) -> Path:  # the language's MyST source tree
        return self.root / "src"

    @property
    def html(self) -> Path:  # Sphinx's output
        return self.root / "html"

    @property
    def doctrees(self) -> Path:
        return self.root / "doctrees"

    @property
    def search(self) -> Path:  # Pagefind's index of the pages in html/ (webinars.engine.search)
        return self.root / "search"

    @property
    def search_stamp(self) -> Path:  # which pages (names, sizes, times) the index was made of
        return self.root / "search.stamp"

    @property
    def log(self) -> Path:  # Sphinx's progress and the language's process's errors
        return self.root / "build.log"

    @property
    def built_stamp(self) -> Path:  # sources and shared inputs of the last good Sphinx build
        return self.root / "built.stamp"

    @property
    def recheck(self) -> Path:  # pages a failed build had problems with
        return self.root / "recheck.txt"

    @property
    def filled(self) -> Path:  # what each built page's late parts were filled in with
        return self.root / "late-parts.pickle"

    @property
    def kept_pages(self) -> Path:  # pages rendered by the last run, with their keys
        return self.root / "kept-pages.pickle"

    @property
    def jupyter_cache(self) -> Path:  # myst-nb's execution cache
        return self.root / "jupyter_cache"

    @property
    def executed(self) -> Path:  # the notebooks executed ahead of Sphinx
        return self.root / "executed"

    @property
    def compiled_templates(self) -> Path:  # the theme's templates, compiled by Jinja
        return self.root / "compiled-templates"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `path` whole or not at all: a reader finds the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_pickle(path: Path, default: V) -> V:
    """What :func:`write_pickle` wrote to `path`, or `default` if it is missing, damaged or
    of another type."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, old or damaged: computed again
        return default
    return value if isinstance(value, type(default)) else default


def write_pickle(path: Path, value: object) -> None:
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Memo(Generic[V]):
    """Values made by the last run, each kept with the key of what it was made from: a
    value is reused while its key is unchanged (:meth:`get`), and what this run used
    is kept for the next (:meth:`save`).

    `version` covers the whole file (the version of what makes the values): a file of
    another version reads as empty.
    """

    def __init__(self, path: Path | None, version: str = "") -> None:
        self.path, self.version = path, version
        kept = read_pickle(path, ()) if path is not None else ()
        self.kept: dict[str, tuple[str, V]] = kept[1] if len(kept) == 2 and kept[0] == version \
            and isinstance(kept[1], dict) else {}
        self.now: dict[str, tuple[str, V]] = {}
        self.reused: set[str] = set()

    def get(self, name: str, key: str | None, make: Callable[[], V]) -> V:
        """The value of `name` made from `key`: the kept one if it was made from the same
        key, else `make()`; with no key, always `make()`, and nothing kept."""
        if key is None:
            return make()
        kept = self.kept.get(name)
        if kept is not None and kept[0] == key:
            value = kept[1]
            self.reused.add(name)
        else:
            value = make()
        self.now[name] = (key, value)
        return value

    def changed(self) -> bool:
        """Whether what this run used differs from what was kept."""
        return self.now.keys() != self.kept.keys() or any(
            self.kept[name][0] != key for name, (key, _) in self.now.items())

    def save(self, keep_unused: bool = False) -> None:
        """Keep what this run used for the next one; with `keep_unused`, what it did not
        use as well."""
        if self.path is not None:
            write_pickle(self.path, (self.version, {**self.kept, **self.now} if keep_unused else self.now))

    def forget(self) -> None:
        """Remove the kept file: until :meth:`save`, the next run reuses nothing."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class Latest(Generic[K, V]):
    """:class:`Memo`'s counterpart in memory: the value made for the last key asked for,
    reused while the same key is asked for again in this process.

    Keys are compared with `same` (``==`` unless given, e.g. ``operator.is_`` for a key
    that is an object too large to compare)."""

    def __init__(self, same: Callable[[K, K], bool] = operator.eq) -> None:
        self.same = same
        self.last: tuple[K, V] | None = None

    def get(self, key: K, make: Callable[[], V]) -> V:
        if self.last is None or not self.same(self.last[0], key):
            self.last = None  # a failed `make` keeps nothing
            self.last = (key, make())
        return self.last[1]

    def __getstate__(self) -> dict:
        return {"same": self.same, "last": None}  # kept in this process only, never pickled
