"""Scaled dot-product attention and the multi-head attention forward pass: matmuls and a softmax."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...ops.shape import cat
from ...tensor import Tensor
from ._arguments import _check_tensor
from .dropout import dropout
from .linear import linear
from .padding import pad


def _attend(q, k, v, mask, dropout_p: float, safe: bool):
    """softmax(q k^T + mask) v over the last two dims, ``q`` already scaled; returns (out, weights).

    ``mask`` is None, a bool ndarray (True: keep) or a float Tensor added to the scores. With
    ``safe``, query rows that may attend to nothing get zero weights (torch's SDPA) instead of NaN.
    """
    scores = q @ k.transpose(-2, -1)
    empty = None
    if isinstance(mask, np.ndarray):
        scores = scores.masked_fill(~mask, float("-inf"))
        empty = ~mask.any(-1, keepdims=True)
    elif mask is not None:
        scores = scores + mask
        empty = np.isneginf(mask._data).all(-1, keepdims=True)
    if safe and empty is not None and empty.any():
        # NOTE: zero the scores of empty rows before the softmax (so no NaN reaches its
        # backward) and their weights after it
        attn = scores.masked_fill(empty, 0.0).softmax(-1).masked_fill(empty, 0.0)
    elif empty is not None and empty.any():
        with np.errstate(invalid="ignore"):  # NaN rows, as torch's plain softmax gives
            attn = scores.softmax(-1)
    else:
        attn = scores.softmax(-1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p)
    return attn @ v, attn


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask=None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(Q K^T * scale + mask) V`` over the last two dims of ``query`` (..., L, E),
    ``key`` (..., S, E) and ``value`` (..., S, Ev), as ``torch.nn.functional.scaled_dot_product_attention``.

    ``scale`` defaults to ``1 / sqrt(E)``. ``attn_mask`` broadcasts to (..., L, S): a bool mask
    says which positions TAKE PART (True) and a float mask is added to the scores.
    ``is_causal`` lets query ``i`` see keys ``j <= i``. Query rows that see no key give zeros.
    ``dropout_p`` drops attention weights (always, as torch: pass 0.0 in eval). With
    ``enable_gqa``, ``key``/``value`` may have fewer heads (dim -3) than ``query``.

    Example::

        >>> q = k = v = minitorch.randn(2, 4, 5, 8)     # (batch, heads, length, head dim)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        minitorch.Size([2, 4, 5, 8])
    """
    for t, name in ((query, "query"), (key, "key"), (value, "value")):
        _check_tensor(t, name, "scaled_dot_product_attention")
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
        )
    if query._data.ndim < 2 or key._data.ndim < 2 or value._data.ndim < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value must be at least 2-D")
    if query._data.shape[-1] != key._data.shape[-1] or key._data.shape[-2] != value._data.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev), but got query {list(query.shape)}, key {list(key.shape)} and value {list(value.shape)}"
        )
    if query._data.dtype != key._data.dtype or query._data.dtype != value._data.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    if enable_gqa and query._data.ndim >= 3:
        hq, hk = query._data.shape[-3], key._data.shape[-3]
        if hq % hk or hq % value._data.shape[-3]:
            raise RuntimeError(
                f"scaled_dot_product_attention: number of heads in query ({hq}) must be divisible by the "
                f"number of heads in key ({hk}) and value ({value._data.shape[-3]})"
            )
        key = _repeat_heads(key, hq // hk)
        value = _repeat_heads(value, hq // value._data.shape[-3])
    L, S = query._data.shape[-2], key._data.shape[-2]
    scale = 1.0 / math.sqrt(query._data.shape[-1]) if scale is None else scale
    mask = None
    if is_causal:
        mask = np.tril(np.ones((L, S), np.bool_))
    elif attn_mask is not None:
        _check_tensor(attn_mask, "attn_mask", "scaled_dot_product_attention")
        if attn_mask._data.dtype == np.bool_:
            mask = attn_mask._data
        elif attn_mask._data.dtype.kind in "fV":
            mask = attn_mask if attn_mask._data.dtype == query._data.dtype else attn_mask.to(query.dtype)
        else:
            raise RuntimeError(
                f"Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
                f"{attn_mask.dtype} and  query.dtype: {query.dtype} instead."
            )
    out, _ = _attend(query * scale, key, value, mask, dropout_p, safe=True)
    return out


def _repeat_heads(x: Tensor, r: int) -> Tensor:
    """Each head (dim -3) repeated ``r`` times in place (as ``repeat_interleave(r, -3)``)."""
    if r == 1:
        return x
    shape = x._data.shape
    y = x.unsqueeze(-3).expand(shape[:-2] + (r,) + shape[-2:])
    return y.reshape(shape[:-3] + (shape[-3] * r,) + shape[-2:])


def _warn_mismatched_masks(mask, other, name: str, other_name: str) -> None:
    if mask is not None and other is not None and mask._data.dtype != other._data.dtype:
        warnings.warn(
            f"Support for mismatched {name} and {other_name} is deprecated. Use same type for both instead.",
            stacklevel=4,
        )


def _float_mask(mask, name: str, dtype) -> Tensor | None:
    """A bool mask (True: masked out) as a float mask of -inf / 0, as torch's ``_canonical_mask``."""
    if mask is None:
        return None
    m = mask._data
    if m.dtype == np.bool_:
        return Tensor._make(np.where(m, -np.inf, 0.0).astype(dtype), False, None)
    if m.dtype.kind not in "fV":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight,
    in_proj_bias,
    bias_k,
    bias_v,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias,
    training: bool = True,
    key_padding_mask=None,
    need_weights: bool = True,
    attn_mask=None,
    use_separate_proj_weight: bool = False,
    q_proj_weight=None,
    k_proj_weight=None,
    v_proj_weight=None,
    static_k=None,
    static_v=None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
):
    """Multi-head attention on sequence-first inputs (L, N, E) (or unbatched (L, E)), as
    ``torch.nn.functional.multi_head_attention_forward``; see ``nn.MultiheadAttention``.

    Returns ``(output (L, N, E), weights)``: the attention weights (N, L, S), averaged over
    heads unless ``average_attn_weights=False`` (then (N, heads, L, S)), or None when not
    ``need_weights``.
    """

    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query._data.shape
    dtype = query._data.dtype
    _warn_mismatched_masks(key_padding_mask, attn_mask, "key_padding_mask", "attn_mask")
    key_padding_mask = _float_mask(key_padding_mask, "key_padding_mask", dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
            "`generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # NOTE: as torch: the mask is then taken to be the causal one
    else:
        attn_mask = _float_mask(attn_mask, "attn_mask", dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    e = embed_dim
    if use_separate_proj_weight:
        if key._data.shape[:2] != value._data.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's {tuple(value.shape[:2])}"
            )
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.split([e, e, e], 0)
        q, k, v = (
            linear(query, q_proj_weight, b_q),
            linear(key, k_proj_weight, b_k),
            linear(value, v_proj_weight, b_v),
        )
    else:
        if key._data.shape != value._data.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        b_q = b_k = b_v = b_kv = None
        if query is key and key is value:  # self-attention: one projection for q, k and v
            q, k, v = linear(query, in_proj_weight, in_proj_bias).split([e, e, e], 2)
        elif key is value:  # one projection for k and v
            w_q, w_kv = in_proj_weight.split([e, 2 * e], 0)
            if in_proj_bias is not None:
                b_q, b_kv = in_proj_bias.split([e, 2 * e], 0)
            q = linear(query, w_q, b_q)
            k, v = linear(key, w_kv, b_kv).split([e, e], 2)
        else:
            w_q, w_k, w_v = in_proj_weight.split([e, e, e], 0)
            if in_proj_bias is not None:
                b_q, b_k, b_v = in_proj_bias.split([e, e, e], 0)
            q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    src_len = key._data.shape[0]
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be {(tgt_len, src_len)}."
                )
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.expand(1, bsz, e)])
        v = cat([v, bias_v.expand(1, bsz, e)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    elif bias_k is not None or bias_v is not None:
        raise AssertionError(
            "bias_k is set but bias_v is None" if bias_k is not None else "bias_v is set but bias_k is None"
        )
    bh = bsz * num_heads
    q = q.reshape(tgt_len, bh, head_dim).transpose(0, 1)
    k = _heads(k, static_k, bh, head_dim, "static_k")
    v = _heads(v, static_v, bh, head_dim, "static_v")
    if add_zero_attn:
        k = cat([k, Tensor._make(np.zeros((bh, 1, head_dim), dtype), False, None)], 1)
        v = cat([v, Tensor._make(np.zeros((bh, 1, head_dim), dtype), False, None)], 1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k._data.shape[1]
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(
                f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}"
            )
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(
                f"Expected key_padded_mask.shape[1] to be {src_len}, but got {key_padding_mask.shape[1]}"
            )
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bh, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    mask = attn_mask
    if is_causal and mask is None:
        mask = np.tril(np.ones((tgt_len, src_len), np.bool_))
    # NOTE: torch computes the weights (need_weights) with a plain softmax, where a query that
    # may attend to nothing gets NaN, and otherwise calls scaled_dot_product_attention (zeros)
    out, attn = _attend(q * (1.0 / math.sqrt(head_dim)), k, v, mask, dropout_p, safe=not need_weights)
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    weights = None
    if need_weights:
        weights = attn.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            weights = weights.squeeze(0)
    if not batched:
        out = out.squeeze(1)
    return out, weights


def _heads(x: Tensor, static, bh: int, head_dim: int, name: str) -> Tensor:
    """(S, N, E) -> (N * heads, S, head_dim), or the given ``static`` tensor (checked)."""
    if static is None:
        return x.reshape(x._data.shape[0], bh, head_dim).transpose(0, 1)
    if static.shape[0] != bh:
        raise AssertionError(f"expecting {name}.size(0) of {bh}, but got {static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads: int) -> bool:
    """Whether the inputs are batched; torch's AssertionErrors for inconsistent ranks."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found "
                f"{key_padding_mask.dim()}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                f"{attn_mask.dim()}-D tensor instead"
            )
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found "
                f"{key_padding_mask.dim()}-D tensor instead"
            )
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                    f"{attn_mask.dim()}-D tensor instead"
                )
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(
                        f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
                    )
        return False
    raise AssertionError(
        f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor"
    )
