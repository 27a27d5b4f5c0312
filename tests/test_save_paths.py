"""minitorch.save to awkward paths (issue 13): a symlink loop raises as torch does; a read-only
directory over a writable file is written in place as torch does, and when nothing can be written
the error names the user's path, never the temp file's."""

from __future__ import annotations

import os

import pytest

import minitorch as mt
from minitorch.serialization import files
from tests.helpers import needs_torch, torch


@needs_torch
def test_symlink_loop_raises_like_torch(tmp_path):
    a, b = tmp_path / "a.pt", tmp_path / "b.pt"
    os.symlink(b, a)
    os.symlink(a, b)
    with pytest.raises(RuntimeError):
        torch.save({"x": torch.ones(2)}, str(a))
    with pytest.raises(RuntimeError, match="a.pt.*symbolic links"):
        mt.save({"x": mt.ones(2)}, str(a))
    assert os.path.islink(a) and os.path.islink(b)  # the links are left as they were


def test_symlink_to_file_writes_the_target(tmp_path):
    target, link = tmp_path / "t.pt", tmp_path / "l.pt"
    target.write_bytes(b"old")
    os.symlink(target, link)
    mt.save({"x": mt.ones(2)}, str(link))
    assert os.path.islink(link)
    assert mt.load(str(target))["x"].tolist() == [1.0, 1.0]


def _refuse_temp_files(monkeypatch):
    real_open = os.open

    def fake_open(path, *args, **kw):  # a read-only directory (root ignores chmod, so fake it)
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kw)

    monkeypatch.setattr(files.os, "open", fake_open)


def test_read_only_directory_over_writable_file(tmp_path, monkeypatch):
    p = tmp_path / "w.pt"
    p.write_bytes(b"old")
    _refuse_temp_files(monkeypatch)
    mt.save({"x": mt.arange(3)}, str(p))
    assert mt.load(str(p))["x"].tolist() == [0, 1, 2]


def test_read_only_directory_error_names_the_users_path(tmp_path, monkeypatch):
    p = tmp_path / "new.pt"
    _refuse_temp_files(monkeypatch)
    with pytest.raises(PermissionError) as e:
        mt.save({"x": mt.ones(1)}, str(p))
    assert e.value.filename == str(p) and ".tmp" not in str(e.value) and "new.pt" in str(e.value)
