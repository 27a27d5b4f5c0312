"""minitorch.utils.data: datasets, samplers, default_collate and DataLoader semantics, compared with
torch.utils.data where the result is deterministic (collation, lengths, orders, errors)."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from helpers import assert_close, needs_torch, to_np, torch

import minitorch as mt
from minitorch.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    random_split,
)


def _xy(n=10, d=3):
    return TensorDataset(mt.randn(n, d), mt.arange(n))


def _labels(loader):
    return [int(i) for _, y in loader for i in y._data]


class Squares(Dataset):
    """A plain map-style dataset returning (float array, int, dict) samples."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full(2, i * i, np.float32), i, {"id": i, "name": f"s{i}"}


# --- datasets ---
def test_tensor_dataset():
    x, y = mt.randn(5, 2), mt.arange(5)
    ds = TensorDataset(x, y)
    assert len(ds) == 5
    xi, yi = ds[3]
    assert np.array_equal(xi._data, x._data[3]) and yi.item() == 3 and yi.dtype == mt.int64
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(mt.randn(5, 2), mt.arange(4))


def test_subset_concat_stack():
    ds = _xy(10)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[0][1].item() == 7 and sub[-1][1].item() == 5
    cat = ConcatDataset([ds, sub])
    assert len(cat) == 13 and cat[10][1].item() == 7 and cat[-1][1].item() == 5 and cat[9][1].item() == 9
    assert len(ds + sub) == 13
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-14]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    st = StackDataset(a=ds, b=Squares(10))
    assert set(st[4]) == {"a", "b"} and st[4]["b"][1] == 4
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(ds, Squares(3))


def test_random_split_lengths_fractions_and_generator():
    ds = _xy(10)
    parts = random_split(ds, [3, 7])
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    assert [len(p) for p in random_split(ds, [0.5, 0.3, 0.2])] == [5, 3, 2]
    assert [len(p) for p in random_split(_xy(11), [0.3, 0.3, 0.4])] == [4, 3, 4]  # remainder round-robin
    g1, g2 = mt.Generator().manual_seed(42), mt.Generator().manual_seed(42)
    assert (
        random_split(ds, [4, 6], generator=g1)[0].indices == random_split(ds, [4, 6], generator=g2)[0].indices
    )
    mt.manual_seed(5)
    a = random_split(ds, [4, 6])[0].indices
    mt.manual_seed(5)
    assert random_split(ds, [4, 6])[0].indices == a
    with pytest.raises(
        ValueError, match="Sum of input lengths does not equal the length of the input dataset!"
    ):
        random_split(ds, [3, 3])


@needs_torch
def test_random_split_sizes_match_torch():
    for n, fr in [(10, [0.5, 0.3, 0.2]), (11, [0.3, 0.3, 0.4]), (7, [0.1, 0.9]), (100, [0.33, 0.33, 0.34])]:
        want = [len(p) for p in torch.utils.data.random_split(range(n), fr)]
        assert [len(p) for p in random_split(list(range(n)), fr)] == want


# --- samplers ---
def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    r = RandomSampler(range(20))
    assert len(r) == 20 and sorted(r) == list(range(20))
    rr = list(RandomSampler(range(5), replacement=True, num_samples=50))
    assert len(rr) == 50 and set(rr) <= set(range(5))
    big = list(RandomSampler(range(4), num_samples=10))  # more samples than data: whole permutations first
    assert sorted(big[:8]) == sorted(list(range(4)) * 2) and len(big) == 10
    assert sorted(SubsetRandomSampler([3, 5, 9])) == [3, 5, 9]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 100))
    assert set(w) <= {1, 3} and w.count(3) > w.count(1)
    assert sorted(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False)) == [0, 1, 2, 3]
    with pytest.raises(
        ValueError, match="num_samples should be a positive integer value, but got num_samples=0"
    ):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)


@needs_torch
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("n,bs", [(10, 3), (9, 3), (2, 5), (7, 1)])
def test_batch_sampler_matches_torch(n, bs, drop_last):
    for cls in (SequentialSampler, lambda d: list(range(len(d)))):  # fast path and generic iterable
        ours = BatchSampler(cls(range(n)), bs, drop_last)
        theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(n)), bs, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_batch_size_must_be_positive_int(bad):
    with pytest.raises(
        ValueError, match=f"batch_size should be a positive integer value, but got batch_size={bad}"
    ):
        DataLoader(_xy(), batch_size=bad)


