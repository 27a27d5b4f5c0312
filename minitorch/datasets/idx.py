"""Read and write IDX files, the format MNIST ships in (``.gz`` or raw).

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian uint32
sizes, then the values in C order (big-endian). MNIST labels are ``0x0801`` (uint8, 1 dim) and
images ``0x0803`` (uint8, 3 dims). Files are read straight into a NumPy array, with no loop over
items, and every way a file can be wrong (not IDX, unknown type, truncated, trailing bytes,
broken gzip) raises ``ValueError`` naming the file and the problem.
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

__all__ = ["read_idx", "write_idx", "read_image_file", "read_label_file"]

# type byte -> big-endian NumPy dtype (the IDX spec's six types)
_IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _open(path: str):
    """The file as a binary stream, gunzipping when it starts with the gzip magic bytes."""
    with open(path, "rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def _read_exactly(f, buf: memoryview) -> int:
    """Fill ``buf`` from ``f``; returns how many bytes were read (less only at end of file)."""
    got = 0
    while got < len(buf):
        n = f.readinto(buf[got:])
        if not n:
            break
        got += n
    return got


def read_idx(path: str | os.PathLike, ndim: int | None = None) -> np.ndarray:
    """Read an IDX file (gzipped or raw) into a NumPy array in native byte order.

    Args:
        path: the file; gzip is detected from its first bytes, not its name.
        ndim: if given, the number of dimensions the file must have (1 for labels, 3 for images).

    Raises:
        ValueError: the file is not IDX, has an unexpected number of dimensions, is truncated,
            has bytes after the data, or is a broken gzip stream. The message names the file.

    Example:
        >>> labels = read_idx("t10k-labels-idx1-ubyte.gz", ndim=1)   # uint8, shape (10000,)
    """
    path = os.fspath(path)
    try:
        with _open(path) as f:
            magic = f.read(4)
            if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in _IDX_TYPES:
                raise ValueError(
                    f"{path}: not an IDX file (magic bytes {magic.hex() or 'missing'}; expected "
                    "0000 followed by a type byte 08/09/0b/0c/0d/0e and the number of dimensions)"
                )
            dtype, nd = _IDX_TYPES[magic[2]], magic[3]
            if ndim is not None and nd != ndim:
                raise ValueError(
                    f"{path}: IDX file has {nd} dimensions (magic 0x{magic[2]:02x}{nd:02x}), expected "
                    f"{ndim} (magic 0x{magic[2]:02x}{ndim:02x})"
                )
            head = f.read(4 * nd)
            if len(head) < 4 * nd:
                raise ValueError(f"{path}: truncated IDX header ({len(head)} of {4 * nd} bytes of sizes)")
            shape = tuple(int(s) for s in np.frombuffer(head, ">u4"))
            count = int(np.prod(shape, dtype=np.int64))
            out = np.empty(count, dtype.newbyteorder("="))
            want = count * dtype.itemsize
            got = _read_exactly(f, memoryview(out).cast("B"))
            if got < want:
                raise ValueError(
                    f"{path}: truncated IDX file: shape {list(shape)} needs {want} bytes of data, found {got}"
                )
            if f.read(1):
                raise ValueError(
                    f"{path}: IDX file has extra bytes after the {want} bytes of a {list(shape)} array"
                )
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise ValueError(f"{path}: corrupt or truncated gzip stream ({e})") from e
    if dtype.byteorder == ">" and dtype.itemsize > 1:
        out.byteswap(inplace=True)  # the bytes were big-endian; ``out`` is native-order
    return out.reshape(shape)


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as an IDX file (gzipped when ``compress`` or when the name ends in ``.gz``)."""
    path = os.fspath(path)
    array = np.ascontiguousarray(array)
    matches = [
        c for c, d in _IDX_TYPES.items() if (d.kind, d.itemsize) == (array.dtype.kind, array.dtype.itemsize)
    ]
    if not matches:
        raise TypeError(f"write_idx: IDX has no type for dtype {array.dtype}")
    code = matches[0]
    dt = _IDX_TYPES[code]
    payload = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload += array.astype(dt, copy=False).tobytes()
    if compress if compress is not None else path.endswith(".gz"):
        payload = gzip.compress(payload, mtime=0)
    with open(path, "wb") as f:
        f.write(payload)


def read_image_file(path: str | os.PathLike) -> np.ndarray:
    """MNIST images: a uint8 array (N, rows, cols) from an IDX ``0x0803`` file."""
    images = read_idx(path, ndim=3)
    if images.dtype != np.uint8:
        raise ValueError(f"{os.fspath(path)}: expected uint8 images (magic 0x0803), got {images.dtype}")
    return images


def read_label_file(path: str | os.PathLike) -> np.ndarray:
    """MNIST labels: an int64 array (N,) from an IDX ``0x0801`` file."""
    labels = read_idx(path, ndim=1)
    if labels.dtype != np.uint8:
        raise ValueError(f"{os.fspath(path)}: expected uint8 labels (magic 0x0801), got {labels.dtype}")
    return labels.astype(np.int64)
