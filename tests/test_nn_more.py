"""The rest of torch.nn's everyday surface against torch: activations, distances and losses,
vision layers (pixel shuffle, interpolate, grid_sample, fold/unfold), Bilinear, EmbeddingBag,
pooling extras, nn.utils (weight_norm, parametrize, functional_call) and nn.init extras:
values, input and parameter grads, reprs, state_dict keys and errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn

pytestmark = needs_torch

TF = torch.nn.functional if torch is not None else None


def _pair(arr, grad=True):
    arr = np.asarray(arr)
    return mt.tensor(arr.copy(), requires_grad=grad), torch.tensor(arr.copy(), requires_grad=grad)


def _compare(fm, ft, arrays, grad=True, tol=None, kwargs=None, gseed=1, nograd=()):
    """Run ``fm`` and ``ft`` on the same float64 arrays; compare outputs and input grads
    (of every floating input but those at the indices ``nograd``)."""
    kwargs = kwargs or {}
    ms, ts = zip(
        *(
            _pair(a, grad and np.asarray(a).dtype.kind == "f" and i not in nograd)
            for i, a in enumerate(arrays)
        )
    )
    om, ot = fm(*ms, **kwargs), ft(*ts, **kwargs)
    tol = tol or {}
    assert_close(om, ot, **tol)
    if grad and ot.requires_grad:
        g = np.random.default_rng(gseed).standard_normal(tuple(ot.shape))
        (om * mt.tensor(g)).sum().backward()
        (ot * torch.tensor(g)).sum().backward()
        for a, b in zip(ms, ts):
            if b.requires_grad and (a.grad is not None or b.grad is not None):
                assert b.grad is not None and a.grad is not None, (a.grad, b.grad)
                assert_close(a.grad, b.grad, **tol)
    return om, ot


def _raises_same(fm, ft):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as em:
        fm()
    msg = str(em.value).replace("minitorch.", "torch.")
    assert msg == str(et.value), (msg, str(et.value))


def _same_module(mm, tm, x, tol=None, nograd=()):
    """Same repr and state_dict keys; copy torch's parameters in; compare outputs and all grads."""
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: mt.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
    xs = x if isinstance(x, tuple) else (x,)
    pairs = [_pair(a, np.asarray(a).dtype.kind == "f" and i not in nograd) for i, a in enumerate(xs)]
    om = mm(*(p[0] for p in pairs))
    ot = tm(*(p[1] for p in pairs))
    tol = tol or {}
    assert_close(om, ot, **tol)
    g = np.random.default_rng(3).standard_normal(tuple(ot.shape)).astype(om._data.dtype)
    (om * mt.tensor(g)).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    for a, b in pairs:
        if b.requires_grad and (a.grad is not None or b.grad is not None):
            assert b.grad is not None and a.grad is not None, (a.grad, b.grad)
            assert_close(a.grad, b.grad, **tol)
    pm, pt = dict(mm.named_parameters()), dict(tm.named_parameters())
    assert list(pm) == list(pt)
    for k in pt:
        if pt[k].grad is not None:
            assert_close(pm[k].grad, pt[k].grad, **tol)


RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 5)) * 3
X[0, 0, :3] = [0.0, 3.0, -3.0]
X[0, 1, :4] = [0.5, -0.5, 1.0, -1.0]

# --- activations ---

ACTS = [
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 0.7}),
    ("mish", {}),
    ("hardswish", {}),
    ("hardsigmoid", {}),
    ("softsign", {}),
    ("tanhshrink", {}),
    ("hardshrink", {}),
    ("hardshrink", {"lambd": 1.0}),
    ("softshrink", {}),
    ("softshrink", {"lambd": 1.0}),
    ("glu", {}),
    ("glu", {"dim": 1}),
    ("logsigmoid", {}),
    ("softmin", {"dim": 1}),
    ("rrelu", {}),
    ("rrelu", {"lower": 0.2, "upper": 0.4}),
]


@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_functional(name, kw):
    x = X if name != "glu" or kw.get("dim") != -1 else X
    if name == "glu" and not kw:
        x = X[..., :4]
    _compare(getattr(F, name), getattr(TF, name), [x], kwargs=kw)


@pytest.mark.parametrize("name", ["selu", "celu", "rrelu", "threshold", "hardtanh", "leaky_relu", "elu"])
def test_activation_inplace(name):
    args = (1.0, -2.0) if name == "threshold" else ()
    a, b = _pair(X)
    ym, yt = a * 1, b * 1
    getattr(F, name + "_")(ym, *args)
    getattr(TF, name + "_")(yt, *args)
    assert_close(ym, yt)
    ym.sum().backward()
    yt.sum().backward()
    assert_close(a.grad, b.grad)


def test_threshold_values_and_ints():
    _compare(F.threshold, TF.threshold, [X], kwargs=dict(threshold=0.5, value=-7.0))
    xi = np.array([1, 2, 3])
    assert_close(F.threshold(mt.tensor(xi), 1.5, 0), TF.threshold(torch.tensor(xi), 1.5, 0))
    nan = np.array([np.nan, 1.0])
    for f in ("hardshrink", "softshrink"):
        assert_close(getattr(F, f)(mt.tensor(nan)), getattr(TF, f)(torch.tensor(nan)))


@pytest.mark.parametrize(
    "shape,nw", [((3, 4, 5), 4), ((3, 4, 5), 1), ((6,), 1), ((2, 3, 4, 5), 3), ((2, 3), 3)]
)
def test_prelu(shape, nw):
    x = RNG.standard_normal(shape)
    w = RNG.standard_normal(nw)
    _compare(F.prelu, TF.prelu, [x, w])


MODULES = [
    ("PReLU", (), (3, 4, 5)),
    ("PReLU", (4, 0.1), (3, 4, 5)),
    ("RReLU", (), (3, 4)),
    ("RReLU", (0.1, 0.3, True), (3, 4)),
    ("SELU", (), (3, 4)),
    ("SELU", (True,), (3, 4)),
    ("CELU", (0.5,), (3, 4)),
    ("GLU", (), (3, 4)),
    ("GLU", (0,), (4, 3)),
    ("Mish", (), (3, 4)),
    ("Hardswish", (), (3, 4)),
    ("Hardsigmoid", (), (3, 4)),
    ("Softsign", (), (3, 4)),
    ("Tanhshrink", (), (3, 4)),
    ("Threshold", (0.1, 20), (3, 4)),
    ("Threshold", (0.1, 20, True), (3, 4)),
    ("Softmax2d", (), (2, 3, 4, 5)),
    ("Hardshrink", (), (3, 4)),
    ("Softshrink", (0.3,), (3, 4)),
    ("LogSigmoid", (), (3, 4)),
    ("Softmin", (1,), (3, 4)),
]


@pytest.mark.parametrize("name,args,shape", MODULES)
def test_activation_modules(name, args, shape):
    mm, tm = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    if name == "RReLU":
        mm.eval(), tm.eval()
    x = RNG.standard_normal(shape).astype(np.float32)
    if getattr(mm, "inplace", False):
        assert repr(mm) == repr(tm)
        a, b = _pair(x, False)
        assert_close(mm(a), tm(b))
        assert_close(a, b)
        return
    _same_module(mm, tm, x)


