"""minitorch's random numbers are torch 2.13's CPU generator's, bit for bit: the same seed gives
the same ``rand``/``randn``/``randint``/``randperm``/... values, the same model initialisation,
the same dropout masks and the same DataLoader order, and leaves the generator in the same state
(``get_rng_state`` bytes equal), so everything a script draws later agrees too."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn
from minitorch.utils.data import DataLoader, TensorDataset
from minitorch.utils.data.distributed import DistributedSampler

pytestmark = needs_torch

SEEDS = [0, 1234]
SIZES = [(1,), (3,), (15,), (16,), (17,), (5, 7), (33,), (4, 25), (1000,)]
FLOATS = [("float32", np.float32), ("float64", np.float64)]


def same(a, t) -> None:
    """Exactly equal values (NaN where NaN) and the same dtype."""
    a = a._data if isinstance(a, mt.Tensor) else np.asarray(a)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    assert a.dtype == t.dtype, (a.dtype, t.dtype)
    np.testing.assert_array_equal(a, t)


def same_state() -> None:
    """The global generators agree byte for byte (stream position and cached normal sample)."""
    same(mt.get_rng_state(), torch.get_rng_state())


def both(seed: int):
    mt.manual_seed(seed)
    torch.manual_seed(seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name,np_dt", FLOATS)
def test_rand_randn_and_inplace_fills(seed, size, name, np_dt):
    both(seed)
    tdt, mdt = getattr(torch, name), getattr(mt, name)
    same(mt.rand(*size, dtype=mdt), torch.rand(*size, dtype=tdt))
    same(mt.randn(*size, dtype=mdt), torch.randn(*size, dtype=tdt))
    same(mt.randn(*size, dtype=mdt), torch.randn(*size, dtype=tdt))  # uses the cached sample when small
    same(mt.empty(*size, dtype=mdt).uniform_(-0.37, 1.9), torch.empty(*size, dtype=tdt).uniform_(-0.37, 1.9))
    same(mt.empty(*size, dtype=mdt).normal_(0.5, 2.5), torch.empty(*size, dtype=tdt).normal_(0.5, 2.5))
    same(mt.normal(-1.0, 0.3, size), torch.normal(-1.0, 0.3, size))
    same(mt.rand_like(mt.zeros(*size, dtype=mdt)), torch.rand_like(torch.zeros(*size, dtype=tdt)))
    same(mt.randn_like(mt.zeros(*size, dtype=mdt)), torch.randn_like(torch.zeros(*size, dtype=tdt)))
    same_state()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size", [(3,), (17,), (6, 9), (300,)])
def test_integers_and_permutations(seed, size):
    both(seed)
    n = int(np.prod(size))
    same(mt.randint(0, 10, size), torch.randint(0, 10, size))
    same(mt.randint(-5, 2**29, size), torch.randint(-5, 2**29, size))  # 64-bit draws from 2**28 up
    same(mt.randint(2**40, size), torch.randint(2**40, size))
    same(mt.randint(3, 9, size, dtype=mt.int32), torch.randint(3, 9, size, dtype=torch.int32))
    same(mt.randint(3, 9, size, dtype=mt.float32), torch.randint(3, 9, size, dtype=torch.float32))
    for dt in ("int64", "int32", "int16", "uint8", "bool", "float32", "float64"):
        same(
            mt.empty(size, dtype=getattr(mt, dt)).random_(),
            torch.empty(size, dtype=getattr(torch, dt)).random_(),
        )
    same(mt.empty(size, dtype=mt.int64).random_(7), torch.empty(size, dtype=torch.int64).random_(7))
    same(mt.empty(size).random_(-3, 4), torch.empty(size).random_(-3, 4))
    for k in (0, 1, 2, n, 1000):
        same(mt.randperm(k), torch.randperm(k))
    same_state()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,np_dt", FLOATS)
def test_bernoulli_multinomial_and_other_distributions(seed, name, np_dt):
    both(seed)
    tdt, mdt = getattr(torch, name), getattr(mt, name)
    probs = np.linspace(0, 1, 40).astype(np_dt).reshape(5, 8)
    same(mt.bernoulli(mt.tensor(probs)), torch.bernoulli(torch.tensor(probs)))
    same(mt.empty(5, 8, dtype=mdt).bernoulli_(0.3), torch.empty(5, 8, dtype=tdt).bernoulli_(0.3))
    same(
        mt.empty(5, 8, dtype=mdt).bernoulli_(mt.tensor(probs)),
        torch.empty(5, 8, dtype=tdt).bernoulli_(torch.tensor(probs)),
    )
    w = np.abs(np.sin(np.arange(60.0))).astype(np_dt).reshape(3, 20)
    for k, repl in ((1, False), (1, True), (5, False), (20, False), (7, True)):
        same(mt.multinomial(mt.tensor(w), k, repl), torch.multinomial(torch.tensor(w), k, repl))
        same(mt.multinomial(mt.tensor(w[0]), k, repl), torch.multinomial(torch.tensor(w[0]), k, repl))
    for size in ((7,), (40,)):
        same(mt.empty(size, dtype=mdt).exponential_(1.5), torch.empty(size, dtype=tdt).exponential_(1.5))
        same(mt.empty(size, dtype=mdt).geometric_(0.3), torch.empty(size, dtype=tdt).geometric_(0.3))
        same(
            mt.empty(size, dtype=mdt).log_normal_(0.2, 0.7),
            torch.empty(size, dtype=tdt).log_normal_(0.2, 0.7),
        )
        same(mt.empty(size, dtype=mdt).cauchy_(0.1, 2.0), torch.empty(size, dtype=tdt).cauchy_(0.1, 2.0))
    m, s = np.linspace(-1, 1, 20).astype(np_dt), np.linspace(0.1, 2, 20).astype(np_dt)
    same(mt.normal(mt.tensor(m), mt.tensor(s)), torch.normal(torch.tensor(m), torch.tensor(s)))
    same(mt.normal(mt.tensor(m), 0.5), torch.normal(torch.tensor(m), 0.5))
    same_state()


def test_strided_targets_fill_in_memory_order():
    both(5)
    a, t = mt.zeros(20, 6), torch.zeros(20, 6)
    a.t().normal_()  # non-contiguous: torch's scalar sampler, walking memory order
    t.t().normal_()
    same(a, t)
    a[:, ::2].uniform_(-1, 1)
    t[:, ::2].uniform_(-1, 1)
    same(a, t)
    same_state()


def test_generators_seed_state_and_round_trip():
    g, tg = mt.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed()
    same(g.get_state(), tg.get_state())
    g.manual_seed(2**40 + 7)
    tg.manual_seed(2**40 + 7)
    same(mt.randn(5, generator=g), torch.randn(5, generator=tg))  # leaves a cached sample
    same(g.get_state(), tg.get_state())
    assert g.get_state().dtype == mt.uint8 and tuple(g.get_state().shape) == (5056,)
    state = g.get_state()
    first = mt.randn(3, generator=g)
    g.set_state(state)
    same(mt.randn(3, generator=g), first._data)
    # a state from torch resumes torch's stream
    g.set_state(mt.tensor(tg.get_state().numpy()))
    same(mt.rand(40, generator=g), torch.rand(40, generator=tg))
    mt.manual_seed(-1)
    torch.manual_seed(-1)
    assert mt.initial_seed() == torch.initial_seed()
    same(mt.rand(4), torch.rand(4))
    saved = mt.get_rng_state()
    x = mt.randn(10)
    mt.set_rng_state(saved)
    same(mt.randn(10), x._data)


def _params(model):
    return {k: v.detach() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_models_initialise_as_torch(seed):
    def build(lib):
        return [
            lib.nn.Linear(13, 7),
            lib.nn.Conv2d(3, 5, 3),
            lib.nn.LSTM(6, 9, num_layers=2),
            lib.nn.Embedding(11, 4),
            lib.nn.Sequential(lib.nn.Linear(2, 16), lib.nn.ReLU(), lib.nn.Linear(16, 2)),
        ]

    both(seed)
    ours, theirs = build(mt), build(torch)
    for m, t in zip(ours, theirs):
        pm, pt = _params(m), _params(t)
        assert list(pm) == list(pt)
        for k in pm:
            same(pm[k], pt[k])
    same_state()


@pytest.mark.parametrize("seed", SEEDS)
def test_nn_init_functions(seed):
    both(seed)
    for fn, kw in (
        ("uniform_", dict(a=-0.2, b=0.3)),
        ("normal_", dict(mean=0.1, std=0.02)),
        ("xavier_uniform_", dict(gain=1.3)),
        ("xavier_normal_", dict()),
        ("kaiming_uniform_", dict(a=5**0.5)),
        ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu")),
    ):
        a, t = mt.empty(6, 10), torch.empty(6, 10)
        same(getattr(nn.init, fn)(a, **kw), getattr(torch.nn.init, fn)(t, **kw))
    a, t = mt.empty(50, 8), torch.empty(50, 8)
    np.testing.assert_allclose(
        nn.init.trunc_normal_(a, std=0.5)._data, torch.nn.init.trunc_normal_(t, std=0.5), atol=1e-6
    )
    a, t = mt.empty(6, 10), torch.empty(6, 10)
    np.testing.assert_allclose(nn.init.orthogonal_(a)._data, torch.nn.init.orthogonal_(t), atol=1e-5)
    same_state()


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_masks(seed):
    x = np.linspace(-2, 2, 3 * 4 * 5 * 6).astype(np.float32).reshape(3, 4, 5, 6)
    both(seed)
    for p in (0.1, 0.5, 0.9):
        same(F.dropout(mt.tensor(x), p), torch.nn.functional.dropout(torch.tensor(x), p))
        same(F.dropout2d(mt.tensor(x), p), torch.nn.functional.dropout2d(torch.tensor(x), p))
    same(nn.Dropout(0.2)(mt.tensor(x)), torch.nn.Dropout(0.2)(torch.tensor(x)))
    same_state()


@pytest.mark.parametrize("seed", SEEDS)
def test_dataloader_shuffle_and_samplers(seed):
    data = np.arange(37.0, dtype=np.float32)
    both(seed)
    ml = DataLoader(TensorDataset(mt.tensor(data)), batch_size=5, shuffle=True)
    tl = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(data)), batch_size=5, shuffle=True
    )
    for _ in range(2):  # two epochs: a fresh seed each
        same(np.concatenate([b[0]._data for b in ml]), np.concatenate([b[0].numpy() for b in tl]))
    same(mt.rand(3), torch.rand(3))  # the draws after the epochs agree too
    g, tg = mt.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    ml = DataLoader(TensorDataset(mt.tensor(data)), batch_size=4, shuffle=True, generator=g)
    tl = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(data)), batch_size=4, shuffle=True, generator=tg
    )
    same(np.concatenate([b[0]._data for b in ml]), np.concatenate([b[0].numpy() for b in tl]))
    split = mt.utils.data.random_split(range(20), [0.3, 0.7])
    tsplit = torch.utils.data.random_split(range(20), [0.3, 0.7])
    assert [list(s) for s in split] == [list(s) for s in tsplit]
    sub = list(mt.utils.data.SubsetRandomSampler([3, 1, 4, 1, 5, 9]))
    assert sub == list(torch.utils.data.SubsetRandomSampler([3, 1, 4, 1, 5, 9]))
    w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    for repl in (True, False):
        got = list(mt.utils.data.WeightedRandomSampler(w, 5, replacement=repl))
        assert got == list(torch.utils.data.WeightedRandomSampler(w, 5, replacement=repl))
    rs = list(mt.utils.data.RandomSampler(range(10), replacement=True, num_samples=45))
    assert rs == list(torch.utils.data.RandomSampler(range(10), replacement=True, num_samples=45))
    ds = DistributedSampler(range(11), num_replicas=2, rank=1, seed=seed)
    tds = torch.utils.data.distributed.DistributedSampler(range(11), num_replicas=2, rank=1, seed=seed)
    ds.set_epoch(3)
    tds.set_epoch(3)
    assert list(ds) == list(tds)
    same_state()


def test_a_seeded_script_prints_the_same_numbers():
    """The README's quick start: data, model, training; every number equal to torch's."""

    def run(lib):
        lib.manual_seed(0)
        x = lib.randn(64, 2)
        y = (x[:, 0] * x[:, 1] > 0).long()
        model = lib.nn.Sequential(
            lib.nn.Linear(2, 16), lib.nn.ReLU(), lib.nn.Dropout(0.1), lib.nn.Linear(16, 2)
        )
        for _ in range(3):  # plain SGD by hand (torch.optim's first use costs seconds of imports)
            loss = lib.nn.functional.cross_entropy(model(x), y)
            model.zero_grad()
            loss.backward()
            with lib.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
        return loss.item(), lib.rand(2).tolist()

    a, t = run(mt), run(torch)
    assert a[1] == t[1]
    assert abs(a[0] - t[0]) < 1e-6


@pytest.mark.parametrize("name", ["bfloat16", "float16"])
def test_half_types(name):
    both(3)
    tdt, mdt = getattr(torch, name), getattr(mt, name)
    for size in ((7,), (40,), (48,)):
        for fn in ("rand", "randn"):
            a, t = getattr(mt, fn)(*size, dtype=mdt), getattr(torch, fn)(*size, dtype=tdt)
            np.testing.assert_array_equal(a._data.astype(np.float32), t.float().numpy())
        a, t = mt.empty(size, dtype=mdt).normal_(0.3, 0.7), torch.empty(size, dtype=tdt).normal_(0.3, 0.7)
        np.testing.assert_array_equal(a._data.astype(np.float32), t.float().numpy())
    same_state()


def test_fork_rng_restores_the_stream():
    mt.manual_seed(4)
    with mt.random.fork_rng():
        mt.randn(100)
    torch.manual_seed(4)
    same(mt.randn(5), torch.randn(5))


def test_errors_match_torch():
    cases = [
        (lambda lib: lib.randperm(-1)),
        (lambda lib: lib.empty(3).uniform_(2, 1)),
        (lambda lib: lib.empty(3).normal_(0, -1)),
        (lambda lib: lib.empty(3).bernoulli_(1.5)),
        (lambda lib: lib.empty(3).exponential_(-1)),
        (lambda lib: lib.randint(5, 5, (2,))),
    ]
    for case in cases:
        with pytest.raises(RuntimeError) as et:
            case(torch)
        with pytest.raises(RuntimeError) as em:
            case(mt)
        assert str(em.value) == str(et.value)
