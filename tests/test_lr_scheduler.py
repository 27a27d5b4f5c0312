"""LR schedulers against torch.optim.lr_scheduler: the lr (and momentum / beta1) sequence over 30
steps is the same, for every scheduler and its main options; state_dict resumes the sequence."""

from __future__ import annotations

import copy
import math
import warnings

import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import optim
from minitorch.optim import lr_scheduler as mls

N_STEPS = 30


def _opt(lib, opt_name="SGD", two_groups=True, **kw):
    """An optimizer over two param groups with different lrs."""
    mod = torch if lib == "torch" else mt
    o = torch.optim if lib == "torch" else optim
    a, b = mod.zeros(2, requires_grad=True), mod.zeros(3, requires_grad=True)
    kw = dict(dict(lr=0.1, momentum=0.9) if opt_name == "SGD" else dict(lr=0.1), **kw)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.03}] if two_groups else [a, b]
    return getattr(o, opt_name)(groups, **kw)


def _sequence(lib, make, opt_name="SGD", metrics=None, n=N_STEPS):
    """lrs (and momentum/beta1) after construction and after each of n steps."""
    opt = _opt(lib, opt_name)
    sched = make(opt, torch.optim.lr_scheduler if lib == "torch" else mls)
    seq = []

    def record():
        g = opt.param_groups
        mom = [grp["momentum"] if "momentum" in grp else grp["betas"][0] for grp in g]
        seq.append((list(sched.get_last_lr()), [grp["lr"] for grp in g], mom))

    record()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n):
            opt.step()
            sched.step() if metrics is None else sched.step(metrics[i])
            record()
    return seq


SCHEDULERS = {
    "StepLR": lambda o, S: S.StepLR(o, step_size=4),
    "StepLR-gamma": lambda o, S: S.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda o, S: S.MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.3),
    "ExponentialLR": lambda o, S: S.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda o, S: S.CosineAnnealingLR(o, T_max=10),
    "CosineAnnealingLR-eta_min": lambda o, S: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "LambdaLR": lambda o, S: S.LambdaLR(o, lambda e: 0.95**e),
    "LambdaLR-per-group": lambda o, S: S.LambdaLR(
        o, [lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 5)]
    ),
    "MultiplicativeLR": lambda o, S: S.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.0),
    "ConstantLR": lambda o, S: S.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda o, S: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=8),
    "PolynomialLR": lambda o, S: S.PolynomialLR(o, total_iters=20, power=2.0),
    "CosineAnnealingWarmRestarts": lambda o, S: S.CosineAnnealingWarmRestarts(
        o, T_0=5, T_mult=2, eta_min=1e-4
    ),
    "SequentialLR": lambda o, S: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=25)], milestones=[5]
    ),
    "OneCycleLR": lambda o, S: S.OneCycleLR(o, max_lr=1.0, total_steps=N_STEPS),
    "OneCycleLR-per-group": lambda o, S: S.OneCycleLR(
        o, max_lr=[1.0, 0.5], epochs=3, steps_per_epoch=10, base_momentum=[0.8, 0.7], max_momentum=0.9
    ),
    "OneCycleLR-linear": lambda o, S: S.OneCycleLR(
        o, max_lr=0.5, total_steps=N_STEPS, anneal_strategy="linear"
    ),
    "OneCycleLR-three-phase": lambda o, S: S.OneCycleLR(
        o,
        max_lr=0.5,
        total_steps=N_STEPS,
        three_phase=True,
        pct_start=0.25,
        div_factor=10.0,
        final_div_factor=100.0,
    ),
    "OneCycleLR-no-momentum": lambda o, S: S.OneCycleLR(
        o, max_lr=0.5, total_steps=N_STEPS, cycle_momentum=False
    ),
    "CyclicLR": lambda o, S: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR-triangular2": lambda o, S: S.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2"
    ),
    "CyclicLR-exp_range": lambda o, S: S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.9, base_momentum=0.7
    ),
    "CyclicLR-scale_fn": lambda o, S: S.CyclicLR(
        o,
        0.01,
        0.1,
        step_size_up=2,
        scale_fn=lambda x: 1 / (x + 1),
        scale_mode="iterations",
        cycle_momentum=False,
    ),
    "ChainedScheduler": lambda o, S: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)]
    ),
}


