"""ParameterList / ParameterDict, GroupNorm, InstanceNorm1d/2d and ConvTranspose1d/2d against
torch: registration, reprs, state_dict keys, values and grads (same weights), errors."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn

pytestmark = needs_torch


def _leaf(arr):
    return mt.tensor(arr.copy(), requires_grad=True), torch.tensor(arr.copy(), requires_grad=True)


def _backward_both(om, ot, rng):
    g = rng.standard_normal(tuple(ot.shape)).astype(om._data.dtype)
    (om * mt.tensor(g)).sum().backward()
    (ot * torch.tensor(g)).sum().backward()


def _copy_weights(mm, tm):
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})


def _repr(m) -> str:
    return repr(m).replace("torch.", "minitorch.")


# --------------------------------------------------------------------------------------------
# ParameterList / ParameterDict
# --------------------------------------------------------------------------------------------
def _plist(lib):
    return lib.nn.ParameterList(
        [lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4), lib.ones(1, dtype=lib.float64), "extra"]
    )


def test_parameter_list_registration_and_repr():
    pl, tpl = _plist(mt), _plist(torch)
    assert len(pl) == 4
    assert isinstance(pl[1], nn.Parameter) and pl[1].requires_grad  # the Tensor was wrapped
    assert pl[3] == "extra" and pl[-1] == "extra"
    assert list(pl.state_dict()) == list(tpl.state_dict()) == ["0", "1", "2"]
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert repr(pl) == _repr(tpl)
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList()) == "ParameterList()"

    def model(lib):
        class Model(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.ws = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)) for _ in range(2)])
                self.fc = lib.nn.Linear(2, 2)

        return Model()

    assert repr(model(mt)) == _repr(model(torch))
    assert list(model(mt).state_dict()) == list(model(torch).state_dict())


def test_parameter_list_operations():
    pl = nn.ParameterList()
    pl.append(mt.ones(2))
    pl.extend([mt.zeros(3), nn.Parameter(mt.ones(1))])
    pl += [mt.ones(4)]
    assert [tuple(p.shape) for p in pl] == [(2,), (3,), (1,), (4,)]
    assert [tuple(p.shape) for p in pl[1:3]] == [(3,), (1,)]
    assert isinstance(pl[1:3], nn.ParameterList)
    new = nn.Parameter(mt.full((5,), 2.0))
    pl[-1] = new
    assert pl[3] is new and pl.get_parameter("3") is new
    assert len(list(pl.parameters())) == 4
    with pytest.raises(IndexError, match="index 4 is out of range"):
        pl[4]
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable"):
        pl.extend(mt.ones(2))
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl(mt.ones(1))
    assert "0" not in dir(pl)


def test_parameter_list_trains_and_loads():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((3, 3)) for _ in range(3)]
    pl = nn.ParameterList([mt.tensor(a) for a in arrays])
    tpl = torch.nn.ParameterList([torch.tensor(a) for a in arrays])
    x = rng.standard_normal((2, 3))
    out, tout = mt.tensor(x), torch.tensor(x)
    for w, tw in zip(pl, tpl):
        out, tout = (out @ w).tanh(), (tout @ tw).tanh()
    out.sum().backward()
    tout.sum().backward()
    for w, tw in zip(pl, tpl):
        assert_close(w.grad, tw.grad)
    fresh = nn.ParameterList([mt.zeros(3, 3, dtype=mt.float64) for _ in range(3)])
    fresh.load_state_dict(pl.state_dict())
    for a, b in zip(fresh, pl):
        np.testing.assert_array_equal(a._data, b._data)


def _pdict(lib):
    return lib.nn.ParameterDict({"b": lib.zeros(2), "a": lib.nn.Parameter(lib.ones(3, 1)), "c": 7})


def test_parameter_dict_registration_and_repr():
    pd, tpd = _pdict(mt), _pdict(torch)
    assert list(pd.keys()) == list(tpd.keys()) == ["a", "b", "c"]  # a plain dict is taken sorted
    assert isinstance(pd["b"], nn.Parameter)
    assert list(pd.state_dict()) == list(tpd.state_dict())
    assert repr(pd) == _repr(tpd)
    od = nn.ParameterDict(OrderedDict([("z", mt.ones(1)), ("y", mt.ones(2))]))
    assert list(od) == ["z", "y"]
    pairs = nn.ParameterDict([("q", mt.ones(1)), ("p", mt.ones(2))])
    assert list(pairs) == ["q", "p"] and list(pairs.state_dict()) == ["q", "p"]


def test_parameter_dict_operations():
    pd = nn.ParameterDict()
    pd["w"] = mt.ones(2)
    pd.update({"v": mt.zeros(3)})
    assert "w" in pd and len(pd) == 2 and list(reversed(pd)) == ["v", "w"]
    assert pd.get("missing") is None and pd.get("w") is pd["w"]
    assert pd.setdefault("u", mt.ones(1)) is pd["u"]
    assert [k for k, _ in pd.items()] == ["w", "v", "u"]
    assert len(list(pd.values())) == 3
    v = pd.pop("v")
    assert tuple(v.shape) == (3,) and "v" not in pd and "v" not in dict(pd.named_parameters())
    k, p = pd.popitem()
    assert k == "u" and list(pd) == ["w"]
    merged = pd | nn.ParameterDict({"x": mt.ones(1)})
    assert list(merged) == ["w", "x"] and merged["w"] is pd["w"]
    cp = pd.copy()
    assert cp["w"] is pd["w"]
    del pd["w"]
    assert len(pd) == 0 and list(pd.parameters()) == []
    pd.update([("a", mt.ones(1)), ("b", mt.ones(1))])
    pd.clear()
    assert len(pd) == 0
    assert list(nn.ParameterDict().fromkeys(["a", "b"], mt.ones(1)).keys()) == ["a", "b"]
    with pytest.raises(TypeError, match="cannot be used as a key as it is not a string"):
        pd[1] = mt.ones(1)
    with pytest.raises(ValueError, match="has length 3; 2 is required"):
        pd.update([("a", 1, 2)])
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        pd(1)


# --------------------------------------------------------------------------------------------
# GroupNorm
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "groups,shape,kw",
    [
        (2, (3, 6, 4, 5), dict()),
        (1, (2, 4, 7), dict()),
        (4, (2, 4, 3, 3), dict(affine=False)),
        (3, (2, 6), dict(eps=1e-3)),
        (2, (2, 4, 2, 3, 2), dict(bias=False)),
    ],
)
def test_group_norm_matches_torch(groups, shape, kw, dtype):
    rng = np.random.default_rng(1)
    tm, mm = torch.nn.GroupNorm(groups, shape[1], **kw), nn.GroupNorm(groups, shape[1], **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert repr(mm) == repr(tm)
    with torch.no_grad():  # non-trivial affine parameters
        for p in tm.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape))))
    _copy_weights(mm, tm)
    x, tx = _leaf((rng.standard_normal(shape) * 3 + 1).astype(dtype))
    out, tout = mm(x), tm(tx)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    assert_close(x.grad, tx.grad)
    for name, p in tm.named_parameters():
        assert_close(mm.get_parameter(name).grad, p.grad)


def test_group_norm_errors():
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by num_groups \(4\)"):
        nn.GroupNorm(4, 6)
    with pytest.raises(
        RuntimeError, match="Expected number of channels in input to be divisible by num_groups"
    ):
        F.group_norm(mt.zeros(2, 6, 3), 4)
    with pytest.raises(RuntimeError, match="Expected at least 2 dimensions"):
        F.group_norm(mt.zeros(6), 2)


# --------------------------------------------------------------------------------------------
# InstanceNorm
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "kind,shape,kw",
    [
        ("InstanceNorm1d", (3, 4, 6), dict()),
        ("InstanceNorm1d", (4, 6), dict(affine=True)),
        ("InstanceNorm2d", (2, 3, 4, 5), dict()),
        ("InstanceNorm2d", (2, 3, 4, 5), dict(affine=True, track_running_stats=True, momentum=0.3)),
        ("InstanceNorm2d", (3, 4, 5), dict(track_running_stats=True, momentum=None)),
        ("InstanceNorm2d", (2, 3, 4, 5), dict(affine=True, bias=False)),
    ],
)
def test_instance_norm_matches_torch(kind, shape, kw, dtype):
    rng = np.random.default_rng(2)
    c = shape[-2] if kind == "InstanceNorm1d" else shape[-3]
    tm, mm = getattr(torch.nn, kind)(c, **kw), getattr(nn, kind)(c, **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert repr(mm) == repr(tm)
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape))))
    _copy_weights(mm, tm)
    for _ in range(2):  # twice: the running statistics accumulate
        x, tx = _leaf((rng.standard_normal(shape) * 2 - 1).astype(dtype))
        out, tout = mm(x), tm(tx)
        assert_close(out, tout)
        _backward_both(out, tout, rng)
        assert_close(x.grad, tx.grad)
        for name, p in tm.named_parameters():
            assert_close(mm.get_parameter(name).grad, p.grad)
    for name, b in tm.named_buffers():
        assert_close(mm.get_buffer(name), b)
    tm.eval()
    mm.eval()
    xa = rng.standard_normal(shape).astype(dtype)
    assert_close(mm(mt.tensor(xa)), tm(torch.tensor(xa)))


def test_instance_norm_functional_and_errors():
    rng = np.random.default_rng(3)
    xa = rng.standard_normal((2, 3, 5))
    assert_close(F.instance_norm(mt.tensor(xa)), torch.nn.functional.instance_norm(torch.tensor(xa)))
    assert list(nn.InstanceNorm2d(3).state_dict()) == []
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        nn.InstanceNorm1d(3)(mt.zeros(2, 3, 1))
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.InstanceNorm2d(3)(mt.zeros(2, 3))
    with pytest.raises(ValueError, match="to match num_features"):
        nn.InstanceNorm1d(4, affine=True)(mt.zeros(2, 3, 5))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(4)(mt.zeros(2, 3, 5))


# --------------------------------------------------------------------------------------------
# ConvTranspose
# --------------------------------------------------------------------------------------------
CONV_T = [
    dict(),
    dict(stride=2),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(3, 2), padding=(2, 0), output_padding=(2, 1)),
    dict(stride=2, padding=1, groups=2),
    dict(dilation=2, padding=1, bias=False),
    dict(stride=1, dilation=3, output_padding=2),  # output_padding >= stride (allowed by the dilation)
    dict(kernel_size=1, stride=3, groups=2),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "kw", CONV_T, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default"
)
def test_conv_transpose2d_matches_torch(kw, dtype):
    rng = np.random.default_rng(4)
    kw = dict(kw)
    k = kw.pop("kernel_size", (3, 2))
    tm, mm = torch.nn.ConvTranspose2d(4, 6, k, **kw), nn.ConvTranspose2d(4, 6, k, **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert repr(mm) == repr(tm)
    _copy_weights(mm, tm)
    x, tx = _leaf(rng.standard_normal((2, 4, 5, 4)).astype(dtype))
    out, tout = mm(x), tm(tx)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    assert_close(x.grad, tx.grad)
    for name, p in tm.named_parameters():
        assert_close(mm.get_parameter(name).grad, p.grad)


@pytest.mark.parametrize(
    "kw", [dict(), dict(stride=2, padding=1, output_padding=1, groups=2), dict(dilation=2, bias=False)]
)
def test_conv_transpose1d_matches_torch(kw):
    rng = np.random.default_rng(5)
    tm, mm = torch.nn.ConvTranspose1d(4, 2, 3, **kw).double(), nn.ConvTranspose1d(4, 2, 3, **kw).double()
    assert repr(mm) == repr(tm)
    _copy_weights(mm, tm)
    x, tx = _leaf(rng.standard_normal((3, 4, 6)))
    out, tout = mm(x), tm(tx)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    assert_close(x.grad, tx.grad)
    assert_close(mm.weight.grad, tm.weight.grad)


def test_conv_transpose2d_functional_unbatched_output_size():
    rng = np.random.default_rng(6)
    xa, wa, ba = rng.standard_normal((4, 5, 5)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(3)
    (x, w, b), (tx, tw, tb) = zip(*[_leaf(a) for a in (xa, wa, ba)])
    out = F.conv_transpose2d(x, w, b, stride=2, padding=1)
    tout = torch.nn.functional.conv_transpose2d(tx, tw, tb, stride=2, padding=1)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    for a, t in ((x, tx), (w, tw), (b, tb)):
        assert_close(a.grad, t.grad)
    tm, mm = (
        torch.nn.ConvTranspose2d(2, 3, 3, stride=2).double(),
        nn.ConvTranspose2d(2, 3, 3, stride=2).double(),
    )
    _copy_weights(mm, tm)
    xa = rng.standard_normal((1, 2, 4, 4))
    for size in [(10, 10), (9, 10), [1, 3, 10, 9]]:
        assert_close(mm(mt.tensor(xa), output_size=size), tm(torch.tensor(xa), output_size=size))
    with pytest.raises(ValueError, match=r"requested an output size of \[11, 11\], but valid sizes range"):
        mm(mt.tensor(xa), output_size=(11, 11))


def test_conv_transpose_is_the_input_grad_of_conv2d():
    """<conv_transpose2d(y, w), x> == <y, conv2d(x, w)> (adjoints), and double backward works."""
    rng = np.random.default_rng(7)
    x = mt.tensor(rng.standard_normal((2, 3, 8, 6)))
    w = mt.tensor(rng.standard_normal((4, 3, 3, 2)))
    y = F.conv2d(x, w, stride=2, padding=1)
    g = mt.tensor(rng.standard_normal(tuple(y.shape)))
    back = F.conv_transpose2d(g, w, stride=2, padding=1, output_padding=(1, 0))
    assert back.shape == x.shape
    np.testing.assert_allclose((back * x).sum().item(), (g * y).sum().item(), rtol=1e-10)
    xs = mt.tensor(rng.standard_normal((1, 2, 3, 3)), requires_grad=True)
    ws = mt.tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    assert mt.autograd.gradgradcheck(lambda a, b: F.conv_transpose2d(a, b, stride=2), (xs, ws))


def test_conv_transpose_errors():
    w = mt.zeros(4, 3, 3, 3)
    cases = [
        dict(input=np.zeros((1, 5, 8, 8))),
        dict(input=np.zeros((1, 4, 8, 8)), output_padding=2, stride=2),
        dict(input=np.zeros((1, 4, 8, 8)), bias=np.zeros(4)),
        dict(input=np.zeros((1, 4, 1, 1)), padding=3),
        dict(input=np.zeros((4, 8, 8, 2, 2))),
        dict(input=np.zeros((1, 4, 8, 8)), groups=3),
    ]
    for case in cases:
        kw = {k: v for k, v in case.items() if k not in ("input", "bias")}
        mb = mt.tensor(case["bias"].astype(np.float32)) if "bias" in case else None
        tb = torch.tensor(case["bias"].astype(np.float32)) if "bias" in case else None
        with pytest.raises(RuntimeError) as et:
            torch.nn.functional.conv_transpose2d(
                torch.tensor(case["input"].astype(np.float32)), torch.zeros(4, 3, 3, 3), tb, **kw
            )
        with pytest.raises(RuntimeError) as em:
            F.conv_transpose2d(mt.tensor(case["input"].astype(np.float32)), w, mb, **kw)
        assert str(em.value) == str(et.value)
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
