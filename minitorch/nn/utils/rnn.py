"""``torch.nn.utils.rnn``: batching sequences of different lengths.

``pad_sequence`` / ``unpad_sequence`` and the packing functions work as torch's (and are
differentiable); ``RNN``, ``LSTM`` and ``GRU`` take a ``PackedSequence`` and return one.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ... import _dtype
from ...ops.shape import cat, stack
from ...tensor import Tensor
from .. import functional as F

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


def pad_sequence(
    sequences, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
) -> Tensor:
    """Stack tensors of shape (L_i, *) into (L_max, B, *) (``batch_first``: (B, L_max, *)),
    filling the missing steps with ``padding_value`` after (``padding_side='right'``) or before
    (``'left'``) each sequence.

    Example::

        pad_sequence([minitorch.ones(2), minitorch.ones(3)], batch_first=True)
        # tensor([[1., 1., 0.], [1., 1., 1.]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = list(sequences.unbind(0)) if isinstance(sequences, Tensor) else list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    max_len = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        missing = max_len - s.shape[0]
        pad = [0, 0] * (s.dim() - 1) + ([0, missing] if padding_side == "right" else [missing, 0])
        padded.append(F.pad(s, pad, value=padding_value) if missing else s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list[Tensor]:
    """The inverse of ``pad_sequence`` (right padding): the first ``lengths[i]`` steps of each."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lengths = lengths.tolist() if isinstance(lengths, Tensor) else list(lengths)
    return [seq[: int(n)] for seq, n in zip(padded_sequences.unbind(0), lengths)]


class PackedSequence(
    namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
):
    """Sequences of different lengths packed time step by time step, as torch's: ``data`` holds
    step 0 of every sequence, then step 1 of those still running, ...; ``batch_sizes[t]`` is how
    many run at step t (sequences sorted by decreasing length; ``sorted_indices`` /
    ``unsorted_indices`` map between that order and the caller's). RNN, LSTM and GRU take and
    return it."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return (
            self
            if data is self.data
            else type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)
        )

    def cpu(self, *args, **kwargs):
        return self

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def _invert(perm: Tensor) -> Tensor:
    inv = np.empty_like(perm._data)
    inv[perm._data] = np.arange(perm._data.size, dtype=inv.dtype)
    return Tensor._make(inv, False, None)


def _lengths_list(lengths) -> list:
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(
                f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D"
            )
        return [int(n) for n in lengths.tolist()]
    return [int(n) for n in lengths]


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False, enforce_sorted: bool = True):
    """Pack a padded batch (T, B, *) (``batch_first``: (B, T, *)) given each sequence's length."""
    lens = _lengths_list(lengths)
    if enforce_sorted:
        if any(a < b for a, b in zip(lens, lens[1:])):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
                "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
                "requirement if you do not need ONNX exportability."
            )
        sorted_indices = None
    else:
        order = np.argsort(-np.asarray(lens, dtype=np.int64), kind="stable")
        sorted_indices = Tensor._make(order.astype(np.int64), False, None)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
        lens = [lens[i] for i in order]
    if batch_first:
        input = input.transpose(0, 1)
    if lens and lens[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
        )
    if lens[0] > input.shape[0]:
        raise RuntimeError(
            f"Expected sequence length to be larger than or equal to the maximum length {lens[0]}, "
            f"got {input.shape[0]} instead"
        )
    sizes = [sum(1 for n in lens if n > t) for t in range(lens[0])]
    data = cat([input[t, :b] for t, b in enumerate(sizes)], 0)
    batch_sizes = Tensor._make(np.asarray(sizes, dtype=np.int64), False, None)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first: bool = False, padding_value: float = 0.0, total_length=None):
    """Undo ``pack_padded_sequence``: ``(padded, lengths)`` in the caller's order."""
    data, batch_sizes = sequence.data, [int(b) for b in sequence.batch_sizes.tolist()]
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
    b_max = batch_sizes[0]
    rows, offset = [], 0
    for b in batch_sizes:
        chunk = data[offset : offset + b]
        offset += b
        if b < b_max:
            chunk = cat([chunk, full_like_rows(data, b_max - b, padding_value)], 0)
        rows.append(chunk)
    for _ in range(steps, total_length or steps):
        rows.append(full_like_rows(data, b_max, padding_value))
    padded = stack(rows, 0)
    lengths = [sum(1 for b in batch_sizes if b > i) for i in range(b_max)]
    lengths_t = Tensor._make(np.asarray(lengths, dtype=np.int64), False, None)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths_t = Tensor._make(lengths_t._data[sequence.unsorted_indices._data], False, None)
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths_t


def full_like_rows(data: Tensor, n: int, value: float) -> Tensor:
    return Tensor._make(np.full((n,) + data._data.shape[1:], value, dtype=data._data.dtype), False, None)


def pack_sequence(sequences, enforce_sorted: bool = True):
    """Pack a list of (L_i, *) tensors (decreasing L_i unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences) -> list[Tensor]:
    """The list of sequences a PackedSequence holds, in the caller's order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
