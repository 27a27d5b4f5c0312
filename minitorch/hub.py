"""Pretrained weights by URL, as ``torch.hub``: ``load_state_dict_from_url`` downloads a checkpoint
once into the hub cache (torch's own, ``$TORCH_HOME/hub/checkpoints``, so files torch already
fetched are reused) and loads it with ``minitorch.load``. Loading code from GitHub repositories
(``hub.load``, ``hub.list``, ``hub.help``) is not supported."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from urllib.parse import urlparse

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

_hub_dir: str | None = None
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")


def get_dir() -> str:
    """The hub cache directory: ``set_dir``'s, else ``$TORCH_HOME/hub`` (default ``~/.cache/torch/hub``)."""
    if _hub_dir is not None:
        return _hub_dir
    xdg = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    home = os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(xdg, "torch")))
    return os.path.join(home, "hub")


def set_dir(d) -> None:
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download ``url`` to ``dst`` through a temporary file in the same folder, renamed into place
    only when complete (and, with ``hash_prefix``, only when its SHA-256 starts with it)."""
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    sha = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f, urllib.request.urlopen(urllib.request.Request(url)) as r:
            total = r.headers.get("Content-Length")
            done = 0
            while chunk := r.read(1 << 16):
                f.write(chunk)
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    sys.stderr.write(f"\rDownloading {url}: {done} bytes" + (f" of {total}" if total else ""))
            if progress:
                sys.stderr.write("\n")
        if hash_prefix is not None and not sha.hexdigest().startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{sha.hexdigest()}")')
        shutil.move(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_state_dict_from_url(
    url: str,
    model_dir: str | None = None,
    map_location=None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = False,
):
    """The object saved at ``url`` (a torch or minitorch checkpoint), cached in
    ``model_dir`` (default ``get_dir()/checkpoints``); ``check_hash`` checks the SHA-256 prefix
    that torch's file names carry (``name-<sha256 prefix>.pth``)."""
    from .serialization import load

    model_dir = model_dir or os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        if progress:
            sys.stderr.write(f'Downloading: "{url}" to {cached}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    return load(cached, map_location=map_location, weights_only=weights_only)


def _no_code_loading(name: str):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            f"minitorch.hub.{name}: loading model code from GitHub repositories is not supported (it "
            "downloads and runs a repository's hubconf.py); build the model in your script and load "
            "its weights with minitorch.hub.load_state_dict_from_url(url)"
        )

    fn.__name__ = name
    return fn


load = _no_code_loading("load")
list = _no_code_loading("list")  # noqa: A001 - torch's name
help = _no_code_loading("help")  # noqa: A001 - torch's name
