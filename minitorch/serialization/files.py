"""Where checkpoints go and come from: atomic writes to a path, reading a path or a stream, and the
one ``RuntimeError`` (naming the file) that every unreadable checkpoint raises."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable


def describe(f) -> str:
    """How error messages name ``f``: the path, the stream's name, or its type."""
    if isinstance(f, (str, os.PathLike)):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, (str, bytes)) else f"<{type(f).__name__}>"


class LoadError(RuntimeError):
    """A file ``minitorch.load`` cannot read (empty, truncated, corrupted, not a checkpoint...)."""


def bad(where: str, what: str) -> LoadError:
    return LoadError(f"minitorch.load: cannot load {where}: {what}")


def write(f, write_to: Callable, what: str = "minitorch.save") -> None:
    """Call ``write_to(binary_file)`` on a path (atomically) or on a binary file object."""
    if isinstance(f, (str, os.PathLike)):
        atomic_write(os.fspath(f), write_to)
    elif hasattr(f, "write"):
        write_to(f)
    else:
        raise TypeError(f"{what}: f must be a path or a binary file object, got {type(f).__name__}")


def atomic_write(path: str, write_to: Callable) -> None:
    """Write to a temp file next to ``path``, fsync, then rename over it (the old file survives
    any failure, and the temp file is removed)."""
    if os.path.islink(path):
        try:
            os.stat(path)  # follows the links: a loop raises ELOOP (torch refuses it too)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise RuntimeError(f"cannot save to {path!r}: {e.strerror}") from None
        path = os.path.realpath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except PermissionError as e:
        if os.path.isfile(path) and os.access(path, os.W_OK):
            # a read-only directory over a writable file: write it in place, as torch does (not atomic)
            with open(path, "wb") as fh:
                write_to(fh)
            return
        raise PermissionError(
            e.errno, f"{e.strerror}: cannot save to {path!r} (its directory is not writable)", path
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write_to(fh)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # keep the permissions of the file being replaced
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def check_header(head: bytes, where: str) -> None:
    """Refuse, before parsing, what is not a zip archive (empty files, bare pickles, text...)."""
    if not head:
        raise bad(where, "the file is empty (0 bytes); it was probably never fully written")
    if head[:2] == b"PK":
        return
    if head[:1] == b"\x80":  # the PROTO opcode that starts every pickle of protocol 2+
        raise bad(
            where,
            "it is a bare pickle file (e.g. written by pickle.dump or torch.save(..., "
            "_use_new_zipfile_serialization=False)); minitorch.load refuses those because loading one "
            "can run arbitrary code",
        )
    raise bad(
        where, f"it is not a checkpoint of minitorch's format or PyTorch's (unrecognised header {head[:8]!r})"
    )


@contextlib.contextmanager
def open_for_reading(f, where: str):
    """A seekable binary file for a path or a file object, its header checked."""
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), "rb") as fh:
            check_header(fh.read(8), where)
            fh.seek(0)
            yield fh
        return
    if not hasattr(f, "read"):
        raise TypeError(f"minitorch.load: f must be a path or a binary file object, got {type(f).__name__}")
    if getattr(f, "seekable", lambda: False)():
        start = f.tell()
        head = f.read(8)
        f.seek(start)
        check_header(head, where)
        yield f
        return
    data = f.read()
    check_header(data[:8], where)
    yield io.BytesIO(data)
