"""Losses (functional and modules) against torch: values and gradients for every option,
float32 and float64, stability at huge logits, torch's errors, and the fused cross-entropy op
against the composed log_softmax + NLL (including second derivatives)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck

pytestmark = needs_torch
if torch is not None:
    import torch.nn.functional as TF

DTYPES = [np.float32, np.float64]


def _pair(a: np.ndarray, rg: bool, dtype):
    if a.dtype.kind == "f":
        a = a.astype(dtype)
    m = mt.tensor(a.copy(), requires_grad=rg)
    t = torch.tensor(a.copy(), requires_grad=rg)
    return m, t


def check(mt_fn, t_fn, arrays, requires_grad, dtype=np.float64, seed=0):
    """Same inputs to both; compare the output and the grads of a random upstream gradient."""
    pairs = [_pair(a, rg, dtype) for a, rg in zip(arrays, requires_grad)]
    out_m = mt_fn(*[p[0] for p in pairs])
    out_t = t_fn(*[p[1] for p in pairs])
    assert_close(out_m, out_t)
    if any(requires_grad):
        g = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(dtype)
        out_m.backward(mt.tensor(g))
        out_t.backward(torch.tensor(g))
        for (m, t), rg in zip(pairs, requires_grad):
            if rg:
                assert_close(m.grad, t.grad)
    return out_m


def _opt(x, lib):
    """A torch or minitorch tensor for an optional numpy argument."""
    if x is None:
        return None
    return mt.tensor(x) if lib == "mt" else torch.tensor(x)


# --- cross entropy / nll with class indices ---
CE_SHAPES = [((4, 5), (4,)), ((5,), ()), ((3, 4, 2, 3), (3, 2, 3))]


def _class_case(xshape, tshape, ignore, seed=0):
    rng = np.random.default_rng(seed)
    c = xshape[1] if len(xshape) > 1 else xshape[0]
    x = rng.standard_normal(xshape) * 2
    t = rng.integers(0, c, tshape).astype(np.int64)
    if ignore is not None and t.ndim:
        t.flat[0] = ignore
    w = rng.uniform(0.2, 2.0, c)
    return x, t, w


@pytest.mark.parametrize("shapes", CE_SHAPES)
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_cross_entropy_class_indices(shapes, use_weight, ignore_index, label_smoothing, reduction, dt):
    x, t, w = _class_case(*shapes, ignore=ignore_index)
    w = w if use_weight else None
    kw = dict(ignore_index=ignore_index, reduction=reduction, label_smoothing=label_smoothing)
    check(
        lambda a, b: F.cross_entropy(a, b, weight=_opt(None if w is None else w.astype(dt), "mt"), **kw),
        lambda a, b: TF.cross_entropy(a, b, weight=_opt(None if w is None else w.astype(dt), "t"), **kw),
        [x, t],
        [True, False],
        dt,
    )


@pytest.mark.parametrize("shapes", CE_SHAPES)
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_nll_loss(shapes, use_weight, ignore_index, reduction, dt):
    x, t, w = _class_case(*shapes, ignore=ignore_index)
    w = w if use_weight else None
    kw = dict(ignore_index=ignore_index, reduction=reduction)
    check(
        lambda a, b: F.nll_loss(a, b, weight=_opt(None if w is None else w.astype(dt), "mt"), **kw),
        lambda a, b: TF.nll_loss(a, b, weight=_opt(None if w is None else w.astype(dt), "t"), **kw),
        [x, t],
        [True, False],
        dt,
    )


@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 4, 3)])
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_cross_entropy_probability_targets(shape, use_weight, label_smoothing, reduction, dt):
    rng = np.random.default_rng(1)
    cdim = 1 if len(shape) > 1 else 0
    x = rng.standard_normal(shape)
    p = rng.uniform(size=shape)
    p = p / p.sum(axis=cdim, keepdims=True)
    w = rng.uniform(0.5, 2, shape[cdim]) if use_weight else None
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    # the target is differentiable too, as in torch
    check(
        lambda a, b: F.cross_entropy(a, b, weight=_opt(None if w is None else w.astype(dt), "mt"), **kw),
        lambda a, b: TF.cross_entropy(a, b, weight=_opt(None if w is None else w.astype(dt), "t"), **kw),
        [x, p],
        [True, True],
        dt,
    )


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_stable_for_huge_logits(dt, smoothing):
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [-1000.0, -1000.0, -1000.0]])
    t = np.array([0, 2, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = check(
            lambda a, b: F.cross_entropy(a, b, label_smoothing=smoothing),
            lambda a, b: TF.cross_entropy(a, b, label_smoothing=smoothing),
            [x, t],
            [True, False],
            dt,
        )
        assert np.isfinite(out.item())
        check(
            lambda a, b: F.nll_loss(F.log_softmax(a, 1), b),
            lambda a, b: TF.nll_loss(TF.log_softmax(a, 1), b),
            [x, t],
            [True, False],
            dt,
        )


def test_cross_entropy_all_targets_ignored_is_nan_like_torch():
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = np.array([-100, -100, -100])
    m = F.cross_entropy(mt.tensor(x), mt.tensor(t))
    assert np.isnan(m.item()) and np.isnan(TF.cross_entropy(torch.tensor(x), torch.tensor(t)).item())


def _composed_ce(x, t, weight, ignore_index, reduction, eps):
    """log_softmax + nll_loss + torch's label-smoothing term, from minitorch primitives."""
    logp = x.log_softmax(1)
    nll = F.nll_loss(logp, t, weight=weight, ignore_index=ignore_index, reduction=reduction)
    if eps == 0:
        return nll
    c = x.shape[1]
    valid = mt.tensor((t._data != ignore_index).astype(x._data.dtype))
    per_class = logp if weight is None else logp * weight
    smooth = -per_class.sum(1) * valid
    if reduction == "mean":
        tw = (
            valid
            if weight is None
            else mt.tensor(
                np.where(
                    t._data != ignore_index, weight._data[np.where(t._data != ignore_index, t._data, 0)], 0
                )
            )
        )
        smooth = smooth.sum() / tw.sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - eps) * nll + smooth * (eps / c)


