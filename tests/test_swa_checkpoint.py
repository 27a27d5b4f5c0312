"""torch.optim.swa_utils (AveragedModel with SWA/EMA averaging, SWALR, update_bn),
torch.utils.checkpoint (reentrant recompute and non-reentrant) and torch.utils.benchmark.Timer,
against torch."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch


def _model(lib):
    m = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
    with lib.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(lib.tensor(np.random.default_rng(i).standard_normal(tuple(p.shape)).astype(np.float32)))
    return m


def _swa_run(lib, kind):
    swa = importlib.import_module(lib.__name__ + ".optim.swa_utils")
    model = _model(lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    if kind == "ema":
        avg = swa.AveragedModel(model, multi_avg_fn=swa.get_ema_multi_avg_fn(0.9), use_buffers=True)
    elif kind == "ema_fn":
        avg = swa.AveragedModel(model, avg_fn=swa.get_ema_avg_fn(0.8))
    else:
        avg = swa.AveragedModel(model)
    sched = swa.SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos" if kind != "ema" else "linear")
    rng = np.random.default_rng(0)
    xs = [lib.tensor(rng.standard_normal((8, 3)).astype(np.float32)) for _ in range(6)]
    lrs = []
    for x in xs:
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
        avg.update_parameters(model)
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    swa.update_bn([(x, 0) for x in xs], avg)
    avg.eval()
    out = avg(xs[0])
    return [p.detach().numpy().copy() for p in avg.state_dict().values()] + [
        out.detach().numpy(),
        np.array(lrs),
    ]


@pytest.mark.parametrize("kind", ["swa", "ema", "ema_fn"])
def test_averaged_model_swalr_update_bn_as_torch(kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _swa_run(mt, kind), _swa_run(torch, kind)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _checkpoint_run(lib, reentrant):
    cp = importlib.import_module(lib.__name__ + ".utils.checkpoint")
    m = _model(lib)
    drop = lib.nn.Dropout(0.5)
    x = lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3), requires_grad=True)
    lib.manual_seed(0)
    y = cp.checkpoint(lambda a: drop(m[2](m[1](m[0](a)))), x, use_reentrant=reentrant)
    out = m[3](y).sum()
    out.backward()
    # NOTE: dropout inside: the recomputation must draw the same mask (preserve_rng_state)
    ref_mask = (y.detach() != 0).numpy()
    return type(y.grad_fn).__name__, out.item(), x.grad.numpy(), m[0].weight.grad.numpy(), ref_mask


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_recomputes_with_the_same_values_and_grads(reentrant):
    name, out, gx, gw, mask = _checkpoint_run(mt, reentrant)
    # against the same computation without checkpointing (minitorch's own draws)
    m = _model(mt)
    drop = mt.nn.Dropout(0.5)
    x = mt.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3), requires_grad=True)
    mt.manual_seed(0)
    y = drop(m[2](m[1](m[0](x))))
    ref = m[3](y).sum()
    ref.backward()
    np.testing.assert_allclose(out, ref.item(), rtol=1e-6)
    np.testing.assert_allclose(gx, x.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gw, m[0].weight.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert name == ("CheckpointFunctionBackward" if reentrant else "MulBackward0")


def test_checkpoint_without_dropout_matches_torch_and_warns_like_torch():
    res = []
    for lib in (mt, torch):
        cp = importlib.import_module(lib.__name__ + ".utils.checkpoint")
        m = _model(lib)
        x = lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3), requires_grad=True)
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
            y = cp.checkpoint(lambda a, m=m: m[1](m[0](a)), x)
        z = cp.checkpoint_sequential(m, 2, x, use_reentrant=True)
        (y.pow(2).sum() + z.sum()).backward()
        res.append((z.detach().numpy(), x.grad.numpy(), m[0].weight.grad.numpy()))
    for a, b in zip(*res):  # NOTE: float32 BatchNorm backward: sums with cancellation
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="Unexpected keyword arguments"):
        mt.utils.checkpoint.checkpoint(lambda a, k: a, mt.ones(1), use_reentrant=True, k=1)


def test_benchmark_timer_measures_and_prints_like_torch():
    t = mt.utils.benchmark.Timer(stmt="x * 2", setup="x = torch.ones(10)", globals={"torch": mt}, label="mul")
    m = t.timeit(200)
    assert m.number_per_run == 200 and len(m.times) == 1 and m.mean > 0 and m.iqr == 0.0
    assert "mul" in repr(m) and "1 measurement, 200 runs" in repr(m)
    b = t.blocked_autorange(min_run_time=0.02)
    assert sum(b.raw_times) >= 0.02 and b.median > 0