def test_rrelu_training():
    x = mt.tensor(X, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    nz = X != 0
    ratio = np.where(nz, y._data / np.where(nz, X, 1), 0)
    neg = X < 0
    assert np.all((ratio[neg] >= 0.1) & (ratio[neg] <= 0.3)) and np.allclose(ratio[X > 0], 1)
    assert len(np.unique(ratio[neg])) > 5
    y.sum().backward()
    assert np.allclose(x.grad._data[nz], ratio[nz])


def test_activation_errors():
    _raises_same(
        lambda: F.prelu(mt.randn(2, 4), mt.randn(3)), lambda: TF.prelu(torch.randn(2, 4), torch.randn(3))
    )
    _raises_same(lambda: F.prelu(mt.randn(6), mt.randn(6)), lambda: TF.prelu(torch.randn(6), torch.randn(6)))
    _raises_same(
        lambda: F.prelu(mt.randn(6, dtype=mt.float64), mt.randn(1)),
        lambda: TF.prelu(torch.randn(6, dtype=torch.float64), torch.randn(1)),
    )
    _raises_same(lambda: F.glu(mt.randn(2, 5)), lambda: TF.glu(torch.randn(2, 5)))
    _raises_same(lambda: F.glu(mt.tensor(1.0)), lambda: TF.glu(torch.tensor(1.0)))
    _raises_same(lambda: nn.Softmax2d()(mt.randn(2)), lambda: torch.nn.Softmax2d()(torch.randn(2)))
    _raises_same(lambda: F.celu(mt.randn(3), alpha=0.0), lambda: TF.celu(torch.randn(3), alpha=0.0))
    _raises_same(lambda: F.softshrink(mt.randn(3), -1.0), lambda: TF.softshrink(torch.randn(3), -1.0))


# --- distances and losses ---


def _ints(a):
    return mt.tensor(a), torch.tensor(a)


@pytest.mark.parametrize(
    "s1,s2,kw",
    [
        ((3, 4), (3, 4), {}),
        ((3, 4), (1, 4), {}),
        ((2, 3, 4), (2, 3, 4), {"dim": -1}),
        ((3, 4), (3, 4), {"dim": 0}),
    ],
)
def test_cosine_similarity_pairwise_distance(s1, s2, kw):
    x, y = RNG.standard_normal(s1), RNG.standard_normal(s2)
    x[0] = 0.0  # a zero vector: the clamped norm, as torch
    _compare(F.cosine_similarity, TF.cosine_similarity, [x, y], kwargs=kw)
    for p in (1.0, 2.0, 3.0):
        _compare(F.pairwise_distance, TF.pairwise_distance, [x, y], kwargs=dict(p=p, keepdim=bool(kw)))
    _same_module(nn.CosineSimilarity(**kw), torch.nn.CosineSimilarity(**kw), (x, y))
    _same_module(nn.PairwiseDistance(1.5), torch.nn.PairwiseDistance(1.5), (x, y))
    _compare(F.pdist, TF.pdist, [RNG.standard_normal((5, 3))], kwargs=dict(p=1.5))


RED = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", RED)
def test_pointwise_losses(reduction):
    x, y, x2 = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    sign = np.sign(RNG.standard_normal((4, 5)))
    kw = dict(reduction=reduction)
    _compare(F.margin_ranking_loss, TF.margin_ranking_loss, [x, x2, sign], kwargs=dict(margin=0.3, **kw))
    _compare(F.hinge_embedding_loss, TF.hinge_embedding_loss, [x, sign], kwargs=dict(margin=0.5, **kw))
    _compare(F.soft_margin_loss, TF.soft_margin_loss, [x, sign], kwargs=kw, nograd=(1,))
    w = RNG.random(5)
    probs = (RNG.random((4, 5)) > 0.5).astype(np.float64)
    _compare(F.multilabel_soft_margin_loss, TF.multilabel_soft_margin_loss, [x, probs], kwargs=kw)
    _compare(F.multilabel_soft_margin_loss, TF.multilabel_soft_margin_loss, [x, probs, w], kwargs=kw)
    counts = RNG.poisson(2.0, (4, 5)).astype(np.float64)
    for log_input, full in [(True, False), (True, True), (False, False), (False, True)]:
        inp = x if log_input else np.abs(x) + 0.1
        _compare(
            F.poisson_nll_loss,
            TF.poisson_nll_loss,
            [inp, counts],
            kwargs=dict(log_input=log_input, full=full, **kw),
        )
    var = RNG.random((4, 5)) + 0.05
    var[0, 0] = 1e-8  # clamped to eps, grad unchanged
    _compare(F.gaussian_nll_loss, TF.gaussian_nll_loss, [x, y, var], kwargs=kw)
    _compare(F.gaussian_nll_loss, TF.gaussian_nll_loss, [x, y, var[:, :1]], kwargs=dict(full=True, **kw))
    _compare(F.gaussian_nll_loss, TF.gaussian_nll_loss, [x, y, var[:, 0]], kwargs=kw)


@pytest.mark.parametrize("reduction", RED)
def test_embedding_and_triplet_losses(reduction):
    a, b, c = (RNG.standard_normal((4, 6)) for _ in range(3))
    t = np.array([1.0, -1.0, 1.0, -1.0])
    kw = dict(reduction=reduction)
    _compare(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a, b, t], kwargs=dict(margin=0.1, **kw))
    _compare(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a[0], b[0], np.array(-1.0)], kwargs=kw)
    for p, swap in [(2, False), (1, True), (3, False)]:
        _compare(
            F.triplet_margin_loss,
            TF.triplet_margin_loss,
            [a, b, c],
            kwargs=dict(p=p, swap=swap, margin=2.0, **kw),
        )
    _compare(
        lambda *x, **k: F.triplet_margin_with_distance_loss(
            *x, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), swap=True, **k
        ),
        lambda *x, **k: TF.triplet_margin_with_distance_loss(
            *x, distance_function=lambda u, v: 1 - TF.cosine_similarity(u, v), swap=True, **k
        ),
        [a, b, c],
        kwargs=kw,
    )
    _compare(F.triplet_margin_with_distance_loss, TF.triplet_margin_with_distance_loss, [a, b, c], kwargs=kw)


@pytest.mark.parametrize("reduction", RED)
def test_margin_classification_losses(reduction):
    x = RNG.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    w = RNG.random(4)
    kw = dict(reduction=reduction)
    for p, margin in [(1, 1.0), (2, 0.5)]:
        _compare(F.multi_margin_loss, TF.multi_margin_loss, [x, y], kwargs=dict(p=p, margin=margin, **kw))
        _compare(
            lambda a, b, c, **k: F.multi_margin_loss(a, b, weight=c, **k),
            lambda a, b, c, **k: TF.multi_margin_loss(a, b, weight=c, **k),
            [x, y, w],
            kwargs=dict(p=p, margin=margin, **kw),
            nograd=(2,),
        )
    _compare(F.multi_margin_loss, TF.multi_margin_loss, [x[0], y[:1]], kwargs=kw)
    ml = np.array([[3, 0, -1, 1], [1, 2, 3, -1], [0, 1, 2, 3], [-1, 1, 0, 0], [2, 2, -1, 0]])
    _compare(F.multilabel_margin_loss, TF.multilabel_margin_loss, [x, ml], kwargs=kw)
    _compare(F.multilabel_margin_loss, TF.multilabel_margin_loss, [x[0], ml[0]], kwargs=kw)


LOSS_MODULES = [
    ("PoissonNLLLoss", {}, 2),
    ("PoissonNLLLoss", {"log_input": False, "full": True, "reduction": "sum"}, 2),
    ("GaussianNLLLoss", {"full": True}, 3),
    ("HingeEmbeddingLoss", {"margin": 0.5}, 2),
    ("MultiLabelMarginLoss", {}, 2),
    ("SoftMarginLoss", {"reduction": "none"}, 2),
    ("MultiLabelSoftMarginLoss", {}, 2),
    ("CosineEmbeddingLoss", {"margin": 0.2}, 3),
    ("MarginRankingLoss", {"margin": 0.2}, 3),
    ("MultiMarginLoss", {"p": 2}, 2),
    ("TripletMarginLoss", {"margin": 0.5, "swap": True}, 3),
    ("TripletMarginWithDistanceLoss", {"margin": 0.5}, 3),
]


@pytest.mark.parametrize("name,kw,nargs", LOSS_MODULES)
def test_loss_modules(name, kw, nargs):
    mm, tm = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    if name in ("MultiLabelMarginLoss",):
        args = (x, np.array([[0, -1, 1], [2, 1, -1], [0, 1, 2], [1, -1, 0]]))
    elif name == "MultiMarginLoss":
        args = (x, np.array([0, 2, 1, 1]))
    elif name in ("HingeEmbeddingLoss", "SoftMarginLoss"):
        args = (x, np.sign(x + 0.3).astype(np.float32))
    elif name == "MultiLabelSoftMarginLoss":
        args = (x, (x > 0).astype(np.float32))
    elif name == "PoissonNLLLoss":
        args = (np.abs(x) + 0.1, RNG.poisson(2.0, (4, 3)).astype(np.float32))
    elif name == "GaussianNLLLoss":
        args = (x, x[::-1].copy(), np.abs(x) + 0.1)
    elif name in ("CosineEmbeddingLoss",):
        args = (x, x[::-1].copy(), np.array([1, -1, 1, -1], np.float32))
    elif name == "MarginRankingLoss":
        args = (x, x[::-1].copy(), np.sign(x).astype(np.float32))
    else:
        args = (x, x[::-1].copy(), RNG.standard_normal((4, 3)).astype(np.float32))
    _same_module(mm, tm, args, nograd=(1,) if nargs == 2 else ())


