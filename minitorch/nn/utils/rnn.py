"""``torch.nn.utils.rnn``: batching sequences of different lengths.

``pad_sequence`` / ``unpad_sequence`` work as torch's (and are differentiable). minitorch's RNNs
take padded batches only, so ``PackedSequence`` and the ``pack_*`` functions raise a clear error.
"""

from __future__ import annotations

from ... import stack
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


_NO_PACKING = (
    "minitorch's RNN, LSTM and GRU take padded batches only (no PackedSequence): batch with "
    "pad_sequence and mask the padded steps, or run each sequence on its own"
)


class PackedSequence:
    """Not supported: see ``pad_sequence``."""

    def __init__(self, *args, **kwargs) -> None:
        raise NotImplementedError(f"PackedSequence: {_NO_PACKING}")


def pack_padded_sequence(input, lengths, batch_first: bool = False, enforce_sorted: bool = True):
    raise NotImplementedError(f"pack_padded_sequence: {_NO_PACKING}")


def pad_packed_sequence(sequence, batch_first: bool = False, padding_value: float = 0.0, total_length=None):
    raise NotImplementedError(f"pad_packed_sequence: {_NO_PACKING}")


def pack_sequence(sequences, enforce_sorted: bool = True):
    raise NotImplementedError(f"pack_sequence: {_NO_PACKING}")


def unpack_sequence(packed_sequences):
    raise NotImplementedError(f"unpack_sequence: {_NO_PACKING}")