# --- collate ---
@needs_torch
def test_default_collate_matches_torch():
    batches = [
        [np.array([1.0, 2.0]), np.array([3.0, 4.0])],  # float64 arrays stay float64
        [np.array([1, 2], np.int32), np.array([3, 4], np.int32)],
        [np.float32(1.5), np.float32(2.5)],
        [1.5, 2.5],  # Python floats -> float64, as torch
        [1, 2],  # Python ints -> int64
        [True, False],
        [1, 2.5],
        [(1.0, 2), (3.0, 4)],
        [[1.0, 2], [3.0, 4]],
        [{"a": 1, "b": (1.0, 2.0)}, {"a": 2, "b": (3.0, 4.0)}],
    ]
    for batch in batches:
        ours, theirs = default_collate(batch), torch.utils.data.default_collate(batch)
        _same_structure(ours, theirs)
    tb = [torch.arange(3), torch.arange(3) * 2]
    _same_structure(default_collate([mt.tensor(t.numpy()) for t in tb]), torch.utils.data.default_collate(tb))


def _same_structure(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor)
        assert_close(ours, theirs, rtol=0, atol=0)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same_structure(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same_structure(a, b)
    else:
        assert ours == theirs


def test_default_collate_structures():
    Point = collections.namedtuple("Point", "x y")
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(p) is Point and p.x.dtype == mt.int64 and p.y.dtype == mt.float64
    od = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert type(od) is collections.OrderedDict
    assert default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size, but got"):
        default_collate([mt.zeros(2), mt.zeros(3)])
    with pytest.raises(
        RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0"
    ):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_default_collate_keeps_graph_for_tensors_requiring_grad():
    a = mt.randn(3, requires_grad=True)
    out = default_collate([a, a * 2])
    out.sum().backward()
    assert np.allclose(a.grad._data, 3.0)


def test_default_convert():
    out = default_convert({"x": np.arange(3), "t": (np.float32(1.0), "s")})
    assert isinstance(out["x"], mt.Tensor) and out["x"].dtype == mt.int64
    assert isinstance(out["t"], list) and out["t"][0].dtype == mt.float32 and out["t"][1] == "s"


# --- DataLoader ---
def test_loader_batches_dtypes_and_len():
    ds = _xy(10)
    loader = DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    xb, yb = batches[0]
    assert isinstance(batches[0], list) and xb.shape == (4, 3) and xb.dtype == mt.float32
    assert yb.dtype == mt.int64 and yb.tolist() == [0, 1, 2, 3]
    assert batches[-1][0].shape == (2, 3)
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    assert [b[1].tolist() for b in DataLoader(ds, batch_size=4, drop_last=True)] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
    ]
    assert len(DataLoader(ds)) == 10


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
def test_each_index_once_per_epoch(shuffle, drop_last):
    ds = _xy(23)
    loader = DataLoader(ds, batch_size=5, shuffle=shuffle, drop_last=drop_last)
    for _ in range(2):
        seen = _labels(loader)
        if drop_last:
            assert len(seen) == 20 and len(set(seen)) == 20
        else:
            assert sorted(seen) == list(range(23))
    assert all(len(set(_labels(DataLoader(_xy(8), batch_size=3, shuffle=shuffle)))) == 8 for _ in range(3))


def test_shuffle_is_reproducible_under_manual_seed_and_generator():
    ds = _xy(50)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    mt.manual_seed(123)
    first, second = _labels(loader), _labels(loader)
    assert first != second and first != list(range(50))  # reshuffled every epoch
    mt.manual_seed(123)
    assert _labels(loader) == first and _labels(loader) == second
    g = mt.Generator().manual_seed(7)
    a = _labels(DataLoader(ds, batch_size=8, shuffle=True, generator=g))
    mt.manual_seed(999)  # the global seed does not matter when a generator is given
    g.manual_seed(7)
    assert _labels(DataLoader(ds, batch_size=8, shuffle=True, generator=g)) == a


@pytest.mark.parametrize("shuffle", [False, True])
def test_fast_tensor_dataset_path_matches_per_sample_collate(shuffle):
    ds = TensorDataset(mt.randn(37, 2, 3), mt.randint(0, 5, (37,)), mt.rand(37) > 0.5)
    sub = Subset(ds, list(range(36, -1, -2)))
    for data in (ds, sub):
        assert data._batch_fetcher() is not None
        mt.manual_seed(0)
        fast = list(DataLoader(data, batch_size=6, shuffle=shuffle))
        mt.manual_seed(0)
        slow = list(DataLoader(data, batch_size=6, shuffle=shuffle, collate_fn=lambda b: default_collate(b)))
        assert len(fast) == len(slow) == len(DataLoader(data, batch_size=6))
        for f, s in zip(fast, slow):
            assert type(f) is type(s) is list and len(f) == 3
            for a, b in zip(f, s):
                assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a._data, b._data)