def test_loss_errors():
    r = mt.randn
    tr = torch.randn
    _raises_same(
        lambda: F.margin_ranking_loss(r(3), r(3, 1), r(3)),
        lambda: TF.margin_ranking_loss(tr(3), tr(3, 1), tr(3)),
    )
    _raises_same(
        lambda: F.cosine_embedding_loss(r(3, 4), r(3, 4), r(3, 1)),
        lambda: TF.cosine_embedding_loss(tr(3, 4), tr(3, 4), tr(3, 1)),
    )
    _raises_same(
        lambda: F.multi_margin_loss(r(3, 4), mt.tensor([0, 1, 5])),
        lambda: TF.multi_margin_loss(tr(3, 4), torch.tensor([0, 1, 5])),
    )
    _raises_same(
        lambda: F.multi_margin_loss(r(3, 4), mt.tensor([0, 1, 2]), p=3),
        lambda: TF.multi_margin_loss(tr(3, 4), torch.tensor([0, 1, 2]), p=3),
    )
    _raises_same(
        lambda: F.multilabel_margin_loss(r(3, 4), mt.tensor([0, 1, 2])),
        lambda: TF.multilabel_margin_loss(tr(3, 4), torch.tensor([0, 1, 2])),
    )
    _raises_same(
        lambda: F.triplet_margin_loss(r(3, 4), r(3, 4), r(4)),
        lambda: TF.triplet_margin_loss(tr(3, 4), tr(3, 4), tr(4)),
    )
    _raises_same(
        lambda: F.poisson_nll_loss(r(3), r(3), reduction="x"),
        lambda: TF.poisson_nll_loss(tr(3), tr(3), reduction="x"),
    )
    _raises_same(
        lambda: F.gaussian_nll_loss(r(3), r(3), -mt.ones(3)),
        lambda: TF.gaussian_nll_loss(tr(3), tr(3), -torch.ones(3)),
    )
    _raises_same(
        lambda: F.gaussian_nll_loss(r(3, 4), r(3, 4), mt.ones(2)),
        lambda: TF.gaussian_nll_loss(tr(3, 4), tr(3, 4), torch.ones(2)),
    )
    _raises_same(lambda: nn.TripletMarginLoss(margin=0), lambda: torch.nn.TripletMarginLoss(margin=0))
    _raises_same(lambda: nn.MultiMarginLoss(p=3), lambda: torch.nn.MultiMarginLoss(p=3))


# --- vision: pixel shuffle, interpolate, grid_sample, affine_grid, unfold/fold ---


def test_pixel_shuffle():
    _compare(
        F.pixel_shuffle, TF.pixel_shuffle, [RNG.standard_normal((2, 8, 3, 4))], kwargs=dict(upscale_factor=2)
    )
    _compare(
        F.pixel_shuffle, TF.pixel_shuffle, [RNG.standard_normal((9, 2, 3))], kwargs=dict(upscale_factor=3)
    )
    _compare(
        F.pixel_unshuffle,
        TF.pixel_unshuffle,
        [RNG.standard_normal((2, 2, 4, 6))],
        kwargs=dict(downscale_factor=2),
    )
    _same_module(
        nn.PixelShuffle(2), torch.nn.PixelShuffle(2), RNG.standard_normal((1, 4, 2, 3)).astype(np.float32)
    )
    _same_module(
        nn.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2), RNG.standard_normal((1, 1, 2, 4)).astype(np.float32)
    )
    _raises_same(
        lambda: F.pixel_shuffle(mt.randn(1, 3, 2, 2), 2), lambda: TF.pixel_shuffle(torch.randn(1, 3, 2, 2), 2)
    )
    _raises_same(
        lambda: F.pixel_unshuffle(mt.randn(1, 3, 3, 2), 2),
        lambda: TF.pixel_unshuffle(torch.randn(1, 3, 3, 2), 2),
    )


SIZES = [
    dict(size=(5, 7)),
    dict(scale_factor=2),
    dict(scale_factor=(1.7, 0.6)),
    dict(size=(2, 3)),
    dict(size=4),
]


@pytest.mark.parametrize(
    "mode,ac",
    [
        ("nearest", None),
        ("nearest-exact", None),
        ("bilinear", False),
        ("bilinear", True),
        ("bicubic", False),
        ("bicubic", True),
        ("area", None),
    ],
)
@pytest.mark.parametrize("kw", SIZES)
def test_interpolate_2d(mode, ac, kw):
    if mode == "area" and "scale_factor" in kw and not isinstance(kw["scale_factor"], int):
        kw = dict(kw, recompute_scale_factor=True)
    x = RNG.standard_normal((2, 3, 5, 6))
    _compare(F.interpolate, TF.interpolate, [x], kwargs=dict(mode=mode, align_corners=ac, **kw))
    x32 = x.astype(np.float32)
    _compare(
        F.interpolate,
        TF.interpolate,
        [x32],
        kwargs=dict(mode=mode, align_corners=ac, **kw),
        tol=dict(rtol=1e-5, atol=1e-5),
    )


@pytest.mark.parametrize(
    "shape,kw",
    [
        ((2, 3, 5), dict(size=9, mode="linear")),
        ((2, 3, 5), dict(scale_factor=0.7, mode="linear", align_corners=True)),
        ((2, 3, 5), dict(scale_factor=2.5, mode="nearest")),
        ((2, 3, 5), dict(size=3, mode="area")),
        ((1, 2, 3, 4, 5), dict(scale_factor=1.5, mode="trilinear", align_corners=True)),
        ((1, 2, 3, 4, 5), dict(size=(2, 5, 3), mode="trilinear")),
        ((1, 2, 3, 4, 5), dict(scale_factor=(2, 1, 0.5), mode="nearest-exact")),
        ((2, 3, 5, 6), dict(scale_factor=0.5, mode="bilinear", recompute_scale_factor=True)),
    ],
)
def test_interpolate_other_dims(shape, kw):
    _compare(F.interpolate, TF.interpolate, [RNG.standard_normal(shape)], kwargs=kw)


