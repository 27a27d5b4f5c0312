"""Samplers are lazy, as torch's (issue 10, item 6): a RandomSampler with a huge ``num_samples``
allocates nothing up front, and drawing chunk by chunk gives the same stream as one big draw."""

from __future__ import annotations

import itertools
import tracemalloc

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset
from minitorch.utils.data import sampler as sampler_module


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_huge_num_samples_with_replacement_allocates_one_chunk():
    s = RandomSampler(range(10), replacement=True, num_samples=10**10)
    assert len(s) == 10**10
    first = []
    peak = _peak_bytes(lambda: first.extend(itertools.islice(iter(s), 100)))
    assert len(first) == 100 and all(0 <= i < 10 for i in first)
    assert peak < 50 * sampler_module._CHUNK * 8  # one chunk of int64 plus its list, never 10**10


def test_huge_num_samples_through_the_dataloader():
    ds = TensorDataset(mt.arange(10.0))
    loader = DataLoader(ds, batch_size=4, sampler=RandomSampler(ds, replacement=True, num_samples=10**10))
    batches = []
    peak = _peak_bytes(lambda: batches.extend(itertools.islice(iter(loader), 3)))
    assert [b[0].shape for b in batches] == [mt.Size([4])] * 3
    assert peak < 50 * sampler_module._CHUNK * 8
    assert len(loader) == 10**10 // 4


@needs_torch
@pytest.mark.parametrize("replacement", [True, False])
def test_chunks_continue_one_stream(replacement):
    n, k = 1000, 2 * sampler_module._CHUNK + 123
    mt.manual_seed(3)
    got = np.array(list(RandomSampler(range(n), replacement=replacement, num_samples=k)))
    torch.manual_seed(3)  # torch is the spec: the same indices, drawn from torch's generator
    want = np.array(list(torch.utils.data.RandomSampler(range(n), replacement=replacement, num_samples=k)))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("drop_last", [True, False])
@pytest.mark.parametrize("make", ["random", "replacement", "sequential"])
def test_batch_sampler_fast_path_equals_plain_batching(make, drop_last):
    n = sampler_module._CHUNK + 50  # batches straddle the chunk boundary
    samplers = {
        "random": lambda: RandomSampler(range(n)),
        "replacement": lambda: RandomSampler(range(n), replacement=True, num_samples=n + 7),
        "sequential": lambda: SequentialSampler(range(n)),
    }
    mt.manual_seed(1)
    fast = list(BatchSampler(samplers[make](), 7, drop_last))
    mt.manual_seed(1)
    flat = list(samplers[make]())
    stop = len(flat) - len(flat) % 7 if drop_last else len(flat)
    assert fast == [flat[i : i + 7] for i in range(0, stop, 7)]


@needs_torch
@pytest.mark.parametrize("replacement,num_samples", [(False, None), (False, 25), (True, 7), (True, 30)])
def test_lengths_and_index_sets_match_torch(replacement, num_samples):
    ours = RandomSampler(range(10), replacement=replacement, num_samples=num_samples)
    ref = torch.utils.data.RandomSampler(range(10), replacement=replacement, num_samples=num_samples)
    a, b = list(ours), list(ref)
    assert len(ours) == len(ref) == len(a) == len(b)
    if not replacement:  # each full pass is a permutation; the tail is cut from the next one
        for lst in (a, b):
            assert sorted(lst[:10]) == list(range(10))
    for bs, drop in ((3, False), (3, True)):
        assert len(BatchSampler(ours, bs, drop)) == len(torch.utils.data.BatchSampler(ref, bs, drop))
        assert [len(x) for x in BatchSampler(ours, bs, drop)] == [
            len(x) for x in torch.utils.data.BatchSampler(ref, bs, drop)
        ]
