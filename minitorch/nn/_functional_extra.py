"""Functional group / instance norm, transposed convolution and attention, with torch's signatures.

Re-exported by ``minitorch.nn.functional``. Everything here is composed from existing ops:
group norm is a layer norm over ``(N, G, -1)``, instance norm a batch norm over
``(1, N*C, *)`` (as torch computes both), ``conv_transpose2d`` is the input-grad op of
``conv2d`` (``ops.conv.ConvInputGrad``), and attention is matmuls and a softmax.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import numpy as np

from ..ops import conv as C
from ..ops.shape import cat
from ..tensor import Tensor
from . import _functional_cnn as Fc

__all__ = [
    "group_norm",
    "instance_norm",
    "conv_transpose1d",
    "conv_transpose2d",
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
]


# --------------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------------
def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-05) -> Tensor:
    """Normalise ``input`` (N, C, *) over each group of ``C // num_groups`` channels (and all
    spatial positions), then scale and shift per channel, as ``torch.nn.functional.group_norm``.

    Example::

        >>> F.group_norm(minitorch.randn(2, 6, 4, 4), 3).shape
        minitorch.Size([2, 6, 4, 4])
    """
    Fc._check_tensor(input, "input", "group_norm")
    shape = input._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {len(shape)}")
    n, c = shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(shape)} and num_groups={num_groups}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and t._data.shape != (c,):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                f"{name} of shape {list(t.shape)} and input of shape {list(shape)}"
            )
    if input._data.size == 0:
        return input.clone()
    x = input.reshape(n, num_groups, -1)
    y = Fc.layer_norm(x, (x._data.shape[-1],), None, None, eps).reshape(shape)
    view = (1, c) + (1,) * (len(shape) - 2)
    if weight is not None:
        y = y * weight.reshape(view)
    if bias is not None:
        y = y + bias.reshape(view)
    return y


def instance_norm(
    input: Tensor,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-05,
) -> Tensor:
    """Normalise each channel of each sample of ``input`` (N, C, *) over its spatial positions,
    as ``torch.nn.functional.instance_norm``.

    With ``running_mean`` / ``running_var`` given and ``use_input_stats`` they are updated
    (with the batch average of the per-instance statistics); ``use_input_stats=False``
    normalises with them instead.
    """
    Fc._check_tensor(input, "input", "instance_norm")
    shape = input._data.shape
    if len(shape) < 3:
        raise ValueError(f"Expected 3D or higher input for instance_norm (got {len(shape)}D input)")
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(shape)}")
    n, c = shape[:2]
    # NOTE: as torch: a batch norm over (1, N*C, *) with the per-channel tensors repeated N times
    x = input.reshape((1, n * c) + shape[2:])
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = Tensor._make(np.tile(running_mean._data, n), False, None) if running_mean is not None else None
    rv = Tensor._make(np.tile(running_var._data, n), False, None) if running_var is not None else None
    out = Fc.batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats:
        for src, dst in ((rm, running_mean), (rv, running_var)):
            if dst is not None:
                dst._data[...] = src._data.reshape(n, c).mean(0)
                dst._vc[0] += 1
    return out.reshape(shape)


# --------------------------------------------------------------------------------------------
# transposed convolution
# --------------------------------------------------------------------------------------------
def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, fn) -> Tensor:
    """``nd``-D transposed convolution of batched ``input`` (N, C_in, *): the gradient of the
    convolution with ``weight`` (C_in, C_out/groups, *k) w.r.t. its input."""
    Fc._check_tensor(input, "input", fn)
    Fc._check_tensor(weight, "weight", fn)
    stride = Fc._tuple(stride, nd, "stride", "convolution")
    padding = Fc._tuple(padding, nd, "padding", "convolution")
    output_padding = Fc._tuple(output_padding, nd, "output_padding", "convolution")
    dilation = Fc._tuple(dilation, nd, "dilation", "convolution")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if not isinstance(groups, Integral) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        names = ("height", "width") if nd == 2 else ("width",)
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(f"output_padding_{a}: {v}" for a, v in zip(names, output_padding))
            + " "
            + " ".join(f"stride_{a}: {v}" for a, v in zip(names, stride))
            + " "
            + " ".join(f"dilation_{a}: {v}" for a, v in zip(names, dilation))
        )
    wshape, xshape = weight._data.shape, input._data.shape
    if len(wshape) != nd + 2:
        raise RuntimeError(
            f"{fn}: expected weight to be {nd + 2}-dimensional (in_channels, out_channels/groups, "
            f"*kernel_size), but got weight of size {list(wshape)}"
        )
    if wshape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got "
            f"weight of size [{list(wshape)}] instead"
        )
    if xshape[1] != wshape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(wshape)}, expected input{list(xshape)} to have "
            f"{wshape[0]} channels, but got {xshape[1]} channels instead"
        )
    c_out = wshape[1] * groups
    if bias is not None:
        Fc._check_tensor(bias, "bias", fn)
        if bias._data.shape != (c_out,):
            raise RuntimeError(
                f"Given transposed=1, weight of size {list(wshape)}, expected bias to be 1-dimensional with "
                f"{c_out} elements, but got bias of size {list(bias.shape)} instead"
            )
    if input._data.dtype != weight._data.dtype or (
        bias is not None and bias._data.dtype != input._data.dtype
    ):
        other = weight if input._data.dtype != weight._data.dtype else bias
        raise RuntimeError(
            f"Input type ({input.dtype}) and weight type ({other.dtype}) should be the same; "
            "convert one with .to(dtype)"
        )
    kernel, spatial = wshape[2:], xshape[2:]
    out = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(spatial, stride, padding, dilation, kernel, output_padding)
    )
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, spatial))}). Calculated output size per "
            f"channel: ({' x '.join(map(str, out))}). Output size is too small"
        )
    pads = tuple((p, p) for p in padding)
    if nd == 1:  # a 1-D transposed convolution is a 2-D one over a height-1 image
        spec = C.ConvSpec((1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, groups, (1,) + out)
        x, w = input.unsqueeze(2), weight.unsqueeze(2)
    else:
        spec = C.ConvSpec(kernel, stride, pads, dilation, groups, out)
        x, w = input, weight
    # NOTE: with output_padding >= stride (allowed when dilation is larger) the convolution this is
    # the gradient of has more output positions than ``input``: those get zero grad
    extra = [o - n for o, n in zip(spec.out_hw, x._data.shape[2:])]
    if any(extra):
        x = Fc.pad(x, [v for e in reversed(extra) for v in (0, e)])
    y = C.ConvInputGrad.apply(x, w, spec)
    if nd == 1:
        y = y.squeeze(2)
    if bias is not None:
        y = y + bias.reshape((1, c_out) + (1,) * nd)
    return y


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """2-D transposed convolution ("deconvolution") of ``input`` (N, C_in, H, W) or (C_in, H, W)
    with ``weight`` (C_in, C_out/groups, kH, kW), as ``torch.nn.functional.conv_transpose2d``.

    The output has size ``(H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``
    (likewise for W); it is the gradient of ``conv2d`` with the same arguments w.r.t. its input.

    Example::

        >>> F.conv_transpose2d(minitorch.randn(1, 4, 5, 5), minitorch.randn(4, 2, 3, 3), stride=2).shape
        minitorch.Size([1, 2, 11, 11])
    """
    Fc._check_tensor(input, "input", "conv_transpose2d")
    x, added = Fc._batched(input, 2, "conv_transpose2d")
    out = _conv_transpose(
        x, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return out.squeeze(0) if added else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """1-D transposed convolution of ``input`` (N, C_in, L) or (C_in, L) with ``weight``
    (C_in, C_out/groups, k), as ``torch.nn.functional.conv_transpose1d``."""
    Fc._check_tensor(input, "input", "conv_transpose1d")
    x, added = Fc._batched(input, 1, "conv_transpose1d")
    out = _conv_transpose(
        x, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return out.squeeze(0) if added else out


# --------------------------------------------------------------------------------------------
# attention
# --------------------------------------------------------------------------------------------
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
        from .functional import dropout

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
        Fc._check_tensor(t, name, "scaled_dot_product_attention")
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
        Fc._check_tensor(attn_mask, "attn_mask", "scaled_dot_product_attention")
        if attn_mask._data.dtype == np.bool_:
            mask = attn_mask._data
        elif attn_mask._data.dtype.kind == "f":
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
    if m.dtype.kind != "f":
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
    from .functional import linear

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
            attn_mask = Fc.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = Fc.pad(key_padding_mask, (0, 1))
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
            attn_mask = Fc.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = Fc.pad(key_padding_mask, (0, 1))
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
