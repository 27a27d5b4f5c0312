"""Optimizers against torch.optim: same initial weights and data, 50 steps, same parameters, state
and losses (float32 rtol 1e-4, float64 rtol 1e-8); plus the Optimizer bookkeeping (param groups,
state_dict round trips, validation errors)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch import optim

N_STEPS = 50
TOL64 = dict(rtol=1e-8, atol=1e-10)


def _init_arrays(dtype, seed=0):
    """Weights and data of a 4-8-2 tanh MLP, plus an unused parameter (its grad stays None)."""
    rng = np.random.default_rng(seed)
    shapes = {"w1": (4, 8), "b1": (8,), "w2": (8, 2), "b2": (2,), "unused": (3,)}
    params = {k: (rng.standard_normal(s) * 0.5).astype(dtype) for k, s in shapes.items()}
    x = rng.standard_normal((16, 4)).astype(dtype)
    y = rng.standard_normal((16, 2)).astype(dtype)
    return params, x, y


def _mlp_loss(p, x, y, sign=1.0):
    """mean((tanh(x @ w1 + b1) @ w2 + b2 - y)^2), written with tensor ops (works for both libraries)."""
    h = (x @ p["w1"] + p["b1"]).tanh()
    d = h @ p["w2"] + p["b2"] - y
    return (d * d).mean() * sign


def _run(lib, opt_cls, kwargs, arrays, n_steps=N_STEPS, groups=None):
    """Train the MLP for n_steps with one library; return (params, optimizer, losses)."""
    params0, x0, y0 = arrays
    if lib is torch:
        P = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params0.items()}
        x, y = torch.tensor(x0), torch.tensor(y0)
    else:
        P = {k: mt.tensor(v.copy(), requires_grad=True) for k, v in params0.items()}
        x, y = mt.tensor(x0), mt.tensor(y0)
    if groups is None:
        spec = list(P.values())
    else:
        spec = [dict(g, params=[P[n] for n in g["params"]]) for g in groups]
    opt = opt_cls(spec, **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    losses = []
    for _ in range(n_steps):
        opt.zero_grad()
        loss = _mlp_loss(P, x, y, sign)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return P, opt, losses


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.5, maximize=True)),
    ("SGD", dict()),  # torch 2.x default lr=1e-3
    ("Adam", dict()),
    ("Adam", dict(lr=0.02)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("Adam", dict(lr=0.02, weight_decay=0.1)),
    ("Adam", dict(lr=0.02, maximize=True)),
    ("AdamW", dict(lr=0.02)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.02, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.005, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5)),
    ("Adadelta", dict(weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.02, betas=(0.8, 0.9), weight_decay=0.1)),
    ("Adamax", dict(lr=0.02, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.02, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.02, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.02, weight_decay=0.1)),
    ("RAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.02, betas=(0.5, 0.9), maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-2, alpha=0.5, t0=10, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=5, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1))),
    ("Rprop", dict(maximize=True)),
]


def _ids(case):
    name, kw = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in kw.items()) + ")"


def _compare_state(mt_opt, t_opt, tol):
    ms, ts = mt_opt.state_dict(), t_opt.state_dict()
    assert sorted(ms["state"]) == sorted(ts["state"])
    for idx, tstate in ts["state"].items():
        mstate = ms["state"][idx]
        assert list(mstate) == list(tstate), (idx, list(mstate), list(tstate))
        for key, tv in tstate.items():
            if key == "step":
                assert float(mstate[key]) == float(tv)
                assert mstate[key].dtype.name == str(tv.dtype).split(".")[1]
            else:
                assert_close(mstate[key], tv, **tol)


@needs_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_torch_after_50_steps(case, dtype):
    name, kwargs = case
    if dtype is np.float64:
        mt.set_default_dtype(mt.float64)  # step counters are float64 then, as in torch
        torch.set_default_dtype(torch.float64)
    try:
        arrays = _init_arrays(dtype)
        tP, topt, tl = _run(torch, getattr(torch.optim, name), kwargs, arrays)
        mP, mopt, ml = _run(mt, getattr(optim, name), kwargs, arrays)
    finally:
        torch.set_default_dtype(torch.float32)
    tol = TOL64 if dtype is np.float64 else {}
    for k in tP:
        assert_close(mP[k], tP[k], **tol)
    np.testing.assert_allclose(ml, tl, rtol=1e-8 if dtype is np.float64 else 1e-4)
    _compare_state(mopt, topt, tol)
    assert mP["unused"].grad is None and np.array_equal(mP["unused"]._data, arrays[0]["unused"])


@needs_torch
@pytest.mark.parametrize(
    "name,groups,kwargs",
    [
        ("SGD", [dict(params=["w1", "b1"], lr=0.2, momentum=0.9), dict(params=["w2", "b2"])], dict(lr=0.05)),
        (
            "Adam",
            [dict(params=["w1", "b1"], lr=0.05, amsgrad=True), dict(params=["w2", "b2"], betas=(0.5, 0.9))],
            {},
        ),
        (
            "RMSprop",
            [dict(params=["w1", "b1", "w2"], centered=True), dict(params=["b2"], lr=0.02)],
            dict(lr=0.003),
        ),
    ],
)
def test_param_groups_with_own_options_match_torch(name, groups, kwargs):
    arrays = _init_arrays(np.float64)
    tP, topt, _ = _run(torch, getattr(torch.optim, name), kwargs, arrays, groups=groups)
    mP, mopt, _ = _run(mt, getattr(optim, name), kwargs, arrays, groups=groups)
    for k in ("w1", "b1", "w2", "b2"):
        assert_close(mP[k], tP[k], **TOL64)
    tsd, msd = topt.state_dict(), mopt.state_dict()
    assert [g["params"] for g in msd["param_groups"]] == [g["params"] for g in tsd["param_groups"]]
    for mg, tg in zip(msd["param_groups"], tsd["param_groups"]):
        for key, v in mg.items():
            assert tg[key] == v, key


@needs_torch
def test_quadratic_with_closure_matches_torch():
    """A convex quadratic 0.5 x^T A x - b^T x, the loss recomputed by a closure each step."""
    rng = np.random.default_rng(1)
    m = rng.standard_normal((5, 5))
    a, b, x0 = m @ m.T / 5 + np.eye(5), rng.standard_normal(5), rng.standard_normal(5)

    def run(lib, opt_cls):
        x = lib.tensor(x0.copy(), requires_grad=True)
        A, B = lib.tensor(a), lib.tensor(b)
        opt = opt_cls([x], lr=0.1, momentum=0.9, nesterov=True)

        def closure():
            opt.zero_grad()
            loss = 0.5 * (x @ (A @ x)) - B @ x
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(N_STEPS)]
        return x, losses

    tx, tl = run(torch, torch.optim.SGD)
    mx, ml = run(mt, optim.SGD)
    assert_close(mx, tx, **TOL64)
    np.testing.assert_allclose(ml, tl, rtol=1e-10)
    np.testing.assert_allclose(mx._data, np.linalg.solve(a, b), atol=1e-2)  # and it converges


@needs_torch
def test_load_torch_optimizer_state_dict_continues_like_torch():
    """A torch Adam state_dict converted with .numpy() loads into minitorch and the runs go on together."""
    arrays = _init_arrays(np.float32)
    tP, topt, _ = _run(torch, torch.optim.Adam, dict(lr=0.02, amsgrad=True), arrays, n_steps=10)
    sd = topt.state_dict()
    conv = {
        "state": {i: {k: mt.tensor(v.numpy()) for k, v in s.items()} for i, s in sd["state"].items()},
        "param_groups": sd["param_groups"],
    }
    mP = {k: mt.tensor(v.detach().numpy().copy(), requires_grad=True) for k, v in tP.items()}
    mopt = optim.Adam(list(mP.values()), lr=0.02, amsgrad=True)
    mopt.load_state_dict(conv)
    params0, x0, y0 = arrays
    x, y = (torch.tensor(x0), torch.tensor(y0)), (mt.tensor(x0), mt.tensor(y0))
    for _ in range(10):
        for P, opt, (xx, yy) in ((tP, topt, x), (mP, mopt, y)):
            opt.zero_grad()
            _mlp_loss(P, xx, yy).backward()
            opt.step()
    for k in tP:
        assert_close(mP[k], tP[k])
    _compare_state(mopt, topt, {})


# --- bookkeeping ---
def _leaf(*shape):
    return mt.randn(*shape, requires_grad=True)


def _step_all(opt, params):
    for p in params:
        p.grad = mt.ones_like(p)
    opt.step()


def test_state_created_on_first_step_and_state_dict_layout():
    a, b, c = _leaf(2, 3), _leaf(3), _leaf(4)
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    assert len(opt.state) == 0
    _step_all(opt, [a, b])  # c gets no grad: skipped, no state
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 1]
    assert list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq"]
    assert isinstance(sd["state"][0]["step"], mt.Tensor) and sd["state"][0]["step"].item() == 1.0
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert opt.state[a] is not None and c not in opt.state


def test_sgd_without_momentum_keeps_no_state():
    p = _leaf(3)
    opt = optim.SGD([p], lr=0.1)
    _step_all(opt, [p])
    assert opt.state_dict()["state"] == {}


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
def test_state_dict_round_trip_resumes_bit_identically(name):
    kw = dict(lr=0.01, momentum=0.9) if name in ("SGD", "RMSprop") else dict(lr=0.01)
    arrays = _init_arrays(np.float32)
    ref_P, ref_opt, ref_losses = _run(mt, getattr(optim, name), kw, arrays, n_steps=20)

    P, opt, losses = _run(mt, getattr(optim, name), kw, arrays, n_steps=10)
    sd = copy.deepcopy(opt.state_dict())
    params_copy = {k: mt.tensor(v._data.copy(), requires_grad=True) for k, v in P.items()}
    del P, opt
    new_opt = getattr(optim, name)(list(params_copy.values()), **kw)
    new_opt.load_state_dict(sd)
    x, y = mt.tensor(arrays[1]), mt.tensor(arrays[2])
    for _ in range(10):
        new_opt.zero_grad()
        loss = _mlp_loss(params_copy, x, y)
        loss.backward()
        new_opt.step()
        losses.append(loss.item())
    assert losses == ref_losses
    for k in ref_P:
        assert np.array_equal(params_copy[k]._data, ref_P[k]._data)


def test_load_state_dict_deep_copies_and_casts():
    p = _leaf(3)
    opt = optim.Adam([p], lr=0.1)
    _step_all(opt, [p])
    sd = opt.state_dict()
    q = mt.randn(3, dtype=mt.float64, requires_grad=True)
    opt2 = optim.Adam([q], lr=0.1)
    opt2.load_state_dict(sd)
    st = opt2.state[q]
    assert st["exp_avg"].dtype == mt.float64 and st["step"].dtype == mt.float32
    sd["state"][0]["exp_avg"]._data[:] = 123.0
    sd["param_groups"][0]["lr"] = 7.0
    assert not np.any(st["exp_avg"]._data == 123.0)
    assert opt2.param_groups[0]["lr"] == 0.1
    assert opt2.param_groups[0]["params"] == [q]


def test_load_state_dict_validates_before_changing_anything():
    a, b = _leaf(2), _leaf(2)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    _step_all(opt, [a, b])
    before = copy.deepcopy(opt.state_dict())
    one = optim.SGD([a], lr=0.5, momentum=0.9)
    _step_all(one, [a])
    two_groups = optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.5, momentum=0.9)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups.state_dict())
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(one.state_dict())
    bad = copy.deepcopy(before)
    bad["state"][1]["momentum_buffer"] = mt.zeros(5)
    bad["param_groups"][0]["lr"] = 9.0
    with pytest.raises(ValueError, match=r"shape \[5\] for parameter 1 of shape \[2\]"):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for i in (0, 1):
        assert np.array_equal(
            after["state"][i]["momentum_buffer"]._data, before["state"][i]["momentum_buffer"]._data
        )


def test_zero_grad():
    p = _leaf(3)
    opt = optim.SGD([p], lr=0.1)
    p.grad = mt.ones(3)
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and np.array_equal(g._data, np.zeros(3, np.float32))
    opt.zero_grad()
    assert p.grad is None


def test_step_updates_in_place_and_bumps_version():
    p = _leaf(3)
    data, v0 = p._data, p._version
    y = (p * p).sum()  # saves p for backward
    opt = optim.SGD([p], lr=0.1)
    _step_all(opt, [p])
    assert p._data is data and p._version > v0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_add_param_group():
    a, b = _leaf(2), _leaf(2)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {_leaf(1)}})
    assert len(opt.param_groups) == 2


def test_named_parameters_are_accepted():
    a, b = _leaf(2), _leaf(2)
    opt = optim.Adam([("a", a), ("b", b)])
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.param_groups[0]["params"] == [a, b]


@pytest.mark.parametrize(
    "make,exc,msg",
    [
        (lambda p: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda p: optim.SGD(p, lr=0.1), TypeError, "iterable of Tensors or dicts"),
        (lambda p: optim.SGD([p], lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
        (lambda p: optim.SGD([p], momentum=-1), ValueError, "Invalid momentum value: -1"),
        (lambda p: optim.SGD([p], weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
        (
            lambda p: optim.SGD([p], nesterov=True),
            ValueError,
            "Nesterov momentum requires a momentum and zero dampening",
        ),
        (lambda p: optim.SGD([p], momentum=0.9, dampening=0.1, nesterov=True), ValueError, "zero dampening"),
        (lambda p: optim.Adam([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
        (lambda p: optim.Adam([p], betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
        (lambda p: optim.Adam([p], betas=(0.9, -0.1)), ValueError, "Invalid beta parameter at index 1: -0.1"),
        (lambda p: optim.AdamW([p], eps=-1e-8), ValueError, "Invalid epsilon value: -1e-08"),
        (lambda p: optim.RMSprop([p], alpha=-0.5), ValueError, "Invalid alpha value: -0.5"),
        (lambda p: optim.Adagrad([p], lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
        (lambda p: optim.Adadelta([p], rho=1.5), ValueError, "Invalid rho value: 1.5"),
        (lambda p: optim.SGD([p * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda p: optim.SGD([p, 3.0], lr=0.1), TypeError, "optimizer can only optimize Tensors"),
    ],
)
def test_validation_errors(make, exc, msg):
    p = _leaf(3)
    with pytest.raises(exc, match=msg):
        make(p)


@needs_torch
def test_validation_error_messages_match_torch():
    tp, mp = torch.zeros(2, requires_grad=True), mt.zeros(2, requires_grad=True)
    for args in [dict(lr=-0.1), dict(lr=0.1, momentum=-0.5), dict(lr=0.1, nesterov=True)]:
        with pytest.raises(ValueError) as te:
            torch.optim.SGD([tp], **args)
        with pytest.raises(ValueError) as me:
            optim.SGD([mp], **args)
        assert str(me.value) == str(te.value)


def test_repr_lists_group_options():
    r = repr(optim.SGD([_leaf(2)], lr=0.1))
    assert r.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in r and "momentum: 0" in r


@needs_torch
@pytest.mark.parametrize(
    "name",
    ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"],
)
def test_signature_mirrors_torch(name):
    """Same parameter names, order, kinds and defaults as torch (so positional calls port too)."""
    import inspect

    ours = inspect.signature(getattr(optim, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.optim, name).__init__).parameters
    assert [(k, v.kind, v.default) for k, v in ours.items()] == [
        (k, v.kind, v.default) for k, v in theirs.items()
    ]


def test_torch_only_flags():
    p = _leaf(2)
    optim.Adam([p], foreach=True, fused=False)  # performance hints: accepted, nothing to do
    optim.SGD([p], foreach=False)
    with pytest.raises(ValueError, match="differentiable=True is not supported"):
        optim.SGD([p], differentiable=True)
    with pytest.raises(ValueError, match="capturable=True is not supported"):
        optim.AdamW([p], capturable=True)


def test_user_defined_optimizer_subclass():
    """A torch-style custom optimizer built on the base class works with schedulers (no warning)."""
    import warnings

    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            with mt.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            self.state[p]["n"] = self.state[p].get("n", 0) + 1
                            p.sub_(p.grad * group["lr"])

    p = mt.tensor([1.0, -2.0], requires_grad=True)
    opt = PlainSGD([p], lr=0.5)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            opt.zero_grad()
            (p * p).sum().backward()
            opt.step()
            sched.step()
    assert np.array_equal(p._data, [0.0, 0.0])  # lr 0.5 on x^2 jumps straight to the minimum
    assert opt.state_dict()["state"] == {0: {"n": 2}} and opt.param_groups[0]["lr"] == 0.125


@needs_torch
@pytest.mark.parametrize(
    "name",
    ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta", "RMSprop", "ASGD", "Rprop"],
)
def test_param_group_keys_and_flags_as_torch(name):
    """Every optimizer's param group holds torch's keys, foreach/fused/capturable/differentiable
    included (scripts and checkpoints read them)."""
    t = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], lr=0.1).param_groups[0]
    m = getattr(mt.optim, name)([mt.nn.Parameter(mt.ones(2))], lr=0.1).param_groups[0]
    assert set(t) == set(m)
    assert {k: v for k, v in t.items() if k != "params"} == {k: v for k, v in m.items() if k != "params"}