@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.25])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_fused_cross_entropy_matches_composed(use_weight, eps, reduction):
    x_np, t_np, w_np = _class_case((5, 4), (5,), ignore=3)
    w = mt.tensor(w_np) if use_weight else None
    t = mt.tensor(t_np)
    xa = mt.tensor(x_np, requires_grad=True)
    xb = mt.tensor(x_np, requires_grad=True)
    fused = F.cross_entropy(xa, t, weight=w, ignore_index=3, reduction=reduction, label_smoothing=eps)
    composed = _composed_ce(xb, t, w, 3, reduction, eps)
    assert_close(fused, composed._data)
    g = mt.tensor(np.random.default_rng(2).standard_normal(fused.shape))
    fused.backward(g)
    composed.backward(g)
    assert_close(xa.grad, xb.grad._data)


@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.25])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_fused_cross_entropy_second_derivatives(use_weight, eps, reduction):
    x_np, t_np, w_np = _class_case((3, 4), (3,), ignore=1)
    w = mt.tensor(w_np) if use_weight else None
    t = mt.tensor(t_np)
    x = mt.tensor(x_np, requires_grad=True)
    fn = lambda a: F.cross_entropy(a, t, weight=w, ignore_index=1, reduction=reduction, label_smoothing=eps)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_cross_entropy_double_backward_matches_torch():
    x_np, t_np, w_np = _class_case((4, 3), (4,), ignore=None)
    v = np.random.default_rng(3).standard_normal((4, 3))
    xm = mt.tensor(x_np, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    (gm,) = mt.autograd.grad(F.cross_entropy(xm, mt.tensor(t_np), label_smoothing=0.1), xm, create_graph=True)
    (gt,) = torch.autograd.grad(
        TF.cross_entropy(xt, torch.tensor(t_np), label_smoothing=0.1), xt, create_graph=True
    )
    assert_close(gm, gt)
    (gm * mt.tensor(v)).sum().backward()
    (gt * torch.tensor(v)).sum().backward()
    assert_close(xm.grad, xt.grad)


def test_nll_loss_second_derivatives():
    x_np, t_np, w_np = _class_case((3, 4), (3,), ignore=None)
    t, w = mt.tensor(t_np), mt.tensor(w_np)
    x = mt.tensor(x_np, requires_grad=True)
    assert gradgradcheck(lambda a: F.nll_loss(a.log_softmax(1), t, weight=w), (x,))


# --- torch's errors for bad targets ---
def _same_error(mt_call, t_call):
    with pytest.raises(Exception) as te:
        t_call()
    with pytest.raises(type(te.value)) as me:
        mt_call()
    assert str(me.value) == str(te.value).replace("torch.", "minitorch.")


ERROR_CASES = [
    ("cross_entropy", (3, 5), [1, 7, 2], {}),
    ("cross_entropy", (3, 5), [1, -3, 2], {}),
    ("nll_loss", (3, 5), [1, 7, 2], {}),
    ("cross_entropy", (3, 5, 2), [[1, 7], [1, 1], [2, 2]], {}),
    ("cross_entropy", (5,), 7, {}),
    ("cross_entropy", (3, 5), [1, 2], {}),
    ("cross_entropy", (3, 5), [[1, 2, 3]], {}),
    ("cross_entropy", (3, 5), [1.0, 2.0, 3.0], {}),
    ("cross_entropy", (3, 5), np.ones((3, 4)), {}),
    ("cross_entropy", (3, 5), np.ones((3, 5), dtype=np.int64), {}),
    ("cross_entropy", (3, 5), [1, 2, 2], {"label_smoothing": 1.5}),
    ("cross_entropy", (3, 5), [1, 2, 2], {"reduction": "foo"}),
    ("cross_entropy", (3, 5), np.array([1, 2, 2], dtype=np.int32), {}),
    ("cross_entropy", (3, 5), [1, 2, 2], {"weight": np.ones(4, dtype=np.float32)}),
    ("nll_loss", (3, 5, 2, 2), np.zeros((3, 2, 3), dtype=np.int64), {}),
    ("nll_loss", (3,), np.zeros(3, dtype=np.int64), {}),
    ("nll_loss", (), 1, {}),
]


@pytest.mark.parametrize("fn, xshape, target, kw", ERROR_CASES)
def test_bad_targets_raise_torch_errors(fn, xshape, target, kw):
    x = np.random.default_rng(0).standard_normal(xshape).astype(np.float32)
    tgt = np.asarray(target)
    kw_t = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    kw_m = {k: (mt.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    _same_error(
        lambda: getattr(F, fn)(mt.tensor(x), mt.tensor(tgt), **kw_m),
        lambda: getattr(TF, fn)(torch.tensor(x), torch.tensor(tgt), **kw_t),
    )


def test_out_of_range_target_message_names_it():
    with pytest.raises(IndexError, match=r"^Target 7 is out of bounds\.$"):
        nn.CrossEntropyLoss()(mt.randn(3, 5), mt.tensor([1, 7, 2]))


# --- binary cross entropy ---
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_binary_cross_entropy(use_weight, reduction, dt):
    rng = np.random.default_rng(4)
    x = rng.uniform(0.02, 0.98, (4, 3))
    y = rng.uniform(0, 1, (4, 3))
    w = rng.uniform(0.5, 2, (3,)) if use_weight else None
    check(
        lambda a, b: F.binary_cross_entropy(
            a, b, weight=_opt(None if w is None else w.astype(dt), "mt"), reduction=reduction
        ),
        lambda a, b: TF.binary_cross_entropy(
            a, b, weight=_opt(None if w is None else w.astype(dt), "t"), reduction=reduction
        ),
        [x, y],
        [True, True],
        dt,
    )


@pytest.mark.parametrize("dt", DTYPES)
def test_binary_cross_entropy_clamps_log_at_minus_100(dt):
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    with np.errstate(divide="raise", invalid="raise"):
        out = check(
            lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
            lambda a, b: TF.binary_cross_entropy(a, b, reduction="none"),
            [x, y],
            [False, False],
            dt,
        )
    assert out._data[0] == 100 and out._data[1] == 100
    m = nn.BCELoss()(mt.tensor(x.astype(dt), requires_grad=True), mt.tensor(y.astype(dt)))
    assert_close(m, TF.binary_cross_entropy(torch.tensor(x.astype(dt)), torch.tensor(y.astype(dt))))


def test_binary_cross_entropy_errors():
    _same_error(
        lambda: F.binary_cross_entropy(mt.rand(3), mt.rand(4)),
        lambda: TF.binary_cross_entropy(torch.rand(3), torch.rand(4)),
    )
    _same_error(
        lambda: F.binary_cross_entropy(mt.rand(3) + 1, mt.rand(3)),
        lambda: TF.binary_cross_entropy(torch.rand(3) + 1, torch.rand(3)),
    )
    _same_error(
        lambda: F.binary_cross_entropy(mt.rand(3), mt.rand(3) + 1),
        lambda: TF.binary_cross_entropy(torch.rand(3), torch.rand(3) + 1),
    )


@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("use_pos_weight", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_binary_cross_entropy_with_logits(use_weight, use_pos_weight, reduction, dt):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)) * 3
    x[0] = [1000.0, -1000.0, 0.0]
    y = rng.uniform(0, 1, (4, 3))
    w = rng.uniform(0.5, 2, (3,)) if use_weight else None
    pw = rng.uniform(0.5, 3, (3,)) if use_pos_weight else None
    cast = lambda a, lib: _opt(None if a is None else a.astype(dt), lib)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        check(
            lambda a, b: F.binary_cross_entropy_with_logits(
                a, b, cast(w, "mt"), reduction=reduction, pos_weight=cast(pw, "mt")
            ),
            lambda a, b: TF.binary_cross_entropy_with_logits(
                a, b, cast(w, "t"), reduction=reduction, pos_weight=cast(pw, "t")
            ),
            [x, y],
            [True, True],
            dt,
        )


def test_binary_cross_entropy_with_logits_size_error():
    _same_error(
        lambda: F.binary_cross_entropy_with_logits(mt.rand(3), mt.rand(4)),
        lambda: TF.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(4)),
    )


# --- regression losses ---
REGRESSION = [
    ("mse_loss", {}),
    ("l1_loss", {}),
    ("smooth_l1_loss", {"beta": 1.0}),
    ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 0.0}),
    ("huber_loss", {"delta": 1.0}),
    ("huber_loss", {"delta": 2.5}),
]


