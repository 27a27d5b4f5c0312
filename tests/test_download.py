"""Downloads against a real HTTP server on 127.0.0.1 (a thread, random port) serving small
generated IDX .gz files: success, md5 mismatch, a dead mirror, resuming a partial file (with and
without Range support), and the message when every mirror fails."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import socket
import threading

import numpy as np
import pytest

from minitorch.datasets import MNIST, download_url
from minitorch.datasets.idx import write_idx

NAMES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        srv = self.server
        name = self.path.rsplit("/", 1)[-1]
        srv.log.append((name, self.headers.get("Range")))
        body = srv.files.get(name)
        if body is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if srv.support_range and rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = srv.cut_first.pop(name, None)  # send only part of the body, once, then hang up
        self.wfile.write(body[start:cut] if cut is not None else body[start:])


@pytest.fixture
def serve():
    """serve(files, support_range=True) -> (base_url, server); shut down after the test."""
    servers = []

    def start(files, support_range=True):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        srv.files, srv.support_range, srv.log, srv.cut_first = dict(files), support_range, [], {}
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/mnist/", srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def _dead_url():
    """A URL on a port nothing listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Four small IDX .gz files (bytes by name), with MNIST.resources pointing at their md5s."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        "train-labels": rng.integers(0, 10, 30).astype(np.uint8),
        "t10k-images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "t10k-labels": rng.integers(0, 10, 10).astype(np.uint8),
    }
    files = {}
    for name in NAMES:
        path = tmp_path / "src" / name
        path.parent.mkdir(exist_ok=True)
        write_idx(path, arrays[name.split("-idx")[0]])
        files[name] = path.read_bytes()
    monkeypatch.setattr(MNIST, "resources", [(n, hashlib.md5(files[n]).hexdigest()) for n in NAMES])
    monkeypatch.delenv("MINITORCH_MNIST_MIRRORS", raising=False)
    return files, arrays


def _raw(root):
    return os.path.join(root, "MNIST", "raw")


def test_download(tmp_path, serve, tiny):
    files, arrays = tiny
    url, srv = serve(files)
    root = tmp_path / "data"
    ds = MNIST(root, train=True, download=True, mirrors=[url], timeout=5)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["train-images"])
    np.testing.assert_array_equal(ds.targets.numpy(), arrays["train-labels"])
    assert sorted(os.listdir(_raw(root))) == sorted(NAMES)  # all four, no .part left
    for name in NAMES:
        with open(os.path.join(_raw(root), name), "rb") as f:
            assert f.read() == files[name]
    n = len(srv.log)
    assert len(MNIST(root, train=False, download=True, mirrors=[url])) == 10
    assert len(srv.log) == n  # already there: nothing fetched again


def test_mirrors_from_environment(tmp_path, serve, tiny, monkeypatch):
    url, srv = serve(tiny[0])
    monkeypatch.setenv("MINITORCH_MNIST_MIRRORS", f"{_dead_url()}, {url}")
    assert len(MNIST(tmp_path, train=False, download=True, timeout=5)) == 10
    assert {name for name, _ in srv.log} == set(NAMES)


def test_checksum_mismatch(tmp_path, serve, tiny):
    files, _ = tiny
    bad = dict(files, **{"t10k-images-idx3-ubyte.gz": gzip.compress(b"\x00\x00\x08\x03" + b"\x01" * 60)})
    url, _ = serve(bad)
    with pytest.raises(RuntimeError, match="md5 mismatch") as info:
        MNIST(tmp_path, train=False, download=True, mirrors=[url], timeout=5)
    assert "t10k-images-idx3-ubyte.gz" in str(info.value)
    left = os.listdir(_raw(tmp_path))
    assert "t10k-images-idx3-ubyte.gz" not in left and "t10k-images-idx3-ubyte.gz.part" not in left
    assert "t10k-labels-idx1-ubyte.gz" in left  # the good files are kept
    good_url, _ = serve(files)  # a bad mirror first, then a good one: the good one is used
    assert len(MNIST(tmp_path, train=False, download=True, mirrors=[url, good_url], timeout=5)) == 10


