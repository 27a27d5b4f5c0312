"""``load(..., mmap=True)``: storages as views of the checkpoint file mapped into memory.

As ``torch.load(path, mmap=True)``, the whole file is mapped once, privately (``np.memmap`` mode
``'c'``, torch's default ``MAP_PRIVATE``): the pages of a tensor are read from disk when it is first
touched, the tensors are writable, and writes stay in memory (copy-on-write), never reaching the
file. Both formats keep their arrays uncompressed (``ZIP_STORED``), so a member's data is a plain
byte range of the file; a compressed or encrypted member (a re-zipped checkpoint) is read into
memory instead.
"""

from __future__ import annotations

import struct
import zipfile

import numpy as np

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's sizeFileHeader (30 bytes)


def map_file(fh) -> np.memmap:
    """The whole (open, binary) file ``fh``, mapped copy-on-write as uint8."""
    return np.memmap(fh, dtype=np.uint8, mode="c")


def member_bytes(zf: zipfile.ZipFile, mapped: np.memmap, info: zipfile.ZipInfo) -> np.ndarray | None:
    """The bytes of the stored member ``info`` as a (writable, copy-on-write) view of ``mapped``,
    or None when the member is compressed or encrypted and has to be read instead."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return None
    start = info.header_offset
    header = bytes(mapped[start : start + _LOCAL_HEADER.size])
    if len(header) != _LOCAL_HEADER.size:
        raise EOFError(f"the local header of {info.filename} is truncated")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise ValueError(f"bad local header for {info.filename}")
    begin = start + _LOCAL_HEADER.size + fields[10] + fields[11]  # + file name + extra field
    end = begin + info.file_size
    if end > len(mapped):
        raise EOFError(f"{info.filename} is truncated")
    return np.asarray(mapped[begin:end])  # a plain ndarray whose base is the memmap


def npy_array(zf: zipfile.ZipFile, mapped: np.memmap, name: str) -> np.ndarray | None:
    """The ``.npy`` member ``name`` as an array on ``mapped`` (None: read it instead), refusing
    what ``np.load(allow_pickle=False)`` refuses."""
    info = zf.getinfo(name)
    raw = member_bytes(zf, mapped, info)
    if raw is None:
        return None
    with zf.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
        else:  # version 3 (utf-8 field names): numpy's reader handles it
            return None
        offset = member.tell()
    if dtype.hasobject:
        raise ValueError("Object arrays cannot be loaded when allow_pickle=False")
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if offset + nbytes > len(raw):
        raise EOFError(f"{name}: the array data is truncated")
    if nbytes == 0:
        return np.empty(shape, dtype, order="F" if fortran else "C")
    return np.ndarray(shape, dtype, buffer=raw, offset=offset, order="F" if fortran else "C")


ALIGNMENT = 64  # where a stored member's data starts (torch's too): aligned views of the mapped file


def aligned_info(
    zf: zipfile.ZipFile, name: str, zip64: bool, date_time=(1980, 1, 1, 0, 0, 0)
) -> zipfile.ZipInfo:
    """A ZipInfo for a stored member written next into ``zf`` whose data will start at a multiple
    of ``ALIGNMENT`` in the file (padding in an extra field, as torch's writer does). A ``.npy``
    header is itself padded to a multiple of 64 bytes, so its array data is aligned too."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED
    try:
        pos = zf.fp.tell()
    except (AttributeError, OSError):  # pragma: no cover - unaligned is still a valid archive
        return info
    header = _LOCAL_HEADER.size + len(name.encode()) + 4 + (20 if zip64 else 0)  # zipfile adds 20 for zip64
    pad = -(pos + header) % ALIGNMENT
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
    return info
