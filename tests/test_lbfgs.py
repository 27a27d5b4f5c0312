"""optim.LBFGS against torch.optim.LBFGS, step by step in float64 (minitorch/optim/lbfgs.py)."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import needs_torch, torch


def _problem(lib, name):
    """Parameters and loss function of a test problem, built identically for both libraries."""
    rng = np.random.default_rng(0)
    if name == "rosenbrock":
        x = lib.tensor([-1.5, 2.0], dtype=lib.float64, requires_grad=True)
        return [x], lambda: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    X, Y = lib.tensor(rng.standard_normal((32, 3))), lib.tensor(rng.standard_normal((32, 1)))
    w1 = lib.tensor(rng.standard_normal((3, 8)) * 0.5, requires_grad=True)
    b1 = lib.tensor(np.zeros(8), requires_grad=True)
    w2 = lib.tensor(rng.standard_normal((8, 1)) * 0.5, requires_grad=True)
    return [w1, b1, w2], lambda: ((lib.tanh(X @ w1 + b1) @ w2 - Y) ** 2).mean()


def _run(lib, name, steps=4, state_from=None, **kw):
    params, f = _problem(lib, name)
    opt = lib.optim.LBFGS(params, **kw)
    if state_from is not None:
        for p, v in zip(params, state_from[0]):
            with lib.no_grad():
                p.copy_(lib.tensor(v))
        opt.load_state_dict(state_from[1])

    def closure():
        opt.zero_grad()
        loss = f()
        loss.backward()
        return loss

    trace = []
    for _ in range(steps):
        loss = opt.step(closure)
        st = opt.state[params[0]]
        trace.append(
            (
                float(loss.detach()),
                st["func_evals"],
                st["n_iter"],
                [p.detach().numpy().copy() for p in params],
            )
        )
    return trace, opt, params


CASES = [
    dict(),
    dict(lr=0.5, history_size=3, max_iter=7),
    dict(line_search_fn="strong_wolfe"),
    dict(line_search_fn="strong_wolfe", history_size=2, max_iter=5, max_eval=9),
    dict(lr=0.1, tolerance_change=1e-3, tolerance_grad=1e-3),
]


@needs_torch
@pytest.mark.parametrize("name", ["rosenbrock", "mlp"])
@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default")
def test_lbfgs_matches_torch_step_by_step(name, kw):
    # NOTE: Rosenbrock with a fixed unit step wanders far uphill at step 4, where the 1e-13 rounding
    # differences of the first steps have grown to 1e-4: three steps are compared there
    steps = 3 if name == "rosenbrock" and not kw else 4
    ours, _, _ = _run(mt, name, steps, **kw)
    ref, _, _ = _run(torch, name, steps, **kw)
    for (l1, fe1, it1, p1), (l2, fe2, it2, p2) in zip(ours, ref):
        assert (fe1, it1) == (fe2, it2)
        np.testing.assert_allclose(l1, l2, rtol=1e-6, atol=1e-10)
        for a, b in zip(p1, p2):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@needs_torch
def test_lbfgs_state_dict_resumes_like_an_uninterrupted_run():
    kw = dict(line_search_fn="strong_wolfe", history_size=4, max_iter=3)
    full, _, _ = _run(mt, "mlp", steps=4, **kw)
    half, opt, params = _run(mt, "mlp", steps=2, **kw)
    sd = opt.state_dict()
    assert sorted(sd["state"][0]) == sorted(_run(torch, "mlp", steps=2, **kw)[1].state_dict()["state"][0])
    resumed, _, _ = _run(mt, "mlp", steps=2, state_from=([p.detach().numpy() for p in params], sd), **kw)
    for (l1, _, _, p1), (l2, _, _, p2) in zip(resumed, full[2:]):
        np.testing.assert_allclose(l1, l2, rtol=1e-12)
        for a, b in zip(p1, p2):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert sd["param_groups"][0]["max_eval"] == 3 * 5 // 4


def test_lbfgs_errors_as_torch():
    p = mt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        mt.optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="per-parameter options"):
        mt.optim.LBFGS([{"params": [p]}, {"params": [mt.zeros(1, requires_grad=True)]}])
    opt = mt.optim.LBFGS([p], line_search_fn="bogus")

    def closure():
        opt.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_lbfgs_float32_converges_on_a_quadratic():
    target = mt.tensor([1.0, -2.0, 3.0])
    p = mt.zeros(3, requires_grad=True)
    opt = mt.optim.LBFGS([p], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(p.detach().numpy(), target.numpy(), atol=1e-5)