def test_fast_path_not_used_when_getitem_is_overridden():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            x, y = super().__getitem__(i)
            return x * 2, y

    ds = Doubled(mt.ones(4, 2), mt.arange(4))
    assert ds._batch_fetcher() is None
    (xb, yb), *_ = DataLoader(ds, batch_size=4)
    assert np.array_equal(xb._data, np.full((4, 2), 2.0, np.float32))


def test_loader_over_plain_dataset_and_custom_collate():
    loader = DataLoader(Squares(5), batch_size=2)
    arr, ints, meta = next(iter(loader))
    assert arr.dtype == mt.float32 and arr.shape == (2, 2)
    assert ints.dtype == mt.int64 and ints.tolist() == [0, 1]
    assert meta["id"].tolist() == [0, 1] and meta["name"] == ["s0", "s1"]
    lens = [len(b) for b in DataLoader(Squares(5), batch_size=2, collate_fn=lambda b: b)]
    assert lens == [2, 2, 1]


def test_batch_size_none_and_samplers():
    out = list(DataLoader(Squares(3), batch_size=None))
    assert len(out) == 3 and isinstance(out[1][0], mt.Tensor) and out[1][1] == 1
    loader = DataLoader(_xy(10), batch_sampler=BatchSampler(SequentialSampler(range(10)), 4, True))
    assert len(loader) == 2 and [b[1].tolist() for b in loader][1] == [4, 5, 6, 7]
    loader = DataLoader(_xy(10), sampler=[9, 8, 7], batch_size=2)
    assert [b[1].tolist() for b in loader] == [[9, 8], [7]]


def test_ragged_samples_raise():
    class Ragged(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return mt.zeros(i + 1)

    with pytest.raises(
        RuntimeError, match=r"stack expects each tensor to be equal size, but got \[1\] at entry 0"
    ):
        next(iter(DataLoader(Ragged(), batch_size=2)))


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

        def __len__(self):
            return 7

    loader = DataLoader(Stream(), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    assert len(DataLoader(Stream(), batch_size=3, drop_last=True)) == 2
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option, but got shuffle=True"):
        DataLoader(Stream(), shuffle=True)


@needs_torch
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(batch_size=0),
        dict(sampler=[0, 1], shuffle=True),
        dict(batch_sampler=[[0, 1]], batch_size=2),
        dict(batch_sampler=[[0, 1]], drop_last=True),
        dict(batch_size=None, drop_last=True),
        dict(num_workers=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(batch_size=2, drop_last=1),
    ],
)
def test_argument_errors_match_torch(kwargs):
    tds = torch.utils.data.TensorDataset(torch.zeros(4, 2))
    with pytest.raises(Exception) as te:
        torch.utils.data.DataLoader(tds, **kwargs)
    with pytest.raises(type(te.value)) as me:
        DataLoader(TensorDataset(mt.zeros(4, 2)), **kwargs)
    assert str(me.value) == str(te.value)


def test_attributes_frozen_after_init():
    loader = DataLoader(_xy(), batch_size=2)
    with pytest.raises(
        ValueError, match="batch_size attribute should not be set after DataLoader is initialized"
    ):
        loader.batch_size = 3
    loader.num_workers = 0  # others are fine


@needs_torch
def test_same_batches_as_torch_without_shuffle():
    x, y = np.random.default_rng(0).standard_normal((11, 2)).astype(np.float32), np.arange(11)
    ours = list(DataLoader(TensorDataset(mt.tensor(x), mt.tensor(y)), batch_size=4))
    theirs = list(
        torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=4
        )
    )
    assert len(ours) == len(theirs)
    for (a, b), (c, d) in zip(ours, theirs):
        assert_close(a, c, rtol=0, atol=0)
        assert_close(b, d, rtol=0, atol=0)
    assert to_np(ours[-1][1]).tolist() == [8, 9, 10]


@needs_torch
@pytest.mark.parametrize(
    "name",
    [
        "DataLoader",
        "TensorDataset",
        "Subset",
        "ConcatDataset",
        "StackDataset",
        "RandomSampler",
        "SequentialSampler",
        "BatchSampler",
        "SubsetRandomSampler",
        "WeightedRandomSampler",
    ],
)
def test_signature_mirrors_torch(name):
    import inspect

    import minitorch.utils.data as ours_mod

    ours = inspect.signature(getattr(ours_mod, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.utils.data, name).__init__).parameters
    assert [(k, v.kind, v.default) for k, v in ours.items()] == [
        (k, v.kind, v.default) for k, v in theirs.items()
    ]
