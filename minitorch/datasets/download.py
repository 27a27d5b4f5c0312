"""Download a file from a list of mirrors with urllib: md5 check, atomic write, resume.

The bytes go to ``<path>.part`` and are renamed to ``path`` (``os.replace``) only after the md5
matched, so ``path`` is either absent or complete. A transfer that stops early leaves the
``.part`` file, and the next attempt asks the server for the rest (an HTTP ``Range`` request);
a server that ignores ``Range`` sends the whole file and the download starts over. A mirror
that cannot be reached is skipped for the other files of the same call.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

__all__ = ["download_url", "md5sum"]

_CHUNK = 1 << 16


class _Incomplete(Exception):
    """The server closed the connection before sending the whole file (the .part file stays)."""


class _BadChecksum(Exception):
    """The finished file's md5 differs from the expected one (the .part file was removed)."""

    def __init__(self, message: str, resumed: bool) -> None:
        super().__init__(message)
        self.resumed = resumed


def md5sum(path: str | os.PathLike) -> str:
    """The md5 hex digest of a file."""
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fetch(url: str, path: str, md5: str | None, timeout: float, verbose: bool) -> None:
    """One attempt at ``url`` -> ``path``."""
    part = path + ".part"
    start = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"User-Agent": "minitorch"}
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        resp = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and start:  # nothing left to send from that offset: start again
            e.close()
            os.remove(part)
            raise _Incomplete(f"{url}: server refused the range bytes={start}- (HTTP 416)") from None
        raise
    with resp:
        if verbose:  # only once connected, so an offline attempt prints nothing
            print(f"Downloading {url} to {path}", flush=True)
        resumed = bool(start) and resp.status == 206 and _range_start(resp) == start
        if not resumed:
            start = 0  # the server sent the whole file (it ignored Range, or there was no .part)
        length = resp.headers.get("Content-Length")
        expected = start + int(length) if length and length.isdigit() else None
        with open(part, "ab" if resumed else "wb") as f:
            shutil.copyfileobj(resp, f, _CHUNK)
            size = f.tell()
    if expected is not None and size < expected:
        raise _Incomplete(f"{url}: connection closed after {size} of {expected} bytes")
    if md5 is not None:
        got = md5sum(part)
        if got != md5:
            os.remove(part)
            raise _BadChecksum(f"{url}: md5 mismatch (expected {md5}, got {got})", resumed)
    os.replace(part, path)


def _range_start(resp) -> int | None:
    """The first byte offset of a ``Content-Range: bytes START-END/TOTAL`` header."""
    value = resp.headers.get("Content-Range", "")
    if not value.startswith("bytes ") or "-" not in value:
        return None
    first = value[6:].split("-", 1)[0].strip()
    return int(first) if first.isdigit() else None


def _unreachable(err: BaseException) -> bool:
    """A connection-level failure (refused, DNS, timeout), as opposed to an HTTP error reply."""
    if isinstance(err, urllib.error.HTTPError):
        return False
    return isinstance(err, (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError))


def _describe(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    return str(getattr(err, "reason", None) or err)


def download_url(
    urls: str | Sequence[str],
    path: str | os.PathLike,
    md5: str | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    dead: set[str] | None = None,
    verbose: bool = True,
) -> str:
    """Download ``path`` from the first of ``urls`` (mirrors of one file) that works.

    Args:
        urls: one URL or several mirrors of the same file, tried in order.
        path: where the file goes (its directory must exist).
        md5: the expected md5 hex digest; a mismatch discards the download and tries the next mirror.
        timeout: seconds to wait for a connection or a read.
        retries: extra attempts at the same mirror after a transfer stopped early (each resumes).
        dead: a set of (scheme, host) pairs known to be unreachable (skipped; filled in as mirrors fail).
        verbose: print a line when a transfer starts.

    Returns:
        ``path`` as a string.

    Raises:
        RuntimeError: every mirror failed; the message lists each mirror's error.
    """
    path = os.fspath(path)
    urls = [urls] if isinstance(urls, str) else list(urls)
    dead = set() if dead is None else dead
    errors = []
    for url in urls:
        host = urllib.parse.urlsplit(url)[:2]
        if host in dead:
            errors.append(f"{url}: skipped (unreachable earlier)")
            continue
        for _attempt in range(retries + 1):
            try:
                _fetch(url, path, md5, timeout, verbose)
                return path
            except _Incomplete as e:
                errors.append(str(e))  # resume (or restart) from the same mirror
            except _BadChecksum as e:
                errors.append(str(e))
                if not e.resumed:  # a resumed file may mix two versions: retry it from scratch
                    break
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"{url}: {_describe(e)}")
                if _unreachable(e):
                    dead.add(host)
                break
    raise RuntimeError(f"could not download {os.path.basename(path)}:\n  " + "\n  ".join(errors))