def test_upsample_modules_and_errors():
    x = RNG.standard_normal((1, 2, 3, 4)).astype(np.float32)
    for mm, tm in [
        (nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
        (nn.Upsample(size=(5, 3), mode="bilinear"), torch.nn.Upsample(size=(5, 3), mode="bilinear")),
        (
            nn.Upsample(scale_factor=(2, 3), mode="bicubic", align_corners=True),
            torch.nn.Upsample(scale_factor=(2, 3), mode="bicubic", align_corners=True),
        ),
        (nn.UpsamplingNearest2d(scale_factor=2), torch.nn.UpsamplingNearest2d(scale_factor=2)),
        (nn.UpsamplingBilinear2d(size=(4, 6)), torch.nn.UpsamplingBilinear2d(size=(4, 6))),
    ]:
        _same_module(mm, tm, x, tol=dict(rtol=1e-5, atol=1e-5))
    r, tr = mt.randn, torch.randn
    _raises_same(
        lambda: F.interpolate(r(1, 2, 3), scale_factor=2, mode="bilinear"),
        lambda: TF.interpolate(tr(1, 2, 3), scale_factor=2, mode="bilinear"),
    )
    _raises_same(
        lambda: F.interpolate(r(1, 2, 3), scale_factor=2, align_corners=True),
        lambda: TF.interpolate(tr(1, 2, 3), scale_factor=2, align_corners=True),
    )
    _raises_same(lambda: F.interpolate(r(1, 2, 3)), lambda: TF.interpolate(tr(1, 2, 3)))
    _raises_same(
        lambda: F.interpolate(r(1, 2, 3), size=(2, 3)), lambda: TF.interpolate(tr(1, 2, 3), size=(2, 3))
    )
    _raises_same(
        lambda: F.interpolate(r(1, 2, 3), size=2, scale_factor=2),
        lambda: TF.interpolate(tr(1, 2, 3), size=2, scale_factor=2),
    )


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sample(mode, padding_mode, ac):
    x = RNG.standard_normal((2, 3, 5, 6))
    grid = RNG.uniform(-1.3, 1.3, (2, 4, 7, 2))
    _compare(
        F.grid_sample,
        TF.grid_sample,
        [x, grid],
        kwargs=dict(mode=mode, padding_mode=padding_mode, align_corners=ac),
    )


def test_affine_grid_spatial_transformer():
    for ac in (False, True):
        _compare(
            lambda t, **k: F.affine_grid(t, (2, 3, 4, 5), **k),
            lambda t, **k: TF.affine_grid(t, (2, 3, 4, 5), **k),
            [RNG.standard_normal((2, 2, 3))],
            kwargs=dict(align_corners=ac),
        )
    _compare(
        lambda t, **k: F.affine_grid(t, (2, 3, 4, 5, 3), **k),
        lambda t, **k: TF.affine_grid(t, (2, 3, 4, 5, 3), **k),
        [RNG.standard_normal((2, 3, 4))],
        kwargs=dict(align_corners=False),
    )

    # the spatial transformer tutorial's sampling step: grads reach both the image and theta
    def stn(x, theta, F_):
        grid = F_.affine_grid(theta, list(x.shape), align_corners=False)
        return F_.grid_sample(x, grid, align_corners=False)

    _compare(
        lambda x, t: stn(x, t, F),
        lambda x, t: stn(x, t, TF),
        [RNG.standard_normal((2, 1, 6, 6)), RNG.standard_normal((2, 2, 3)) * 0.5],
    )
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(mt.randn(1, 2, 3), (1, 1, 2, 2))
    _raises_same(
        lambda: F.affine_grid(mt.randn(1, 2, 4), (1, 1, 2, 2), False),
        lambda: TF.affine_grid(torch.randn(1, 2, 4), (1, 1, 2, 2), False),
    )
    _raises_same(
        lambda: F.grid_sample(mt.randn(1, 1, 2, 2), mt.randn(1, 2, 2, 2), mode="x"),
        lambda: TF.grid_sample(torch.randn(1, 1, 2, 2), torch.randn(1, 2, 2, 2), mode="x"),
    )


@pytest.mark.parametrize(
    "kw",
    [
        dict(kernel_size=2),
        dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
        dict(kernel_size=3, padding=1),
    ],
)
def test_unfold_fold(kw):
    _compare(F.unfold, TF.unfold, [RNG.standard_normal((2, 3, 5, 6))], kwargs=kw)
    _compare(F.unfold, TF.unfold, [RNG.standard_normal((3, 5, 6))], kwargs=kw)
    length = TF.unfold(torch.zeros(2, 3, 5, 6), **kw).shape
    cols = RNG.standard_normal(tuple(length))
    _compare(lambda c, **k: F.fold(c, (5, 6), **k), lambda c, **k: TF.fold(c, (5, 6), **k), [cols], kwargs=kw)
    _compare(
        lambda c, **k: F.fold(c, (5, 6), **k), lambda c, **k: TF.fold(c, (5, 6), **k), [cols[0]], kwargs=kw
    )
    x = RNG.standard_normal((2, 3, 5, 6)).astype(np.float32)
    _same_module(nn.Unfold(**kw), torch.nn.Unfold(**kw), x)
    _same_module(nn.Fold((5, 6), **kw), torch.nn.Fold((5, 6), **kw), cols.astype(np.float32))


def test_unfold_fold_errors():
    r, tr = mt.randn, torch.randn
    _raises_same(lambda: F.unfold(r(2, 3, 4, 4), 0), lambda: TF.unfold(tr(2, 3, 4, 4), 0))
    _raises_same(lambda: F.unfold(r(2, 3, 4, 4), 5), lambda: TF.unfold(tr(2, 3, 4, 4), 5))
    _raises_same(lambda: F.unfold(r(2, 3, 4, 4), 2, stride=0), lambda: TF.unfold(tr(2, 3, 4, 4), 2, stride=0))
    _raises_same(lambda: F.unfold(r(2, 3, 4, 4, 4), 2), lambda: TF.unfold(tr(2, 3, 4, 4, 4), 2))
    _raises_same(lambda: F.fold(r(2, 12, 8), (4, 4), 2), lambda: TF.fold(tr(2, 12, 8), (4, 4), 2))
    _raises_same(lambda: F.fold(r(2, 13, 9), (4, 4), 2), lambda: TF.fold(tr(2, 13, 9), (4, 4), 2))


@pytest.mark.parametrize("args", [(1, 3, 2), (0, 2, 1), (2, 4, 1), (-1, 1, 3)])
def test_tensor_unfold(args):
    _compare(lambda x: x.unfold(*args), lambda x: x.unfold(*args), [RNG.standard_normal((3, 7, 4))])
    _raises_same(lambda: mt.randn(3, 5).unfold(1, 6, 1), lambda: torch.randn(3, 5).unfold(1, 6, 1))
    _raises_same(lambda: mt.randn(3, 5).unfold(1, 2, 0), lambda: torch.randn(3, 5).unfold(1, 2, 0))


# --- Bilinear, EmbeddingBag ---


def test_bilinear():
    x1, x2 = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 5))
    w, b = RNG.standard_normal((2, 3, 5)), RNG.standard_normal(2)
    _compare(F.bilinear, TF.bilinear, [x1, x2, w, b])
    _compare(F.bilinear, TF.bilinear, [x1, x2, w])
    _compare(F.bilinear, TF.bilinear, [RNG.standard_normal((2, 4, 3)), RNG.standard_normal((2, 4, 5)), w, b])
    for bias in (True, False):
        args = (
            RNG.standard_normal((4, 3)).astype(np.float32),
            RNG.standard_normal((4, 5)).astype(np.float32),
        )
        _same_module(nn.Bilinear(3, 5, 2, bias=bias), torch.nn.Bilinear(3, 5, 2, bias=bias), args)
    m = nn.Bilinear(4, 5, 6)
    k = 1 / np.sqrt(4)
    assert np.abs(m.weight._data).max() <= k and np.abs(m.bias._data).max() <= k
    assert np.abs(m.weight._data).max() > 0.8 * k
    _raises_same(
        lambda: F.bilinear(mt.randn(4, 2), mt.randn(4, 5), mt.randn(2, 3, 5)),
        lambda: TF.bilinear(torch.randn(4, 2), torch.randn(4, 5), torch.randn(2, 3, 5)),
    )


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag(mode, padding_idx):
    w = RNG.standard_normal((10, 3))
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2])
    kw = dict(mode=mode, padding_idx=padding_idx)
    for offsets, last in [
        (np.array([0, 3, 3, 7]), False),
        (np.array([0, 2, 5, 9]), True),
        (np.array([0, 4]), False),
    ]:
        _compare(
            lambda w_, o=offsets, **k: F.embedding_bag(mt.tensor(idx), w_, mt.tensor(o), **k),
            lambda w_, o=offsets, **k: TF.embedding_bag(torch.tensor(idx), w_, torch.tensor(o), **k),
            [w],
            kwargs=dict(include_last_offset=last, **kw),
        )
    idx2 = np.array([[1, 2, 4], [2, 2, 9]])
    _compare(
        lambda w_, **k: F.embedding_bag(mt.tensor(idx2), w_, **k),
        lambda w_, **k: TF.embedding_bag(torch.tensor(idx2), w_, **k),
        [w],
        kwargs=kw,
    )
    if mode == "sum":
        psw = RNG.standard_normal(9)
        _compare(
            lambda w_, p, **k: F.embedding_bag(
                mt.tensor(idx), w_, mt.tensor([0, 3, 7]), per_sample_weights=p, **k
            ),
            lambda w_, p, **k: TF.embedding_bag(
                torch.tensor(idx), w_, torch.tensor([0, 3, 7]), per_sample_weights=p, **k
            ),
            [w, psw],
            kwargs=kw,
        )
    mm = nn.EmbeddingBag(10, 3, mode=mode, padding_idx=padding_idx)
    tm = torch.nn.EmbeddingBag(10, 3, mode=mode, padding_idx=padding_idx)
    assert repr(mm) == repr(tm) and list(mm.state_dict()) == list(tm.state_dict())
    if padding_idx is not None:
        assert np.all(mm.weight._data[padding_idx] == 0)
    _same_module(mm, tm, (idx2,))


def test_embedding_bag_errors():
    w, tw = mt.randn(10, 3), torch.randn(10, 3)
    _raises_same(
        lambda: F.embedding_bag(mt.tensor([1, 2]), w), lambda: TF.embedding_bag(torch.tensor([1, 2]), tw)
    )
    _raises_same(
        lambda: F.embedding_bag(mt.tensor([[1, 2]]), w, mt.tensor([0])),
        lambda: TF.embedding_bag(torch.tensor([[1, 2]]), tw, torch.tensor([0])),
    )
    _raises_same(
        lambda: F.embedding_bag(mt.tensor([[1, 2]]), w, mode="x"),
        lambda: TF.embedding_bag(torch.tensor([[1, 2]]), tw, mode="x"),
    )
    _raises_same(
        lambda: F.embedding_bag(mt.tensor([[1, 2]]), w, mode="mean", per_sample_weights=mt.ones(1, 2)),
        lambda: TF.embedding_bag(
            torch.tensor([[1, 2]]), tw, mode="mean", per_sample_weights=torch.ones(1, 2)
        ),
    )