@pytest.mark.parametrize("fn, kw", REGRESSION)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dt", DTYPES)
def test_regression_losses(fn, kw, reduction, dt):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 3)) * 2
    y = rng.standard_normal((5, 3))
    check(
        lambda a, b: getattr(F, fn)(a, b, reduction=reduction, **kw),
        lambda a, b: getattr(TF, fn)(a, b, reduction=reduction, **kw),
        [x, y],
        [True, True],
        dt,
    )


@pytest.mark.parametrize("fn", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_with_weight(fn, reduction):
    rng = np.random.default_rng(7)
    x, y, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), rng.uniform(0.1, 2, (4, 3))
    check(
        lambda a, b: getattr(F, fn)(a, b, reduction=reduction, weight=mt.tensor(w)),
        lambda a, b: getattr(TF, fn)(a, b, reduction=reduction, weight=torch.tensor(w)),
        [x, y],
        [True, True],
    )


def test_regression_broadcast_warning_and_error():
    with pytest.warns(UserWarning, match="different to the input size"):
        out = F.mse_loss(mt.ones(3, 1), mt.zeros(3))
    assert out.item() == 1.0
    with pytest.warns(UserWarning):
        _same_error(
            lambda: F.mse_loss(mt.rand(3), mt.rand(4)), lambda: TF.mse_loss(torch.rand(3), torch.rand(4))
        )


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none"])
def test_kl_div(log_target, reduction):
    rng = np.random.default_rng(8)
    x = np.log(rng.dirichlet(np.ones(4), 3))
    p = rng.dirichlet(np.ones(4), 3)
    p[0, 0] = 0.0
    tgt = np.log(p + 1e-3) if log_target else p
    check(
        lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target),
        lambda a, b: TF.kl_div(a, b, reduction=reduction, log_target=log_target),
        [x, tgt],
        [True, False],
    )