@needs_torch
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_matches_torch(name, opt_name):
    make = SCHEDULERS[name]
    assert _sequence("mt", make, opt_name) == _sequence("torch", make, opt_name)


PLATEAU = {
    "default": dict(),
    "patience-factor": dict(patience=2, factor=0.5),
    "cooldown-min_lr": dict(patience=1, factor=0.5, cooldown=2, min_lr=0.01),
    "min_lr-per-group": dict(patience=0, factor=0.3, min_lr=[0.02, 0.001]),
    "abs-threshold": dict(patience=1, threshold=0.05, threshold_mode="abs"),
    "max-mode": dict(mode="max", patience=1, factor=0.7),
    "max-abs": dict(mode="max", patience=1, threshold=0.02, threshold_mode="abs"),
    "eps": dict(patience=0, factor=0.9, eps=0.01),
}


@needs_torch
@pytest.mark.parametrize("name", list(PLATEAU))
def test_reduce_lr_on_plateau_matches_torch(name):
    kw = PLATEAU[name]
    # improves, plateaus (with noise smaller and larger than the threshold), improves again
    metrics = [1.0, 0.8, 0.7, 0.7, 0.69999, 0.71, 0.7, 0.65, 0.66, 0.66, 0.649, 0.6, 0.6, 0.6, 0.61]
    metrics += [0.5 + 0.01 * math.sin(i) for i in range(N_STEPS - len(metrics))]
    if kw.get("mode") == "max":
        metrics = [-m for m in metrics]
    make = lambda o, S: S.ReduceLROnPlateau(o, **kw)
    assert _sequence("mt", make, metrics=metrics) == _sequence("torch", make, metrics=metrics)


@needs_torch
def test_reduce_lr_on_plateau_accepts_tensor_metric():
    opt = _opt("mt")
    s = mls.ReduceLROnPlateau(opt, patience=0)
    s.step(mt.tensor(1.0))
    s.step(mt.tensor(2.0))
    assert s.get_last_lr() == pytest.approx([0.01, 0.003])


@needs_torch
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR", "LambdaLR"])
def test_state_dict_resumes_the_sequence(name):
    make = SCHEDULERS[name]
    full = _sequence("mt", make)
    opt = _opt("mt")
    sched = make(opt, mls)
    for _ in range(10):
        opt.step()
        sched.step()
    opt_sd, sched_sd = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    assert "optimizer" not in sched_sd
    opt2 = _opt("mt")
    sched2 = make(opt2, mls)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    assert sched2.get_last_lr() == full[10][0]
    for i in range(11, N_STEPS + 1):
        opt2.step()
        sched2.step()
        assert sched2.get_last_lr() == full[i][0]


def test_initial_lr_and_base_lrs():
    opt = _opt("mt")
    s = mls.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
    assert s.base_lrs == [0.1, 0.03] and s.last_epoch == 0 and s.get_last_lr() == [0.1, 0.03]
    with pytest.raises(KeyError, match="initial_lr"):
        mls.StepLR(_opt("mt"), step_size=2, last_epoch=3)


def test_step_before_optimizer_step_warns():
    opt = _opt("mt")
    s = mls.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match=r"optimizer.step\(\)"):
        s.step()
    opt2 = _opt("mt")
    s2 = mls.ExponentialLR(opt2, gamma=0.5)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2.step()