# --- nn.utils: parametrize, weight_norm, spectral_norm, stateless ---


def _load_from_torch(mm, tm):
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: mt.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})


def _forward_backward_both(mm, tm, x, tol=None):
    xm, xt = _pair(x)
    om, ot = mm(xm), tm(xt)
    assert_close(om, ot, **(tol or {}))
    om.square().sum().backward()
    ot.square().sum().backward()
    assert_close(xm.grad, xt.grad, **(tol or {}))
    pm, pt = dict(mm.named_parameters()), dict(tm.named_parameters())
    assert list(pm) == list(pt)
    for k in pt:
        assert_close(pm[k].grad, pt[k].grad, **(tol or {}))


LAYERS = [
    (lambda lib: lib.nn.Linear(3, 4), (2, 3)),
    (lambda lib: lib.nn.Conv2d(2, 3, 3), (1, 2, 5, 5)),
    (lambda lib: lib.nn.ConvTranspose2d(2, 3, 3), (1, 2, 4, 4)),
]
TOL32 = dict(rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make,shape", LAYERS)
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm(make, shape, dim):
    x = RNG.standard_normal(shape).astype(np.float32)
    # the hook-based form: weight_g, weight_v
    mm, tm = make(mt), make(torch)
    _load_from_torch(mm, tm)
    with pytest.warns(FutureWarning, match="deprecated in favor of"):
        nn.utils.weight_norm(mm, dim=dim)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(tm, dim=dim)
    assert repr(mm) == repr(tm)
    _forward_backward_both(mm, tm, x, TOL32)
    assert_close(mm.weight_g, tm.weight_g)
    nn.utils.remove_weight_norm(mm)
    torch.nn.utils.remove_weight_norm(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm.weight, tm.weight, **TOL32)
    # the parametrization form: original0 (g), original1 (v)
    mm, tm = make(mt), make(torch)
    _load_from_torch(mm, tm)
    nn.utils.parametrizations.weight_norm(mm, dim=dim)
    torch.nn.utils.parametrizations.weight_norm(tm, dim=dim)
    assert repr(mm) == repr(tm) and type(mm).__name__ == type(tm).__name__
    _load_from_torch(mm, tm)
    _forward_backward_both(mm, tm, x, TOL32)
    nn.utils.parametrize.remove_parametrizations(mm, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(tm, "weight")
    assert type(mm) is nn.modules.linear.Linear or type(mm).__name__ == type(tm).__name__
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm.weight, tm.weight, **TOL32)


@pytest.mark.parametrize("make,shape", LAYERS)
def test_spectral_norm(make, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    for n_iter in (1, 3) if len(shape) == 2 else (2,):
        mm, tm = make(mt), make(torch)
        _load_from_torch(mm, tm)
        nn.utils.spectral_norm(mm, n_power_iterations=n_iter)
        torch.nn.utils.spectral_norm(tm, n_power_iterations=n_iter)
        assert repr(mm) == repr(tm)
        _load_from_torch(mm, tm)  # same u, v: the power iterations then agree
        for _ in range(2):
            mm.zero_grad(), tm.zero_grad()
            _forward_backward_both(mm, tm, x, TOL32)
        assert_close(mm.weight_u, tm.weight_u, **TOL32)
        mm.eval(), tm.eval()
        _forward_backward_both(mm, tm, x, TOL32)
        nn.utils.remove_spectral_norm(mm)
        torch.nn.utils.remove_spectral_norm(tm)
        assert list(mm.state_dict()) == list(tm.state_dict())
        assert_close(mm.weight, tm.weight, **TOL32)

        mm, tm = make(mt), make(torch)
        _load_from_torch(mm, tm)
        nn.utils.parametrizations.spectral_norm(mm, n_power_iterations=n_iter)
        torch.nn.utils.parametrizations.spectral_norm(tm, n_power_iterations=n_iter)
        assert repr(mm) == repr(tm)
        _load_from_torch(mm, tm)
        for _ in range(2):
            mm.zero_grad(), tm.zero_grad()
            _forward_backward_both(mm, tm, x, TOL32)
        mm.eval(), tm.eval()
        _forward_backward_both(mm, tm, x, TOL32)
    s = np.linalg.svd(
        mm.weight._data.reshape(mm.weight.shape[0] if "Transpose" not in repr(mm) else 1, -1),
        compute_uv=False,
    )
    assert s.max() > 0


def test_parametrize_register_remove():
    class Symmetric(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    class TSymmetric(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    P, TP = nn.utils.parametrize, torch.nn.utils.parametrize
    mm, tm = nn.Linear(3, 3), torch.nn.Linear(3, 3)
    _load_from_torch(mm, tm)
    P.register_parametrization(mm, "weight", Symmetric())
    TP.register_parametrization(tm, "weight", TSymmetric())
    assert repr(mm).replace("Symmetric", "X") == repr(tm).replace("TSymmetric", "X")
    assert P.is_parametrized(mm) and P.is_parametrized(mm, "weight") and not P.is_parametrized(mm, "bias")
    assert P.type_before_parametrizations(mm) is nn.Linear
    w = mm.weight._data
    assert np.allclose(w, w.T)
    _forward_backward_both(mm, tm, RNG.standard_normal((2, 3)).astype(np.float32), TOL32)
    with P.cached():
        assert mm.weight is mm.weight
    assert mm.weight is not mm.weight
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        mm.weight = mt.zeros(3, 3)
    P.remove_parametrizations(mm, "weight", leave_parametrized=False)
    TP.remove_parametrizations(tm, "weight", leave_parametrized=False)
    assert type(mm) is nn.Linear and list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm.weight, tm.weight)
    _raises_same(
        lambda: P.remove_parametrizations(mm, "weight"), lambda: TP.remove_parametrizations(tm, "weight")
    )

    class FirstRow(nn.Module):
        def forward(self, X):
            return X[:1]

    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(nn.Linear(3, 2), "weight", FirstRow())


def test_stateless_functional_call():
    m = nn.Linear(2, 3)
    w = mt.zeros(3, 2)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        y = nn.utils.stateless.functional_call(m, {"weight": w}, (mt.ones(1, 2),))
    assert_close(y, m.bias.detach().unsqueeze(0))
    assert m.weight.abs().sum().item() > 0


# --- nn.init extras ---


@pytest.mark.parametrize(
    "shape,groups", [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 4, 3, 2, 5), 1), ((4, 4, 1), 4)]
)
def test_init_dirac(shape, groups):
    a = nn.init.dirac_(mt.empty(*shape), groups)
    b = torch.nn.init.dirac_(torch.empty(*shape), groups)
    assert_close(a, b)
    conv_m = nn.Conv2d(3, 3, 3, padding=1, bias=False)
    nn.init.dirac_(conv_m.weight)
    x = mt.randn(1, 3, 4, 4)
    assert_close(conv_m(x), x, dtype_check=False)
    with pytest.warns(FutureWarning, match="nn.init.dirac_"):
        nn.init.dirac(mt.empty(*shape), groups)
    _raises_same(lambda: nn.init.dirac_(mt.empty(3, 3)), lambda: torch.nn.init.dirac_(torch.empty(3, 3)))
    _raises_same(
        lambda: nn.init.dirac_(mt.empty(3, 3, 3), 2), lambda: torch.nn.init.dirac_(torch.empty(3, 3, 3), 2)
    )


def test_init_sparse():
    w = nn.init.sparse_(mt.empty(10, 6), sparsity=0.3, std=0.5)
    zeros = (w._data == 0).sum(0)
    assert np.all(zeros == 3)
    assert 0.2 < w._data[w._data != 0].std() < 1.0
    _raises_same(
        lambda: nn.init.sparse_(mt.empty(3), 0.1), lambda: torch.nn.init.sparse_(torch.empty(3), 0.1)
    )
    # the same draws as torch once the generators agree (normal_, then one randperm per column)
    mt.manual_seed(3)
    torch.manual_seed(3)
    if not np.allclose(mt.randn(4)._data, torch.randn(4).numpy()):
        return
    mt.manual_seed(3)
    torch.manual_seed(3)
    assert_close(nn.init.sparse_(mt.empty(5, 4), 0.4), torch.nn.init.sparse_(torch.empty(5, 4), 0.4))


# --- pooling extras, LocalResponseNorm ---


def _with_indices(fm, ft, x, **kw):
    xm, xt = _pair(x)
    (vm, im), (vt, it) = fm(xm, return_indices=True, **kw), ft(xt, return_indices=True, **kw)
    assert_close(vm, vt)
    assert_close(im, it)
    g = RNG.standard_normal(tuple(vt.shape))
    (vm * mt.tensor(g)).sum().backward()
    (vt * torch.tensor(g)).sum().backward()
    assert_close(xm.grad, xt.grad)


@pytest.mark.parametrize("out", [3, (2, 4), (7, 5), (None, 2), 1])
def test_adaptive_max_pool(out):
    x = RNG.standard_normal((2, 3, 7, 5))
    x[0, 0, :2, :2] = 1.5  # ties: the first maximum, as torch
    _with_indices(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, x, output_size=out)
    _compare(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, [x[0]], kwargs=dict(output_size=out))
    o1 = out if isinstance(out, int) else 4
    _with_indices(F.adaptive_max_pool1d, TF.adaptive_max_pool1d, x[:, :, 0], output_size=o1)
    for mm, tm in [
        (nn.AdaptiveMaxPool2d(out), torch.nn.AdaptiveMaxPool2d(out)),
        (nn.AdaptiveMaxPool1d(o1), torch.nn.AdaptiveMaxPool1d(o1)),
    ]:
        _same_module(
            mm, tm, x.astype(np.float32) if "2d" in repr(type(mm)) else x[:, :, 0].astype(np.float32)
        )
    assert repr(nn.AdaptiveMaxPool2d(out, True)) == repr(torch.nn.AdaptiveMaxPool2d(out, True))


@pytest.mark.parametrize(
    "k,s,p,shape", [(2, None, 0, (2, 3, 6, 4)), (3, 1, 1, (3, 5, 5)), (3, 2, 1, (1, 2, 7, 7))]
)
def test_max_unpool(k, s, p, shape):
    xt = torch.tensor(RNG.standard_normal(shape))
    v, i = TF.max_pool2d(xt, k, s, p, return_indices=True)
    _compare(
        lambda a, b: F.max_unpool2d(a, b, k, s, p),
        lambda a, b: TF.max_unpool2d(a, b, k, s, p),
        [v.numpy(), i.numpy()],
    )
    out = shape[-2:]
    _compare(
        lambda a, b: F.max_unpool2d(a, b, k, s, p, out),
        lambda a, b: TF.max_unpool2d(a, b, k, s, p, out),
        [v.numpy(), i.numpy()],
    )
    v1, i1 = TF.max_pool1d(xt[..., 0], k, s, p, return_indices=True)
    _compare(
        lambda a, b: F.max_unpool1d(a, b, k, s, p),
        lambda a, b: TF.max_unpool1d(a, b, k, s, p),
        [v1.numpy(), i1.numpy()],
    )
    mm, tm = nn.MaxUnpool2d(k, s, p), torch.nn.MaxUnpool2d(k, s, p)
    assert repr(mm) == repr(tm) and repr(nn.MaxUnpool1d(k, s, p)) == repr(torch.nn.MaxUnpool1d(k, s, p))
    # pool -> unpool round trip through modules
    pm, pt = nn.MaxPool2d(k, s, p, return_indices=True), torch.nn.MaxPool2d(k, s, p, return_indices=True)
    xm = mt.tensor(xt.numpy())
    assert_close(mm(*pm(xm)), tm(*pt(xt)))
    _raises_same(
        lambda: F.max_unpool2d(mt.tensor(v.numpy()), mt.tensor(i.numpy()), k, s, p, (1, 1)),
        lambda: TF.max_unpool2d(v, i, k, s, p, (1, 1)),
    )


@pytest.mark.parametrize("p,k,s", [(2, 2, None), (1.5, (2, 3), 1), (3, 3, 2)])
def test_lp_pool(p, k, s):
    x = np.abs(RNG.standard_normal((2, 3, 6, 7))) + 0.1
    _compare(F.lp_pool2d, TF.lp_pool2d, [x], kwargs=dict(norm_type=p, kernel_size=k, stride=s))
    k1 = k if isinstance(k, int) else k[0]
    _compare(F.lp_pool1d, TF.lp_pool1d, [x[:, :, 0]], kwargs=dict(norm_type=p, kernel_size=k1, stride=s))
    _same_module(nn.LPPool2d(p, k, s), torch.nn.LPPool2d(p, k, s), x.astype(np.float32))
    _same_module(nn.LPPool1d(p, k1, s), torch.nn.LPPool1d(p, k1, s), x[:, :, 0].astype(np.float32))


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_local_response_norm(size):
    x = RNG.standard_normal((2, 5, 4, 3))
    _compare(F.local_response_norm, TF.local_response_norm, [x], kwargs=dict(size=size))
    _compare(
        F.local_response_norm,
        TF.local_response_norm,
        [x[:, :, 0]],
        kwargs=dict(size=size, alpha=0.1, beta=0.5, k=2.0),
    )
    _same_module(
        nn.LocalResponseNorm(size, 0.01), torch.nn.LocalResponseNorm(size, 0.01), x.astype(np.float32)
    )
    _raises_same(
        lambda: F.local_response_norm(mt.randn(2, 3), 2), lambda: TF.local_response_norm(torch.randn(2, 3), 2)
    )


# --- padding layers, RMSNorm, ChannelShuffle ---

PADS = [
    ("ZeroPad1d", (2,), (2, 3, 5)),
    ("ZeroPad2d", ((1, 0, 2, 3),), (2, 3, 4, 5)),
    ("ZeroPad3d", (1,), (1, 2, 3, 4, 5)),
    ("ConstantPad1d", ((1, 2), 3.5), (2, 3, 5)),
    ("ConstantPad2d", (2, -1.0), (3, 4, 5)),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 0.5), (1, 2, 3, 4, 5)),
    ("ReflectionPad1d", (2,), (2, 3, 5)),
    ("ReflectionPad2d", ((1, 0, 2, 3),), (2, 3, 4, 5)),
    ("ReplicationPad1d", (2,), (2, 3, 5)),
    ("ReplicationPad2d", (1,), (2, 3, 4, 5)),
    ("ReplicationPad3d", (1,), (1, 2, 3, 4, 5)),
    ("CircularPad1d", (2,), (2, 3, 5)),
    ("CircularPad2d", ((1, 0, 2, 1),), (2, 3, 4, 5)),
]