# --- loss modules ---
def test_loss_modules_match_torch_with_options():
    rng = np.random.default_rng(9)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    w = rng.uniform(0.5, 2, 4)
    y = rng.uniform(0, 1, (6, 4))
    cases = [
        (
            nn.CrossEntropyLoss(weight=mt.tensor(w), ignore_index=1, label_smoothing=0.1, reduction="sum"),
            torch.nn.CrossEntropyLoss(
                weight=torch.tensor(w), ignore_index=1, label_smoothing=0.1, reduction="sum"
            ),
            t,
        ),
        (
            nn.NLLLoss(weight=mt.tensor(w), reduction="none"),
            torch.nn.NLLLoss(weight=torch.tensor(w), reduction="none"),
            t,
        ),
        (nn.MSELoss(), torch.nn.MSELoss(), y),
        (nn.L1Loss(reduction="sum"), torch.nn.L1Loss(reduction="sum"), y),
        (nn.SmoothL1Loss(beta=0.3), torch.nn.SmoothL1Loss(beta=0.3), y),
        (nn.HuberLoss(delta=0.7), torch.nn.HuberLoss(delta=0.7), y),
        (
            nn.BCEWithLogitsLoss(pos_weight=mt.tensor(w)),
            torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)),
            y,
        ),
        (nn.KLDivLoss(reduction="batchmean"), torch.nn.KLDivLoss(reduction="batchmean"), y),
    ]
    for m_loss, t_loss, target in cases:
        assert repr(m_loss) == repr(t_loss)
        assert list(m_loss.state_dict()) == list(t_loss.state_dict())
        check(m_loss, t_loss, [x, target], [True, False])
    sig = 1 / (1 + np.exp(-x))
    check(nn.BCELoss(weight=mt.tensor(w)), torch.nn.BCELoss(weight=torch.tensor(w)), [sig, y], [True, True])


