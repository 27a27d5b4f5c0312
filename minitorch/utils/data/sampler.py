"""Samplers: the order in which a ``DataLoader`` visits dataset indices, as in torch.

Random samplers draw from ``generator`` or, by default, from minitorch's global generator, so
``minitorch.manual_seed`` makes shuffling reproducible, with torch's numbers: ``RandomSampler``
without a generator draws one 63-bit seed from the global generator at the start of each epoch
and shuffles with ``randperm`` on a private generator seeded with it, as torch does. Samplers are
lazy, like torch's: indices are drawn a chunk at a time (one permutation of the dataset, or
``_CHUNK`` draws with replacement), so ``RandomSampler(ds, replacement=True, num_samples=10**10)``
allocates nothing up front. Chunks concatenate to the same stream as one big draw.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized

import numpy as np

from ... import _random

_CHUNK = 1 << 16  # indices drawn at once with replacement (even: chunks continue one stream)

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
]


class Sampler:
    """Base class: subclasses implement ``__iter__`` (yielding indices) and usually ``__len__``."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def _index_chunks(self) -> Iterator[np.ndarray]:
        n = len(self.data_source)
        for start in range(0, n, _CHUNK):
            yield np.arange(start, min(start + _CHUNK, n))


class RandomSampler(Sampler):
    """A random permutation of the indices each epoch (or ``num_samples`` draws with replacement)."""

    def __init__(
        self, data_source: Sized, replacement: bool = False, num_samples: int | None = None, generator=None
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _index_chunks(self) -> Iterator[np.ndarray]:
        """This epoch's indices, a chunk at a time: one permutation of the dataset per chunk
        (the last one cut short), or ``_CHUNK`` draws with replacement."""
        n = len(self.data_source)
        generator = self.generator
        if generator is None:  # torch: a private generator seeded from the global one
            generator = _random.Generator().manual_seed(_random.int64_seed(None))
        if self.replacement:  # torch draws randint(high=n, size=(32,)) at a time: the same stream
            left = self.num_samples
            while left > 0:
                chunk = _random.random_from_to(min(_CHUNK, left), np.int64, 0, n, generator)
                left -= len(chunk)
                yield chunk
            return
        for _ in range(self.num_samples // n):
            yield _random.randperm(n, generator)
        yield _random.randperm(n, generator)[: self.num_samples % n]  # drawn even when empty, as torch

    def __iter__(self) -> Iterator[int]:
        for chunk in self._index_chunks():
            yield from chunk.tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _random.randperm(len(self.indices), self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``."""

    def __init__(
        self, weights: Sequence[float], num_samples: int, replacement: bool = True, generator=None
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = np.asarray(weights._data if hasattr(weights, "_data") else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        if not replacement and num_samples > w.size:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        w = self.weights
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if w.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        idx = _random.multinomial(w[None, :], self.num_samples, self.replacement, self.generator)[0]
        return iter(idx.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one may be short,
    unless ``drop_last``)."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        bs = self.batch_size
        if type(self.sampler) in (SequentialSampler, RandomSampler):
            # NOTE: fast path: slice the sampler's chunks of indices (a batch may span two chunks)
            rest = np.empty(0, dtype=np.int64)
            for chunk in self.sampler._index_chunks():
                idx = np.concatenate([rest, chunk]) if len(rest) else chunk
                stop = len(idx) - len(idx) % bs
                for i in range(0, stop, bs):
                    yield idx[i : i + bs].tolist()
                rest = idx[stop:]
            if len(rest) and not self.drop_last:
                yield rest.tolist()
            return
        it = iter(self.sampler)
        if self.drop_last:
            for batch in zip(*[it] * bs):
                yield list(batch)
        else:
            batch = list(itertools.islice(it, bs))
            while batch:
                yield batch
                batch = list(itertools.islice(it, bs))

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