@pytest.mark.parametrize("name,args,shape", PADS)
def test_padding_modules(name, args, shape):
    _same_module(
        getattr(nn, name)(*args),
        getattr(torch.nn, name)(*args),
        RNG.standard_normal(shape).astype(np.float32),
    )


def test_padding_module_errors():
    _raises_same(
        lambda: nn.CircularPad2d(1)(mt.randn(3, 4)), lambda: torch.nn.CircularPad2d(1)(torch.randn(3, 4))
    )


@pytest.mark.parametrize(
    "shape,ns,kw",
    [((2, 3, 4), 4, {}), ((2, 3, 4), (3, 4), {"eps": 1e-5}), ((5, 4), [4], {"elementwise_affine": False})],
)
def test_rms_norm(shape, ns, kw):
    x = RNG.standard_normal(shape)
    nsl = (ns,) if isinstance(ns, int) else ns
    w = RNG.standard_normal(tuple(nsl))
    eps = kw.get("eps")
    _compare(lambda a, b: F.rms_norm(a, nsl, b, eps), lambda a, b: TF.rms_norm(a, nsl, b, eps), [x, w])
    _compare(lambda a: F.rms_norm(a, nsl), lambda a: TF.rms_norm(a, nsl), [x])
    mm, tm = nn.RMSNorm(ns, **kw), torch.nn.RMSNorm(ns, **kw)
    if kw.get("elementwise_affine", True):
        tm.weight.data.normal_()
    _same_module(mm, tm, x.astype(np.float32), tol=dict(rtol=1e-5, atol=1e-6))
    _raises_same(lambda: F.rms_norm(mt.randn(2, 3), (4,)), lambda: TF.rms_norm(torch.randn(2, 3), (4,)))


def test_channel_shuffle():
    x = RNG.standard_normal((2, 6, 3, 2))
    _compare(F.channel_shuffle, TF.channel_shuffle, [x], kwargs=dict(groups=3), grad=False)
    _same_module(nn.ChannelShuffle(2), torch.nn.ChannelShuffle(2), x.astype(np.float32))
    _raises_same(
        lambda: F.channel_shuffle(mt.randn(2, 5, 3), 2), lambda: TF.channel_shuffle(torch.randn(2, 5, 3), 2)
    )


# --- nn.utils.prune ---

