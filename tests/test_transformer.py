"""nn.Transformer, TransformerEncoder/Decoder and TransformerDecoderLayer against torch, with
torch's weights copied in: outputs and gradients, with causal and padding masks, both layouts,
post- and pre-norm (issue 10, item 8)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import nn

pytestmark = needs_torch

E, NH, FF = 8, 2, 16


def _copy(ours, ref) -> None:
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})


def _inputs(shape, dtype, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _close(a, b, dtype) -> None:
    tol = 1e-10 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def test_square_subsequent_mask_matches_torch():
    for n in (1, 4):
        ours, ref = (
            nn.Transformer.generate_square_subsequent_mask(n),
            torch.nn.Transformer.generate_square_subsequent_mask(n),
        )
        np.testing.assert_array_equal(ours.numpy(), ref.numpy())
        assert ours.dtype == mt.float32
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=mt.float64).dtype == mt.float64


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_matches_torch(dtype, batch_first, norm_first):
    kw = dict(
        d_model=E, nhead=NH, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=FF, dropout=0.0
    )
    kw.update(batch_first=batch_first, norm_first=norm_first)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's nested-tensor note; checked below
        ref = torch.nn.Transformer(**kw).to(getattr(torch, dtype))
        ours = nn.Transformer(**kw).to(getattr(mt, dtype))
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert repr(ours) == repr(ref)
    _copy(ours, ref)
    B, S, T = 3, 5, 4
    src_shape, tgt_shape = ((B, S, E), (B, T, E)) if batch_first else ((S, B, E), (T, B, E))
    src, tsrc = _inputs(src_shape, dtype, 1)
    tgt, ttgt = _inputs(tgt_shape, dtype, 2)
    pad = np.zeros((B, S), dtype=bool)
    pad[0, -2:] = True
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=getattr(mt, dtype))
    ttgt_mask = torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=getattr(torch, dtype))
    out = ours(
        src,
        tgt,
        tgt_mask=tgt_mask,
        src_key_padding_mask=mt.tensor(pad),
        memory_key_padding_mask=mt.tensor(pad),
    )
    tout = ref(
        tsrc,
        ttgt,
        tgt_mask=ttgt_mask,
        src_key_padding_mask=torch.tensor(pad),
        memory_key_padding_mask=torch.tensor(pad),
    )
    _close(out, tout, dtype)
    w = np.random.default_rng(3).standard_normal(tgt_shape).astype(dtype)
    (out * mt.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    _close(src.grad, tsrc.grad, dtype)
    _close(tgt.grad, ttgt.grad, dtype)
    grads = dict(ours.named_parameters())
    for name, p in ref.named_parameters():
        _close(grads[name].grad, p.grad, dtype)


@pytest.mark.parametrize("causal_by", ["mask", "is_causal", "bool_mask"])
def test_encoder_and_decoder_stacks_match_torch(causal_by):
    dtype = "float64"
    layer = torch.nn.TransformerEncoderLayer(E, NH, FF, dropout=0.0, batch_first=True, dtype=torch.float64)
    ref = torch.nn.TransformerEncoder(
        layer, 2, norm=torch.nn.LayerNorm(E, dtype=torch.float64), enable_nested_tensor=False
    )
    ours = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(E, NH, FF, dropout=0.0, batch_first=True, dtype=mt.float64),
        2,
        norm=nn.LayerNorm(E, dtype=mt.float64),
        enable_nested_tensor=False,
    )
    _copy(ours, ref)
    x, tx = _inputs((2, 5, E), dtype, 4)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    if causal_by == "bool_mask":
        mask = mask.isinf()
    args = {"is_causal": True} if causal_by == "is_causal" else {}
    out = ours(x, mask=mt.tensor(mask.numpy()), **args)
    tout = ref(tx, mask=mask, **args)
    _close(out, tout, dtype)

    dref = torch.nn.TransformerDecoder(
        torch.nn.TransformerDecoderLayer(E, NH, FF, dropout=0.0, batch_first=True, dtype=torch.float64), 2
    )
    dours = nn.TransformerDecoder(
        nn.TransformerDecoderLayer(E, NH, FF, dropout=0.0, batch_first=True, dtype=mt.float64), 2
    )
    _copy(dours, dref)
    t, tt = _inputs((2, 3, E), dtype, 5)
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)
    _close(dours(t, out, tgt_mask=mt.tensor(tmask.numpy())), dref(tt, tout, tgt_mask=tmask), dtype)


def test_decoder_layer_gelu_unbatched_matches_torch():
    ref = torch.nn.TransformerDecoderLayer(E, NH, FF, dropout=0.0, activation="gelu", dtype=torch.float64)
    ours = nn.TransformerDecoderLayer(E, NH, FF, dropout=0.0, activation="gelu", dtype=mt.float64)
    _copy(ours, ref)
    t, tt = _inputs((3, E), "float64", 6)
    m, tm = _inputs((4, E), "float64", 7)
    _close(ours(t, m), ref(tt, tm), "float64")


def test_nested_tensor_warning_and_errors_match_torch():
    def build(lib):
        lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, NH, FF), 1)

    texts = []
    for lib in (mt, torch):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            build(lib)
        texts.append([str(w.message) for w in rec])
    assert texts[0] == texts[1] and texts[0]
    model = nn.Transformer(E, NH, 1, 1, FF, batch_first=True)
    with pytest.raises(RuntimeError, match="batch number of src and tgt must be equal"):
        model(mt.zeros(2, 3, E), mt.zeros(3, 3, E))
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal to d_model"):
        model(mt.zeros(2, 3, E), mt.zeros(2, 3, E + 1))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerDecoderLayer(E, NH, activation="tanh")


def test_transformer_trains_in_eval_and_train_modes():
    model = nn.Transformer(E, NH, 1, 1, FF, dropout=0.1, batch_first=True)
    src, tgt = mt.randn(2, 5, E), mt.randn(2, 4, E)
    model.train()
    a = model(src, tgt)
    model.eval()
    b, c = model(src, tgt), model(src, tgt)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_array_equal(b.detach().numpy(), c.detach().numpy())