@needs_torch
@pytest.mark.parametrize(
    "make",
    [
        lambda o, S: S.StepLR(o, step_size=3, gamma=0.5),
        lambda o, S: S.MultiStepLR(o, milestones=[2, 5]),
        lambda o, S: S.ExponentialLR(o, gamma=0.9),
        lambda o, S: S.CosineAnnealingLR(o, T_max=6),
        lambda o, S: S.LinearLR(o, total_iters=4),
        lambda o, S: S.ConstantLR(o, factor=0.25, total_iters=4),
        lambda o, S: S.PolynomialLR(o, total_iters=6, power=2.0),
        lambda o, S: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.001),
        lambda o, S: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=3),
    ],
)
def test_step_with_epoch_uses_closed_form_like_torch(make):
    out = {}
    for lib, S in (("mt", mls), ("torch", torch.optim.lr_scheduler)):
        opt = _opt(lib)
        s = make(opt, S)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # every epoch up to past the last boundary (each side of every step), then jumps back and forth
            for e in [*range(16), 3, 7, 1, 4, 2, 9, 5, 0, 30]:
                opt.step()
                s.step(e)
                seq.append(s.get_last_lr())
        out[lib] = seq
    assert out["mt"] == out["torch"]


@pytest.mark.parametrize(
    "make,exc,msg",
    [
        (lambda o: mls.StepLR("not an optimizer", 2), TypeError, "str is not an Optimizer"),
        (lambda o: mls.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
        (lambda o: mls.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
        (lambda o: mls.ReduceLROnPlateau(o, mode="avg"), ValueError, "mode avg is unknown!"),
        (lambda o: mls.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
        (lambda o: mls.OneCycleLR(o, max_lr=1.0), ValueError, "You must define either total_steps OR"),
        (
            lambda o: mls.OneCycleLR(o, max_lr=1.0, total_steps=0),
            ValueError,
            "Expected positive integer total_steps",
        ),
        (lambda o: mls.OneCycleLR(o, max_lr=1.0, total_steps=5, pct_start=1), ValueError, "pct_start"),
        (lambda o: mls.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="exp"), ValueError, "anneal"),
        (
            lambda o: mls.OneCycleLR(o, max_lr=[1.0], total_steps=5),
            ValueError,
            "max_lr must have the same length",
        ),
        (lambda o: mls.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor"),
        (lambda o: mls.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0"),
    ],
)
def test_errors(make, exc, msg):
    with pytest.raises(exc, match=msg):
        make(_opt("mt"))


def test_one_cycle_past_total_steps_raises():
    opt = _opt("mt")
    s = mls.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        opt.step()
        s.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        s.step()


def test_one_cycle_without_momentum_option_raises():
    p = mt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        mls.OneCycleLR(optim.Adagrad([p]), max_lr=1.0, total_steps=5)


@needs_torch
@pytest.mark.parametrize("name", mls.__all__)
def test_signature_mirrors_torch(name):
    import inspect

    ours = inspect.signature(getattr(mls, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.optim.lr_scheduler, name).__init__).parameters
    assert [(k, v.default) for k, v in ours.items()] == [(k, v.default) for k, v in theirs.items()]


@pytest.mark.parametrize(
    "name",
    [
        "StepLR",
        "MultiStepLR",
        "CosineAnnealingLR",
        "OneCycleLR-three-phase",
        "SequentialLR",
        "LambdaLR",
        "plateau",
    ],
)
def test_state_dict_survives_minitorch_save(name):
    """Scheduler + optimizer state through minitorch.save / load, then the sequence goes on."""
    import io

    from minitorch.serialization import load, save

    if name == "plateau":
        make = lambda o, S: S.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1)
        metrics = [1.0 / (1 + (i % 7)) for i in range(N_STEPS)]
    else:
        make, metrics = SCHEDULERS[name], None
    full = _sequence("mt", make, metrics=metrics)
    opt = _opt("mt")
    sched = make(opt, mls)
    for i in range(12):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[i])
    buf = io.BytesIO()
    save({"opt": opt.state_dict(), "sched": sched.state_dict()}, buf)
    buf.seek(0)
    ckpt = load(buf)
    opt2 = _opt("mt")
    sched2 = make(opt2, mls)
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    for i in range(12, N_STEPS):
        opt2.step()
        sched2.step() if metrics is None else sched2.step(metrics[i])
        assert sched2.get_last_lr() == full[i + 1][0]
    if name == "MultiStepLR":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched2.step(25)  # the closed form needs milestones to be a Counter again
        assert sched2.get_last_lr() == pytest.approx([0.1 * 0.3**4, 0.03 * 0.3**4])
