"""The work folder's one atomic write and its one "reuse while the key is unchanged"."""

from __future__ import annotations

import operator
import os
import pickle
from pathlib import Path

import pytest

from webinars.work import LanguageWork, Latest, Memo, Work, read_pickle, write_atomic, write_pickle


def test_an_atomic_write_leaves_the_old_file_when_it_fails(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "deep/stamp"
    write_atomic(path, "one")
    assert path.read_text() == "one"

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        write_atomic(path, "two")
    assert path.read_text() == "one"
    assert sorted(p.name for p in path.parent.iterdir()) == ["stamp"]  # no partial file left


def test_a_damaged_or_foreign_kept_file_reads_as_nothing_kept(tmp_path: Path) -> None:
    path = tmp_path / "kept.pickle"
    assert read_pickle(path, {}) == {}
    path.write_bytes(b"\x80\x05 not a pickle")
    assert read_pickle(path, {}) == {}
    write_pickle(path, ["a list"])
    assert read_pickle(path, {}) == {}  # not the type asked for
    assert Memo(path).kept == {}


def test_a_memo_reuses_a_value_while_its_key_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    made = []

    def make(value: str):
        return lambda: made.append(value) or value

    first = Memo(path, version="v1")
    assert first.get("a", "k1", make("A1")) == "A1"
    assert first.get("b", None, make("B1")) == "B1"  # no key: made, never kept
    assert first.changed()
    first.save()

    second = Memo(path, version="v1")
    assert second.get("a", "k1", make("A2")) == "A1" and second.reused == {"a"}
    assert not second.changed()
    assert second.get("a2", "k1", make("C")) == "C"
    assert second.changed()

    third = Memo(path, version="v1")
    assert third.get("a", "k2", make("A3")) == "A3"  # the key changed: made again
    assert Memo(path, version="v2").kept == {}  # another version: nothing kept
    assert made == ["A1", "B1", "C", "A3"]


def test_a_memo_keeps_unused_values_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "memo.pickle"
    memo = Memo(path)
    memo.get("a", "", lambda: 1)
    memo.get("b", "", lambda: 2)
    memo.save()
    memo = Memo(path)
    memo.get("a", "", lambda: 0)
    memo.save(keep_unused=True)
    assert Memo(path).kept == {"a": ("", 1), "b": ("", 2)}
    memo.save()
    assert Memo(path).kept == {"a": ("", 1)}
    memo.forget()
    assert not path.exists()


def test_every_file_of_the_work_folder_is_inside_it(tmp_path: Path) -> None:
    work = Work(tmp_path / "work")
    files = [getattr(work, name) for name in dir(Work) if isinstance(getattr(Work, name), property)]
    files += [work.snapshot("abc")]
    language = work.language("ar")
    files += [getattr(language, name) for name in dir(LanguageWork)
              if isinstance(getattr(LanguageWork, name), property)]
    assert len(set(files)) == len(files)
    assert all(path.is_relative_to(work.root) for path in files)
    assert LanguageWork.of_doctrees(language.doctrees) == language


def test_latest_reuses_the_value_of_the_last_key_only_and_is_not_pickled():
    made = []

    def make(value):
        return lambda: made.append(value) or value

    latest = Latest()
    assert latest.get("a", make(1)) == 1 and latest.get("a", make(2)) == 1
    assert latest.get("b", make(3)) == 3 and latest.get("a", make(4)) == 4
    assert made == [1, 3, 4]

    def fails():
        raise RuntimeError("no value")

    with pytest.raises(RuntimeError):
        latest.get("c", fails)
    assert latest.get("a", make(5)) == 5  # a failed make keeps nothing, not even the old value

    same_object = Latest(same=operator.is_)
    first, equal = [1], [1]
    assert same_object.get(first, make("x")) == "x" and same_object.get(equal, make("y")) == "y"
    assert pickle.loads(pickle.dumps(latest)).last is None