def test_legacy_size_average_reduce_arguments():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"
    with pytest.warns(UserWarning):
        out = F.l1_loss(mt.ones(3), mt.zeros(3), reduce=False)
    assert out.shape == (3,)


# --- one_hot ---
@pytest.mark.parametrize("values, n", [([1, 0, 3], -1), ([[1, 2], [0, 0]], 5), ([], 3), (2, 4)])
def test_one_hot_matches_torch(values, n):
    arr = np.asarray(values, dtype=np.int64)
    assert_close(F.one_hot(mt.tensor(arr), n), TF.one_hot(torch.tensor(arr), n))


@pytest.mark.parametrize(
    "values, n, dtype",
    [
        ([1, 2, 5], 3, np.int64),
        ([1, 2, -1], -1, np.int64),
        ([1.0, 2.0], -1, np.float32),
        ([], -1, np.int64),
        ([1, 2], 0, np.int64),
    ],
)
def test_one_hot_errors(values, n, dtype):
    arr = np.asarray(values, dtype=dtype)
    _same_error(lambda: F.one_hot(mt.tensor(arr), n), lambda: TF.one_hot(torch.tensor(arr), n))


def test_losses_gradcheck_float64():
    rng = np.random.default_rng(10)
    x = mt.tensor(rng.uniform(0.1, 0.9, (2, 3)), requires_grad=True)
    y = mt.tensor(rng.uniform(0, 1, (2, 3)), requires_grad=True)
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b), (x, y))
    z = mt.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    pw = mt.tensor(rng.uniform(0.5, 2, 3))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw), (z, y))
    assert gradgradcheck(lambda a, b: F.huber_loss(a, b, delta=0.5), (z, y))
