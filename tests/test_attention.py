"""F.scaled_dot_product_attention and nn.MultiheadAttention against torch (same weights):
outputs, attention weights and grads w.r.t. inputs, masks and parameters; repr, init, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn

pytestmark = needs_torch


def _leaf(arr, requires_grad=True):
    return mt.tensor(arr.copy(), requires_grad=requires_grad), torch.tensor(
        arr.copy(), requires_grad=requires_grad
    )


def _backward_both(om, ot, rng):
    g = rng.standard_normal(tuple(ot.shape)).astype(om._data.dtype)
    (om * mt.tensor(g)).sum().backward()
    (ot * torch.tensor(g)).sum().backward()


# --------------------------------------------------------------------------------------------
# scaled_dot_product_attention
# --------------------------------------------------------------------------------------------
SDPA_CASES = [
    dict(q=(5, 4), k=(7, 4), v=(7, 3)),
    dict(q=(2, 5, 4), k=(2, 7, 4), v=(2, 7, 6)),
    dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 4), is_causal=True),
    dict(q=(2, 3, 6, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), is_causal=True, scale=0.3),
    dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 4), mask="bool", mask_shape=(5, 7)),
    dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 4), mask="bool", mask_shape=(2, 1, 5, 7)),
    dict(q=(2, 3, 5, 4), k=(2, 3, 7, 4), v=(2, 3, 7, 4), mask="float", mask_shape=(3, 5, 7)),
    dict(q=(2, 4, 5, 4), k=(2, 2, 7, 4), v=(2, 2, 7, 4), enable_gqa=True),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_matches_torch(case, dtype):
    rng = np.random.default_rng(0)
    (q, k, v), (tq, tk, tv) = zip(*[_leaf(rng.standard_normal(case[n]).astype(dtype)) for n in "qkv"])
    kw = {n: case[n] for n in ("is_causal", "scale", "enable_gqa") if n in case}
    mask = tmask = None
    if case.get("mask") == "bool":
        ma = rng.random(case["mask_shape"]) > 0.3
        ma[..., 0] = True  # every query sees at least one key
        mask, tmask = mt.tensor(ma), torch.tensor(ma)
    elif case.get("mask") == "float":
        mask, tmask = _leaf(rng.standard_normal(case["mask_shape"]).astype(dtype))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, **kw)
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tmask, **kw)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    for a, b in ((q, tq), (k, tk), (v, tv)):
        assert_close(a.grad, b.grad)
    if case.get("mask") == "float":
        assert_close(mask.grad, tmask.grad)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_rows_give_zeros(kind):
    """A query that may attend to nothing gets zeros (and zero grads), as torch, not NaN."""
    rng = np.random.default_rng(1)
    (q, k, v), (tq, tk, tv) = zip(*[_leaf(rng.standard_normal((2, 4, 3))) for _ in range(3)])
    keep = rng.random((4, 4)) > 0.3
    keep[:, 0] = True
    keep[2] = False
    m = keep if kind == "bool" else np.where(keep, 0.0, -np.inf)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(m))
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=torch.tensor(m))
    assert_close(out, tout)
    assert np.all(out._data[:, 2] == 0)
    _backward_both(out, tout, rng)
    for a, b in ((q, tq), (k, tk), (v, tv)):
        assert np.isfinite(a.grad._data).all()
        assert_close(a.grad, b.grad)


def test_sdpa_dropout():
    rng = np.random.default_rng(2)
    q = mt.tensor(rng.standard_normal((2, 3, 4)))
    out = F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    assert np.all(out._data == 0)
    mt.manual_seed(3)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    mt.manual_seed(3)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    np.testing.assert_array_equal(a._data, b._data)
    assert not np.allclose(a._data, F.scaled_dot_product_attention(q, q, q)._data)


def test_sdpa_errors():
    q = mt.zeros(2, 3, 4)
    with pytest.raises(RuntimeError, match="attn_mask should not be set when is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=mt.ones(3, 3), is_causal=True)
    with pytest.raises(RuntimeError, match="query"):
        F.scaled_dot_product_attention(q, mt.zeros(2, 3, 5), q)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(q, q, q.double())
    with pytest.raises(TypeError):
        F.scaled_dot_product_attention(q._data, q, q)


# --------------------------------------------------------------------------------------------
# MultiheadAttention
# --------------------------------------------------------------------------------------------
E, NH, L, S, N = 8, 2, 4, 5, 3


def _pair(dtype=np.float64, **kw):
    tm = torch.nn.MultiheadAttention(E, NH, **kw)
    mm = nn.MultiheadAttention(E, NH, **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    return tm, mm


MHA_CASES = [
    dict(),
    dict(mode="cross"),
    dict(mode="distinct"),
    dict(batch_first=True),
    dict(batch_first=True, mode="cross"),
    dict(bias=False, mode="distinct"),
    dict(kdim=3, vdim=6, mode="distinct"),
    dict(kdim=3, vdim=6, bias=False, mode="distinct"),
    dict(add_bias_kv=True),
    dict(add_zero_attn=True, mode="cross"),
    dict(add_bias_kv=True, add_zero_attn=True, batch_first=True),
    dict(attn_mask="bool"),
    dict(attn_mask="float3d", mode="cross"),
    dict(key_padding_mask="bool", batch_first=True),
    dict(key_padding_mask="float", attn_mask="float"),
    dict(key_padding_mask="bool", attn_mask="bool", add_bias_kv=True, add_zero_attn=True),
    dict(unbatched=True),
    dict(unbatched=True, key_padding_mask="float", attn_mask="float3d", mode="cross"),
    dict(is_causal=True),
]
_MODULE_KW = ("batch_first", "bias", "kdim", "vdim", "add_bias_kv", "add_zero_attn")


def _inputs(case, rng, dtype):
    """query, key, value (leaves in both frameworks) for self / cross / fully distinct attention."""
    unb, bf = case.get("unbatched"), case.get("batch_first")
    mode = case.get("mode", "self")

    def shape(length, dim):
        if unb:
            return (length, dim)
        return (N, length, dim) if bf else (length, N, dim)

    q = _leaf(rng.standard_normal(shape(L, E)).astype(dtype))
    if mode == "self":
        return q, q, q
    if mode == "cross":
        kv = _leaf(rng.standard_normal(shape(S, E)).astype(dtype))
        return q, kv, kv
    k = _leaf(rng.standard_normal(shape(S, case.get("kdim", E))).astype(dtype))
    v = _leaf(rng.standard_normal(shape(S, case.get("vdim", E))).astype(dtype))
    return q, k, v


def _masks(case, rng, dtype, src):
    out = {}
    kind = case.get("attn_mask")
    if kind or case.get("is_causal"):
        shape = (NH if case.get("unbatched") else N * NH, L, src) if kind == "float3d" else (L, src)
        if case.get("is_causal") or kind == "bool":
            m = np.triu(np.ones(shape, np.bool_), 1) if case.get("is_causal") else rng.random(shape) < 0.3
            m[..., 0] = False  # nobody is masked out entirely
        else:
            m = rng.standard_normal(shape).astype(dtype)
        out["attn_mask"] = m
    kind = case.get("key_padding_mask")
    if kind:
        shape = (src,) if case.get("unbatched") else (N, src)
        m = rng.random(shape) < 0.4
        m[..., 0] = False
        out["key_padding_mask"] = m if kind == "bool" else np.where(m, -1e9, 0.0).astype(dtype)
    return out


@pytest.mark.parametrize(
    "need_weights,average,dtype",
    [
        (True, True, np.float64),
        (True, False, np.float32),
        (False, True, np.float64),
        (False, True, np.float32),
    ],
)
@pytest.mark.parametrize(
    "case", MHA_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "self"
)
def test_mha_matches_torch(case, need_weights, average, dtype):
    rng = np.random.default_rng(4)
    tm, mm = _pair(dtype, **{k: v for k, v in case.items() if k in _MODULE_KW})
    (q, tq), (k, tk), (v, tv) = _inputs(case, rng, dtype)
    src = S if case.get("mode", "self") != "self" else L
    masks = _masks(case, rng, dtype, src)
    extra = dict(
        need_weights=need_weights, average_attn_weights=average, is_causal=case.get("is_causal", False)
    )
    out, w = mm(q, k, v, **{n: mt.tensor(m) for n, m in masks.items()}, **extra)
    tout, tw = tm(tq, tk, tv, **{n: torch.tensor(m) for n, m in masks.items()}, **extra)
    assert_close(out, tout)
    if need_weights:
        assert_close(w, tw)
    else:
        assert w is None and tw is None
    _backward_both(out, tout, rng)
    for a, b in ((q, tq), (k, tk), (v, tv)):
        assert_close(a.grad, b.grad)
    for name, p in tm.named_parameters():
        assert_close(mm.get_parameter(name).grad, p.grad)


def test_mha_fully_masked_query_nan_like_torch():
    """With need_weights torch's plain softmax gives NaN for a query that sees nothing; without,
    scaled_dot_product_attention gives zeros. Both reproduced."""
    tm, mm = _pair()
    x = np.random.default_rng(5).standard_normal((L, 2, E))
    kpm = np.zeros((2, L), np.bool_)
    kpm[0] = True
    for need in (True, False):
        out, _ = mm(*[mt.tensor(x)] * 3, key_padding_mask=mt.tensor(kpm), need_weights=need)
        tout, _ = tm(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(kpm), need_weights=need)
        np.testing.assert_array_equal(np.isnan(out._data), np.isnan(tout.detach().numpy()))
        assert_close(mt.tensor(np.nan_to_num(out._data)), torch.nan_to_num(tout))


def test_mha_dropout():
    rng = np.random.default_rng(6)
    tm, mm = _pair(dropout=1.0)
    x = rng.standard_normal((L, N, E))
    # eval: no dropout
    tm.eval()
    mm.eval()
    with torch.no_grad():
        assert_close(mm(*[mt.tensor(x)] * 3)[0], tm(*[torch.tensor(x, requires_grad=True)] * 3)[0])
    # training with p=1: every weight dropped, the output is the out_proj bias
    mm.train()
    out, w = mm(*[mt.tensor(x)] * 3)
    assert np.all(w._data == 0)
    assert_close(out, np.broadcast_to(mm.out_proj.bias._data, (L, N, E)))
    _, mm = _pair(dropout=0.5)
    mt.manual_seed(7)
    a = mm(*[mt.tensor(x)] * 3)[0]
    mt.manual_seed(7)
    np.testing.assert_array_equal(a._data, mm(*[mt.tensor(x)] * 3)[0]._data)


@pytest.mark.parametrize("kw", [dict(), dict(bias=False, kdim=3, vdim=5, add_bias_kv=True, batch_first=True)])
def test_mha_repr_state_dict_init(kw):
    tm, mm = torch.nn.MultiheadAttention(E, NH, **kw), nn.MultiheadAttention(E, NH, **kw)
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert [tuple(p.shape) for p in mm.parameters()] == [tuple(p.shape) for p in tm.parameters()]
    assert type(mm.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert isinstance(mm.out_proj, nn.Linear)
    if mm.in_proj_bias is not None:
        assert np.all(mm.in_proj_bias._data == 0) and np.all(mm.out_proj.bias._data == 0)
    w = mm.in_proj_weight if mm.in_proj_weight is not None else mm.q_proj_weight
    bound = np.sqrt(6 / (w.shape[0] + w.shape[1]))
    assert np.abs(w._data).max() <= bound and w._data.std() > 0.2 * bound


def test_mha_errors():
    mm = nn.MultiheadAttention(E, NH)
    x = mt.zeros(L, N, E)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        mm(x, mt.zeros(L, E), mt.zeros(L, E))
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask is"):
        mm(x, x, x, attn_mask=mt.zeros(L, L + 1))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mm(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8"):
        mm(mt.zeros(L, N, 4), mt.zeros(L, N, 4), mt.zeros(L, N, 4))
    with pytest.raises(AssertionError, match="only bool and floating types of key_padding_mask"):
        mm(x, x, x, key_padding_mask=mt.zeros(N, L, dtype=mt.int64))
    with pytest.raises(AssertionError, match="Expected key_padded_mask.shape"):
        mm(x, x, x, key_padding_mask=mt.zeros(N, L + 1, dtype=mt.bool))
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        mm(x, x, x, key_padding_mask=mt.zeros(N, L, dtype=mt.bool), attn_mask=mt.zeros(L, L))


# --------------------------------------------------------------------------------------------
# TransformerEncoderLayer
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "kw,masks",
    [
        (dict(), ()),
        (dict(batch_first=True, norm_first=True), ("causal",)),
        (dict(activation="gelu", bias=False), ("padding",)),
        (dict(activation="relu", batch_first=True), ("causal", "padding")),
        (dict(layer_norm_eps=1e-3, norm_first=True), ("padding",)),
    ],
)
def test_transformer_encoder_layer_matches_torch(kw, masks, dtype):
    rng = np.random.default_rng(8)
    tm = torch.nn.TransformerEncoderLayer(E, NH, 16, dropout=0.0, **kw)
    mm = nn.TransformerEncoderLayer(E, NH, 16, dropout=0.0, **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    shape = (N, L, E) if kw.get("batch_first") else (L, N, E)
    x, tx = _leaf(rng.standard_normal(shape).astype(dtype))
    extra_m, extra_t = {}, {}
    if "causal" in masks:
        m = np.triu(np.ones((L, L), np.bool_), 1)
        extra_m.update(src_mask=mt.tensor(m), is_causal=True)
        extra_t.update(src_mask=torch.tensor(m), is_causal=True)
    if "padding" in masks:
        m = rng.random((N, L)) < 0.4
        m[:, 0] = False
        extra_m["src_key_padding_mask"] = mt.tensor(m)
        extra_t["src_key_padding_mask"] = torch.tensor(m)
    out, tout = mm(x, **extra_m), tm(tx, **extra_t)
    assert_close(out, tout)
    _backward_both(out, tout, rng)
    assert_close(x.grad, tx.grad)
    for name, p in tm.named_parameters():
        assert_close(mm.get_parameter(name).grad, p.grad)


def test_transformer_encoder_layer_modes():
    tm = torch.nn.TransformerEncoderLayer(E, NH, 16, activation=torch.nn.GELU()).double()
    mm = nn.TransformerEncoderLayer(E, NH, 16, activation=nn.GELU()).double()
    assert repr(mm) == repr(tm)
    mm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    x = np.random.default_rng(9).standard_normal((L, N, E))
    tm.eval()
    mm.eval()  # dropout off
    with torch.no_grad():
        assert_close(mm(mt.tensor(x)), tm(torch.tensor(x, requires_grad=True)))
    mm.train()
    mt.manual_seed(1)
    a = mm(mt.tensor(x))
    assert not np.allclose(a._data, mm.eval()(mt.tensor(x))._data)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(E, NH, activation="tanh")