if torch is not None:
    import torch.nn.utils.prune  # noqa: F401  (torch does not import it with torch.nn.utils)


def _pruned_pair():
    mm, tm = nn.Linear(6, 4), torch.nn.Linear(6, 4)
    _load_from_torch(mm, tm)
    return mm, tm


def test_prune_l1_and_remove():
    P, TP = nn.utils.prune, torch.nn.utils.prune
    mm, tm = _pruned_pair()
    P.l1_unstructured(mm, "weight", amount=0.3)
    TP.l1_unstructured(tm, "weight", amount=0.3)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm.weight_mask, tm.weight_mask)
    assert P.is_pruned(mm) and P.is_pruned(nn.Sequential(mm))
    _forward_backward_both(mm, tm, RNG.standard_normal((3, 6)).astype(np.float32), TOL32)
    # again: a PruningContainer prunes 2 more of what is left; then structured pruning on top
    P.l1_unstructured(mm, "weight", amount=2)
    TP.l1_unstructured(tm, "weight", amount=2)
    assert_close(mm.weight_mask, tm.weight_mask)
    P.ln_structured(mm, "weight", amount=1, n=2, dim=0)
    TP.ln_structured(tm, "weight", amount=1, n=2, dim=0)
    assert_close(mm.weight_mask, tm.weight_mask)
    assert isinstance(next(iter(mm._forward_pre_hooks.values())), P.PruningContainer)
    P.l1_unstructured(mm, "bias", amount=0.5, importance_scores=mt.tensor([4.0, 3.0, 2.0, 1.0]))
    TP.l1_unstructured(tm, "bias", amount=0.5, importance_scores=torch.tensor([4.0, 3.0, 2.0, 1.0]))
    assert_close(mm.bias_mask, tm.bias_mask)
    P.remove(mm, "weight")
    TP.remove(tm, "weight")
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm.weight, tm.weight)
    assert isinstance(mm.weight, nn.Parameter)
    _raises_same(lambda: P.remove(mm, "weight"), lambda: TP.remove(tm, "weight"))
    _raises_same(
        lambda: P.l1_unstructured(mm, "weight", amount=1.5),
        lambda: TP.l1_unstructured(tm, "weight", amount=1.5),
    )
    _raises_same(
        lambda: P.l1_unstructured(nn.Linear(2, 2), "weight", amount=10),
        lambda: TP.l1_unstructured(torch.nn.Linear(2, 2), "weight", amount=10),
    )


def test_prune_random_global_custom():
    P, TP = nn.utils.prune, torch.nn.utils.prune
    mm, _ = _pruned_pair()
    P.random_unstructured(mm, "weight", amount=0.5)
    assert int((mm.weight_mask._data == 0).sum()) == 12
    assert np.all((mm.weight._data == 0) | (mm.weight_mask._data == 1))
    P.random_structured(mm, "weight", amount=1, dim=1)
    assert int(np.all(mm.weight_mask._data == 0, axis=0).sum()) >= 1
    a, ta = _pruned_pair()
    b, tb = _pruned_pair()
    P.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=P.L1Unstructured, amount=0.4)
    TP.global_unstructured([(ta, "weight"), (tb, "weight")], pruning_method=TP.L1Unstructured, amount=0.4)
    assert_close(a.weight_mask, ta.weight_mask)
    assert_close(b.weight_mask, tb.weight_mask)
    mask = (RNG.random((4, 6)) > 0.5).astype(np.float32)
    c, tc = _pruned_pair()
    P.custom_from_mask(c, "weight", mt.tensor(mask))
    TP.custom_from_mask(tc, "weight", torch.tensor(mask))
    assert_close(c.weight, tc.weight)
    d = nn.Linear(2, 3)
    P.identity(d, "weight")
    assert np.all(d.weight_mask._data == 1)


# --- CTC ---


@pytest.mark.parametrize("reduction", RED)
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss(reduction, zero_infinity):
    T, N, C = 6, 4, 5
    logits = RNG.standard_normal((T, N, C))
    lp = torch.tensor(logits).log_softmax(2).numpy()
    tg = np.array([[1, 2, 2], [3, 1, 0], [4, 4, 4], [2, 2, 2]])
    il, tl = [6, 5, 4, 3], [3, 2, 2, 3]  # the last is infeasible (3 repeats need 5 frames): inf
    kw = dict(reduction=reduction, zero_infinity=zero_infinity)
    _compare(
        lambda a: F.ctc_loss(a, mt.tensor(tg), il, tl, **kw),
        lambda a: TF.ctc_loss(a, torch.tensor(tg), il, tl, **kw),
        [lp],
        grad=zero_infinity or reduction == "none",
    )
    flat = np.concatenate([tg[b, : tl[b]] for b in range(3)])
    _compare(
        lambda a: F.ctc_loss(a, mt.tensor(flat), mt.tensor(il[:3]), mt.tensor(tl[:3]), blank=0, **kw),
        lambda a: TF.ctc_loss(
            a, torch.tensor(flat), torch.tensor(il[:3]), torch.tensor(tl[:3]), blank=0, **kw
        ),
        [lp[:, :3]],
    )
    # through log_softmax from logits, blank last, float32, the module
    mm, tm = nn.CTCLoss(blank=4, **kw), torch.nn.CTCLoss(blank=4, **kw)
    assert repr(mm) == repr(tm)
    tg2 = np.array([[1, 2, 0], [3, 1, 0], [0, 0, 0], [2, 1, 2]])
    _compare(
        lambda a: mm(a.log_softmax(2), mt.tensor(tg2), il, [3, 2, 1, 3]),
        lambda a: tm(a.log_softmax(2), torch.tensor(tg2), il, [3, 2, 1, 3]),
        [logits.astype(np.float32)],
        tol=dict(rtol=1e-4, atol=1e-5),
    )
    # unbatched
    _compare(
        lambda a: F.ctc_loss(a, mt.tensor(tg[0]), [6], [3], **kw),
        lambda a: TF.ctc_loss(a, torch.tensor(tg[0]), [6], [3], **kw),
        [lp[:, 0]],
    )