def test_dead_mirror_falls_through(tmp_path, serve, tiny):
    url, srv = serve(tiny[0])
    ds = MNIST(tmp_path, train=False, download=True, mirrors=[_dead_url(), url], timeout=5)
    assert len(ds) == 10
    assert sorted(name for name, _ in srv.log) == sorted(NAMES)


def test_missing_file_on_first_mirror(tmp_path, serve, tiny):
    files, _ = tiny
    first, srv1 = serve({k: v for k, v in files.items() if "labels" not in k})  # 404 for labels
    second, srv2 = serve(files)
    assert len(MNIST(tmp_path, train=True, download=True, mirrors=[first, second], timeout=5)) == 30
    assert sorted(name for name, _ in srv2.log) == sorted(n for n in NAMES if "labels" in n)


def test_resume_after_connection_drop(tmp_path, serve, tiny):
    files, arrays = tiny
    url, srv = serve(files)
    name = "train-images-idx3-ubyte.gz"
    srv.cut_first[name] = 1000  # the first response stops after 1000 bytes
    ds = MNIST(tmp_path, train=True, download=True, mirrors=[url], timeout=5)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["train-images"])
    ranges = [r for n, r in srv.log if n == name]
    assert ranges == [None, "bytes=1000-"]  # the second request asked only for the rest


def test_resume_existing_partial_file(tmp_path, serve, tiny):
    files, arrays = tiny
    url, srv = serve(files)
    name = "t10k-images-idx3-ubyte.gz"
    os.makedirs(_raw(tmp_path))
    with open(os.path.join(_raw(tmp_path), name + ".part"), "wb") as f:
        f.write(files[name][:500])
    ds = MNIST(tmp_path, train=False, download=True, mirrors=[url], timeout=5)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["t10k-images"])
    assert [r for n, r in srv.log if n == name] == ["bytes=500-"]
    assert not any(f.endswith(".part") for f in os.listdir(_raw(tmp_path)))


def test_restart_when_server_ignores_range(tmp_path, serve, tiny):
    files, arrays = tiny
    url, srv = serve(files, support_range=False)
    name = "t10k-images-idx3-ubyte.gz"
    os.makedirs(_raw(tmp_path))
    with open(os.path.join(_raw(tmp_path), name + ".part"), "wb") as f:
        f.write(b"garbage that must not end up in the file")
    ds = MNIST(tmp_path, train=False, download=True, mirrors=[url], timeout=5)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["t10k-images"])
    assert [r for n, r in srv.log if n == name] == ["bytes=40-"]  # asked; got the whole file


def test_bad_partial_file_is_refetched_from_scratch(tmp_path, serve, tiny):
    files, arrays = tiny
    url, srv = serve(files)
    name = "t10k-images-idx3-ubyte.gz"
    os.makedirs(_raw(tmp_path))
    with open(os.path.join(_raw(tmp_path), name + ".part"), "wb") as f:
        f.write(b"\xff" * 300)  # wrong bytes: resuming gives a bad md5, so start over
    ds = MNIST(tmp_path, train=False, download=True, mirrors=[url], timeout=5)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["t10k-images"])
    assert [r for n, r in srv.log if n == name] == ["bytes=300-", None]


def test_offline_error_says_what_to_fetch(tmp_path, tiny):
    root = tmp_path / "data"
    with pytest.raises(RuntimeError) as info:
        MNIST(root, train=True, download=True, mirrors=[_dead_url(), _dead_url()], timeout=5)
    msg = str(info.value)
    assert "Could not download MNIST" in msg and _raw(str(root)) in msg
    for name, md5 in MNIST.resources:
        assert name in msg and md5 in msg
    assert os.listdir(_raw(root)) == []  # nothing half-written


def test_download_url_single(tmp_path, serve):
    body = os.urandom(5000)
    url, srv = serve({"blob.bin": body})
    dest = tmp_path / "blob.bin"
    assert download_url(
        [url + "missing.bin", url + "blob.bin"], dest, hashlib.md5(body).hexdigest(), timeout=5
    ) == str(dest)
    assert dest.read_bytes() == body
    with pytest.raises(RuntimeError, match="404"):
        download_url(url + "missing.bin", tmp_path / "x", timeout=5)
    assert not os.path.exists(tmp_path / "x")