@pytest.mark.parametrize(
    "shape,k,kw",
    [
        ((2, 3, 9, 8), 3, dict(output_size=(4, 5))),
        ((2, 3, 10, 10), 2, dict(output_ratio=(0.5, 0.7))),
        ((3, 7, 7), (2, 3), dict(output_size=3)),
    ],
)
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_fractional_max_pool2d(shape, k, kw, dt):
    x = RNG.standard_normal(shape).astype(dt)
    s = RNG.random((1 if len(shape) == 3 else shape[0], shape[-3], 2)).astype(dt)
    _with_indices(
        lambda a, **q: F.fractional_max_pool2d(a, k, _random_samples=mt.tensor(s), **q),
        lambda a, **q: TF.fractional_max_pool2d(a, k, _random_samples=torch.tensor(s), **q),
        x,
        **kw,
    )
    mm = nn.FractionalMaxPool2d(k, _random_samples=mt.tensor(s), **kw)
    tm = torch.nn.FractionalMaxPool2d(k, _random_samples=torch.tensor(s), **kw)
    assert repr(mm) == repr(tm) and list(mm.state_dict()) == list(tm.state_dict())
    assert_close(mm(mt.tensor(x)), tm(torch.tensor(x)))
    _raises_same(lambda: nn.FractionalMaxPool2d(2), lambda: torch.nn.FractionalMaxPool2d(2))
    _raises_same(
        lambda: nn.FractionalMaxPool2d(2, output_ratio=1.5),
        lambda: torch.nn.FractionalMaxPool2d(2, output_ratio=1.5),
    )
    y = nn.FractionalMaxPool2d(2, output_ratio=0.5)(mt.tensor(x))  # samples drawn from the generator
    assert y.shape[-2:] == (shape[-2] // 2, shape[-1] // 2)


# --- dropout variants ---


def _generators_agree() -> bool:
    mt.manual_seed(5)
    torch.manual_seed(5)
    return np.allclose(mt.rand(6)._data, torch.rand(6).numpy())


@pytest.mark.parametrize(
    "name,shape",
    [
        ("dropout1d", (4, 3, 5)),
        ("dropout1d", (3, 5)),
        ("dropout3d", (2, 3, 2, 2, 2)),
        ("dropout3d", (3, 2, 2, 2)),
        ("alpha_dropout", (4, 3, 5)),
        ("feature_alpha_dropout", (4, 3, 5)),
    ],
)
def test_dropout_variants(name, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    fm, ft = getattr(F, name), getattr(TF, name)
    assert_close(fm(mt.tensor(x), 0.3, False), ft(torch.tensor(x), 0.3, False))
    y = fm(mt.tensor(x), 0.4, True)
    if name.endswith("alpha_dropout"):
        al = 1.7580993408473766
        a = 1 / np.sqrt((al**2 * 0.4 + 1) * 0.6)
        kept = np.isclose(y._data, a * x + al * a * 0.4, rtol=1e-5, atol=1e-6)
        dropped = np.isclose(y._data, -al * a * 0.6, rtol=1e-5)
        assert np.all(kept | dropped) and kept.any() and dropped.any()
    else:
        zero = y._data == 0
        assert zero.any() and np.allclose(y._data[~zero], x[~zero] / 0.6)
        if shape[-1] > 1:  # whole channels
            assert np.all(zero.all(-1) | ~zero.any(-1))
    if _generators_agree():
        mt.manual_seed(1)
        torch.manual_seed(1)
        xm, xt = _pair(x)
        ym, yt = fm(xm, 0.3, True), ft(xt, 0.3, True)
        assert_close(ym, yt)
        ym.sum().backward()
        yt.sum().backward()
        assert_close(xm.grad, xt.grad)
    mod = {
        "dropout1d": "Dropout1d",
        "dropout3d": "Dropout3d",
        "alpha_dropout": "AlphaDropout",
        "feature_alpha_dropout": "FeatureAlphaDropout",
    }[name]
    assert repr(getattr(nn, mod)(0.2)) == repr(getattr(torch.nn, mod)(0.2))
    _raises_same(lambda: F.dropout1d(mt.randn(2), 0.5), lambda: TF.dropout1d(torch.randn(2), 0.5))


# --- draws from the generator, as torch's once the generators agree ---


def test_rrelu_training_draws_as_torch():
    if not _generators_agree():
        pytest.skip("minitorch's generator does not give torch's draws yet")
    for dt in (np.float32, np.float64):
        mt.manual_seed(3)
        torch.manual_seed(3)
        x = X.astype(dt)
        _compare(
            lambda a: F.rrelu(a, 0.1, 0.3, training=True), lambda a: TF.rrelu(a, 0.1, 0.3, training=True), [x]
        )
        mt.manual_seed(4)
        torch.manual_seed(4)
        mm, tm = nn.RReLU(), torch.nn.RReLU()
        assert_close(mm(mt.tensor(x)), tm(torch.tensor(x)))


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.nn.PReLU(3),
        lambda lib: lib.nn.Bilinear(3, 4, 2),
        lambda lib: lib.nn.EmbeddingBag(6, 3, mode="sum", padding_idx=1),
        lambda lib: lib.nn.RMSNorm(4),
        lambda lib: lib.nn.utils.spectral_norm(lib.nn.Linear(3, 4)),
        lambda lib: lib.nn.utils.parametrizations.spectral_norm(lib.nn.Conv2d(2, 3, 3)),
        lambda lib: lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 4)),
    ],
)
def test_initialisation_as_torch(make):
    if not _generators_agree():
        pytest.skip("minitorch's generator does not give torch's draws yet")
    mt.manual_seed(7)
    torch.manual_seed(7)
    mm, tm = make(mt), make(torch)
    sm, st = mm.state_dict(), tm.state_dict()
    assert list(sm) == list(st)
    for k in st:
        assert_close(sm[k], st[k], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax(hard):
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    y = F.gumbel_softmax(mt.tensor(x), tau=0.5, hard=hard)
    assert np.allclose(y._data.sum(-1), 1, atol=1e-6)
    if hard:
        assert set(np.unique(y._data)) <= {0.0, 1.0}
    if not _generators_agree():
        return
    mt.manual_seed(2)
    torch.manual_seed(2)
    _compare(
        lambda a: F.gumbel_softmax(a, tau=0.5, hard=hard, dim=0),
        lambda a: TF.gumbel_softmax(a, tau=0.5, hard=hard, dim=0),
        [x],
        tol=dict(rtol=1e-5, atol=1e-6),
    )


def test_fusion_skip_init_nllloss2d():
    U, TU = nn.utils, torch.nn.utils
    for transpose in (False, True):
        conv_m = nn.ConvTranspose2d(3, 4, 3) if transpose else nn.Conv2d(3, 4, 3)
        conv_t = torch.nn.ConvTranspose2d(3, 4, 3) if transpose else torch.nn.Conv2d(3, 4, 3)
        bn_m, bn_t = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
        with torch.no_grad():
            for p in (bn_t.weight, bn_t.bias, bn_t.running_mean):
                p.normal_()
            bn_t.running_var.uniform_(0.5, 2)
        _load_from_torch(conv_m, conv_t)
        _load_from_torch(bn_m, bn_t)
        for m in (conv_m, conv_t, bn_m, bn_t):
            m.eval()
        fm, ft = U.fuse_conv_bn_eval(conv_m, bn_m, transpose), TU.fuse_conv_bn_eval(conv_t, bn_t, transpose)
        assert_close(fm.weight, ft.weight, **TOL32)
        assert_close(fm.bias, ft.bias, **TOL32)
        x = RNG.standard_normal((1, 3, 5, 5)).astype(np.float32)
        assert_close(fm(mt.tensor(x)), bn_m(conv_m(mt.tensor(x))), **TOL32)
    lin_m, lin_t = nn.Linear(3, 4), torch.nn.Linear(3, 4)
    bn_m, bn_t = nn.BatchNorm1d(4), torch.nn.BatchNorm1d(4)
    with torch.no_grad():
        bn_t.running_mean.normal_()
    _load_from_torch(lin_m, lin_t)
    _load_from_torch(bn_m, bn_t)
    for m in (lin_m, lin_t, bn_m, bn_t):
        m.eval()
    assert_close(U.fuse_linear_bn_eval(lin_m, bn_m).bias, TU.fuse_linear_bn_eval(lin_t, bn_t).bias, **TOL32)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        U.fuse_linear_bn_eval(nn.Linear(3, 4), nn.BatchNorm1d(4))
    m = U.skip_init(nn.Linear, 3, 4)
    assert repr(m) == repr(TU.skip_init(torch.nn.Linear, 3, 4)) and m.weight.shape == (4, 3)
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        assert repr(nn.NLLLoss2d()) == "NLLLoss2d()"
    _raises_same(
        lambda: F.soft_margin_loss(mt.randn(3), mt.ones(3, requires_grad=True)),
        lambda: TF.soft_margin_loss(torch.randn(3), torch.ones(3, requires_grad=True)),
    )


# --- lazy layers ---

LAZY = [
    ("LazyLinear", (4,), {}, (2, 3)),
    ("LazyLinear", (4,), {"bias": False}, (2, 5, 3)),
    ("LazyConv1d", (4, 3), {"bias": False}, (3, 6)),
    ("LazyConv2d", (8, 3), {"padding": 1}, (2, 3, 5, 5)),
    ("LazyConvTranspose2d", (4, 3, 2), {}, (2, 3, 5, 5)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"momentum": 0.2}, (2, 3, 5, 5)),
    ("LazyInstanceNorm2d", (), {"affine": True}, (2, 3, 5, 5)),
]


@pytest.mark.parametrize("name,args,kw,shape", LAZY)
def test_lazy_modules(name, args, kw, shape):
    import warnings

    mt.manual_seed(0)
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mm, tm = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(mm) == repr(tm) and list(mm.state_dict()) == list(tm.state_dict())
    assert type(next(iter(mm.parameters()), mm.weight if "weight" in mm._parameters else None)).__name__ in (
        "UninitializedParameter",
        "NoneType",
    )
    params = list(mm.parameters())  # an optimizer built now keeps working after the first forward
    x = RNG.standard_normal(shape).astype(np.float32)
    xm, xt = _pair(x)
    om, ot = mm(xm), tm(xt)
    assert type(mm).__name__ == type(tm).__name__ and repr(mm) == repr(tm)
    assert all(type(p) is nn.Parameter for p in params) and [p.shape for p in params] == [
        p.shape for p in mm.parameters()
    ]
    if _generators_agree() or not params:
        assert_close(om, ot, **TOL32)
    om.square().sum().backward()
    for p in params:
        assert p.grad is not None


def test_is_lazy():
    from minitorch.nn.parameter import UninitializedParameter, is_lazy

    m = nn.LazyLinear(3)
    assert is_lazy(m.weight) and isinstance(m.weight, UninitializedParameter)
    m(mt.randn(2, 4))
    assert not is_lazy(m.weight) and not is_lazy(nn.Linear(2, 2).weight)
