"""Shape, joining, selection and elementwise-selection ops against torch: values and gradients,
float64 and float32, plus view semantics (shared memory and version counter) and errors.

Each row of ``OPS`` names an op, the input specs and one callable ``fn(lib, *inputs)`` that runs
unchanged with ``lib = minitorch`` and ``lib = torch``.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import DTYPES, Const, Leaf, assert_close, check, needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

S = (2, 3, 4)
TIES = Leaf([[1.0, 2.0, 2.0], [3.0, -1.0, 3.0]])
OPS = {
    # --- shape ---
    "reshape": ([S], lambda m, x: x.reshape(4, -1)),
    "reshape_tuple": ([S], lambda m, x: x.reshape((6, 4))),
    "reshape_fn": ([S], lambda m, x: m.reshape(x, (-1,))),
    "reshape_noncontig": ([S], lambda m, x: x.transpose(0, 2).reshape(4, 6)),
    "reshape_scalar": ([()], lambda m, x: x.reshape(1, 1)),
    "view": ([S], lambda m, x: x.view(2, 12)),
    "view_tuple": ([S], lambda m, x: x.view((3, 8))),
    "view_as": ([S, Const(np.zeros((6, 4)))], lambda m, x, y: x.view_as(y)),
    "reshape_as": ([S, Const(np.zeros((24,)))], lambda m, x, y: x.reshape_as(y)),
    "flatten": ([S], lambda m, x: x.flatten()),
    "flatten_dims": ([(2, 3, 4, 5)], lambda m, x: x.flatten(1, 2)),
    "flatten_neg": ([(2, 3, 4, 5)], lambda m, x: x.flatten(start_dim=-3, end_dim=-2)),
    "flatten_fn": ([S], lambda m, x: m.flatten(x, 1)),
    "flatten_0d": ([()], lambda m, x: x.flatten()),
    "unflatten": ([(2, 12)], lambda m, x: x.unflatten(1, (3, 4))),
    "unflatten_neg": ([(2, 12)], lambda m, x: x.unflatten(-1, (-1, 2))),
    "squeeze": ([(2, 1, 3, 1)], lambda m, x: x.squeeze()),
    "squeeze_dim": ([(2, 1, 3, 1)], lambda m, x: x.squeeze(1)),
    "squeeze_neg": ([(2, 1, 3, 1)], lambda m, x: x.squeeze(-1)),
    "squeeze_not1": ([(2, 1, 3, 1)], lambda m, x: x.squeeze(0)),
    "squeeze_tuple": ([(2, 1, 3, 1)], lambda m, x: x.squeeze((1, 3))),
    "squeeze_fn": ([(1, 3)], lambda m, x: m.squeeze(x, 0)),
    "unsqueeze": ([S], lambda m, x: x.unsqueeze(1)),
    "unsqueeze_neg": ([S], lambda m, x: x.unsqueeze(-1)),
    "unsqueeze_0d": ([()], lambda m, x: x.unsqueeze(0)),
    "unsqueeze_fn": ([S], lambda m, x: m.unsqueeze(x, 0)),
    "permute": ([S], lambda m, x: x.permute(2, 0, 1)),
    "permute_tuple": ([S], lambda m, x: x.permute((1, 2, 0))),
    "permute_neg": ([S], lambda m, x: x.permute(-1, -3, -2)),
    "permute_fn": ([S], lambda m, x: m.permute(x, (2, 1, 0))),
    "transpose": ([S], lambda m, x: x.transpose(0, 2)),
    "transpose_neg": ([S], lambda m, x: x.transpose(-1, -2)),
    "transpose_fn": ([S], lambda m, x: m.transpose(x, 0, 1)),
    "swapaxes": ([S], lambda m, x: x.swapaxes(0, 1)),
    "t": ([(3, 4)], lambda m, x: x.t()),
    "t_1d": ([(3,)], lambda m, x: x.t()),
    "t_fn": ([(3, 4)], lambda m, x: m.t(x)),
    "T": ([(3, 4)], lambda m, x: x.T),
    "mT": ([S], lambda m, x: x.mT),
    "expand": ([(3, 1)], lambda m, x: x.expand(3, 4)),
    "expand_new_dims": ([(3, 1)], lambda m, x: x.expand(2, -1, 5)),
    "expand_tuple": ([(1,)], lambda m, x: x.expand((2, 3))),
    "expand_0d": ([()], lambda m, x: x.expand(3)),
    "expand_as": ([(1, 4), Const(np.zeros((3, 4)))], lambda m, x, y: x.expand_as(y)),
    "repeat": ([(2, 3)], lambda m, x: x.repeat(2, 3)),
    "repeat_new_dims": ([(2, 3)], lambda m, x: x.repeat(2, 1, 2)),
    "repeat_tuple": ([(3,)], lambda m, x: x.repeat((2,))),
    "contiguous": ([S], lambda m, x: x.transpose(0, 1).contiguous()),
    "clone": ([S], lambda m, x: x.clone()),
    "clone_fn": ([S], lambda m, x: m.clone(x)),
    "flip": ([S], lambda m, x: x.flip(0, 2)),
    "flip_fn": ([S], lambda m, x: m.flip(x, (-1,))),
    # --- joining / splitting ---
    "cat": ([(2, 3), (4, 3)], lambda m, a, b: m.cat([a, b])),
    "cat_dim": ([(2, 3), (2, 1), (2, 2)], lambda m, a, b, c: m.cat((a, b, c), dim=-1)),
    "cat_const": ([(2, 3), Const(np.ones((1, 3)))], lambda m, a, b: m.cat([a, b], 0)),
    "cat_empty": ([(2, 3), Const(np.zeros((0,)))], lambda m, a, b: m.cat([a, b])),
    "concat": ([(2, 3), (2, 3)], lambda m, a, b: m.concat([a, b], 1)),
    "stack": ([(2, 3), (2, 3)], lambda m, a, b: m.stack([a, b])),
    "stack_dim": ([(2, 3), (2, 3), (2, 3)], lambda m, a, b, c: m.stack((a, b, c), dim=2)),
    "stack_neg": ([(2, 3), (2, 3)], lambda m, a, b: m.stack([a, b], -1)),
    "split": ([(5, 3)], lambda m, x: x.split(2)),
    "split_sizes": ([(6, 3)], lambda m, x: x.split([1, 2, 3])),
    "split_dim": ([(2, 7)], lambda m, x: m.split(x, 3, dim=1)),
    "split_big": ([(2, 3)], lambda m, x: x.split(5)),
    "chunk": ([(5, 3)], lambda m, x: x.chunk(3)),
    "chunk_even": ([(6, 2)], lambda m, x: x.chunk(4)),
    "chunk_dim": ([(2, 7)], lambda m, x: m.chunk(x, 2, dim=-1)),
    "chunk_more": ([(2, 3)], lambda m, x: x.chunk(5)),
    "chunk_partial_use": ([(6, 2)], lambda m, x: x.chunk(3)[1]),
    "unbind": ([(3, 2)], lambda m, x: x.unbind()),
    "unbind_dim": ([(3, 2)], lambda m, x: m.unbind(x, 1)),
    "narrow": ([(5, 3)], lambda m, x: x.narrow(0, 1, 3)),
    # --- selection ---
    "where": ([Const(np.array([True, False, True])), (3,), (3,)], lambda m, c, a, b: m.where(c, a, b)),
    "where_bcast": (
        [Const(np.array([[True], [False]])), (1, 3), (2, 1)],
        lambda m, c, a, b: m.where(c, a, b),
    ),
    "where_scalar_b": ([Const(np.array([True, False])), (2,)], lambda m, c, a: m.where(c, a, 0.0)),
    "where_scalar_a": ([Const(np.array([True, False])), (2, 2)], lambda m, c, b: m.where(c, -1.5, b)),
    "where_method": ([(2, 3), (3,)], lambda m, a, b: a.where(a > 0, b)),
    "where_from_cmp": ([(2, 3)], lambda m, x: m.where(x > 0, x, x * 0.1)),
    "maximum": ([(2, 3), (2, 3)], lambda m, a, b: m.maximum(a, b)),
    "maximum_bcast": ([(2, 3), (3,)], lambda m, a, b: a.maximum(b)),
    "maximum_ties": ([TIES, Leaf([[1.0, 2.0, 0.0], [3.0, 5.0, 3.0]])], lambda m, a, b: m.maximum(a, b)),
    "maximum_same": ([(2, 3)], lambda m, a: m.maximum(a, a)),
    "minimum": ([(2, 3), (2, 3)], lambda m, a, b: m.minimum(a, b)),
    "minimum_ties": ([TIES, Leaf([[1.0, 2.0, 0.0], [3.0, 5.0, 3.0]])], lambda m, a, b: a.minimum(b)),
    "max_other": ([(2, 3), (2, 3)], lambda m, a, b: a.max(b)),
    "min_other": ([(2, 3), (2, 3)], lambda m, a, b: m.min(a, b)),
    "max_dim": ([(3, 4)], lambda m, x: x.max(1)),
    "max_dim_keep": ([(3, 4)], lambda m, x: m.max(x, 0, keepdim=True)),
    "min_dim": ([(3, 4)], lambda m, x: x.min(dim=-1)),
    "max_all_ties": ([TIES], lambda m, x: x.max()),
    "max_dim_ties": ([TIES], lambda m, x: x.max(1).values),
    "clamp": ([(3, 4)], lambda m, x: x.clamp(-0.5, 0.5)),
    "clamp_min": ([(3, 4)], lambda m, x: x.clamp(min=0.1)),
    "clamp_max": ([(3, 4)], lambda m, x: x.clamp(max=0.1)),
    "clamp_fn": ([(3, 4)], lambda m, x: m.clamp(x, -0.2, 0.3)),
    "clamp_edges": ([Leaf([-1.0, -0.5, 0.0, 0.5, 1.0])], lambda m, x: x.clamp(-0.5, 0.5)),
    "clamp_min_gt_max": ([(5,)], lambda m, x: x.clamp(0.5, -0.5)),
    "clamp_tensor": ([(3, 4), (4,), (3, 1)], lambda m, x, lo, hi: x.clamp(lo, hi + 1)),
    "clamp_tensor_min": ([(3, 4), (4,)], lambda m, x, lo: m.clamp(x, min=lo)),
    "clamp_tensor_max": ([(3, 4), (3, 1)], lambda m, x, hi: x.clamp(max=hi)),
    "clamp_tensor_const": ([(3, 4), Const(np.zeros(4))], lambda m, x, lo: x.clamp(min=lo)),
    "clamp_min_method": ([(3, 4)], lambda m, x: x.clamp_min(0.0)),
    "clamp_max_method": ([(3, 4)], lambda m, x: x.clamp_max(0.0)),
    "clip": ([(3, 4)], lambda m, x: x.clip(-0.5, 0.5)),
    "clip_fn": ([(3, 4)], lambda m, x: m.clip(x, max=0.0)),
    "masked_fill": (
        [(3, 4), Const(np.random.default_rng(1).random((3, 4)) > 0.5)],
        lambda m, x, mask: x.masked_fill(mask, 0.0),
    ),
    "masked_fill_bcast": (
        [(3, 4), Const(np.array([True, False, True, False]))],
        lambda m, x, mask: x.masked_fill(mask, -1e9),
    ),
    "masked_fill_tensor_value": (
        [(3, 4), Const(np.array([[True], [False], [True]])), ()],
        lambda m, x, mask, v: x.masked_fill(mask, v),
    ),
    "masked_fill_fn": (
        [(3, 4), Const(np.eye(3, 4, dtype=bool))],
        lambda m, x, mask: m.masked_fill(x, mask, 2),
    ),
    "masked_fill_from_cmp": ([(3, 4)], lambda m, x: x.masked_fill(x < 0, 0.0)),
    "masked_fill_bigger_mask": (
        [(3, 4), Const(np.ones((2, 3, 4), dtype=bool))],
        lambda m, x, mask: x.masked_fill(mask, 1.0),
    ),
    # --- reductions with options ---
    "var": ([(3, 4)], lambda m, x: x.var()),
    "var_dim": ([(3, 4)], lambda m, x: x.var(1)),
    "var_dim_keep": ([(3, 4)], lambda m, x: x.var(0, keepdim=True)),
    "var_biased": ([(3, 4)], lambda m, x: x.var(1, unbiased=False)),
    "var_positional": ([(3, 4)], lambda m, x: x.var(1, False, True)),
    "var_correction0": ([(3, 4)], lambda m, x: x.var(dim=1, correction=0)),
    "var_correction2": ([(3, 5)], lambda m, x: x.var(dim=-1, correction=2)),
    "var_tuple": ([(2, 3, 4)], lambda m, x: x.var((0, 2))),
    "var_fn": ([(3, 4)], lambda m, x: m.var(x, 0)),
    "std": ([(3, 4)], lambda m, x: x.std()),
    "std_dim": ([(3, 4)], lambda m, x: x.std(1)),
    "std_keep": ([(3, 4)], lambda m, x: x.std(-1, keepdim=True)),
    "std_biased": ([(3, 4)], lambda m, x: x.std(unbiased=False)),
    "std_correction0": ([(3, 4)], lambda m, x: m.std(x, dim=0, correction=0)),
    "std_constant_row": ([Leaf([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])], lambda m, x: x.std(1)),
    "norm": ([(3, 4)], lambda m, x: x.norm()),
    "norm_dim": ([(3, 4)], lambda m, x: x.norm(dim=1)),
    "norm_dim_keep": ([(3, 4)], lambda m, x: x.norm(2, 0, True)),
    "norm_p1": ([(3, 4)], lambda m, x: x.norm(p=1)),
    "norm_p1_dim": ([(3, 4)], lambda m, x: x.norm(1, -1)),
    "norm_inf": ([(3, 4)], lambda m, x: x.norm(p=float("inf"))),
    "norm_inf_dim": ([(3, 4)], lambda m, x: x.norm(float("inf"), dim=1)),
    "norm_neg_inf": ([(3, 4)], lambda m, x: x.norm(float("-inf"), dim=1)),
    "norm_p3": ([(3, 4)], lambda m, x: x.norm(3, dim=1)),
    "norm_fro": ([(3, 4)], lambda m, x: x.norm("fro")),
    "norm_tuple": ([(2, 3, 4)], lambda m, x: x.norm(dim=(1, 2))),
    "norm_fn": ([(3, 4)], lambda m, x: m.norm(x, dim=0)),
    "norm_zero": ([Leaf(np.zeros((2, 3)))], lambda m, x: x.norm(dim=1)),
    "norm_zero_row": ([Leaf([[0.0, 0.0], [3.0, 4.0]])], lambda m, x: x.norm(dim=1)),
    "norm_zero_p3": ([Leaf([[0.0, 0.0], [3.0, 4.0]])], lambda m, x: x.norm(3, dim=1)),
    "cumsum": ([(3, 4)], lambda m, x: x.cumsum(1)),
    "cumsum0": ([(3, 4)], lambda m, x: x.cumsum(dim=0)),
    "cumsum_neg": ([(2, 3, 4)], lambda m, x: m.cumsum(x, -2)),
    "sort": ([(3, 5)], lambda m, x: x.sort()),
    "sort_desc": ([(3, 5)], lambda m, x: x.sort(dim=0, descending=True)),
    "sort_fn": ([(3, 5)], lambda m, x: m.sort(x, 1)[0]),
    "sort_ties_stable": ([Leaf([3.0, 1.0, 3.0, 1.0, 2.0])], lambda m, x: x.sort(stable=True)),
    "sort_ties_desc_stable": (
        [Leaf([3.0, 1.0, 3.0, 1.0, 2.0])],
        lambda m, x: x.sort(descending=True, stable=True),
    ),
    "argsort": ([(3, 5)], lambda m, x: x.argsort(dim=1, descending=True)),
    "topk": ([(3, 5)], lambda m, x: x.topk(2)),
    "topk_smallest": ([(3, 5)], lambda m, x: x.topk(3, dim=0, largest=False)),
    "topk_fn": ([(3, 5)], lambda m, x: m.topk(x, 1).values),
    # --- piecewise constant: zero grad ---
    "sign": ([(3, 4)], lambda m, x: x.sign()),
    "sign_zero": ([Leaf([-2.0, 0.0, 3.0])], lambda m, x: m.sign(x)),
    "floor": ([(3, 4)], lambda m, x: x.floor() * x),
    "ceil": ([(3, 4)], lambda m, x: m.ceil(x * 3)),
    "round": ([(3, 4)], lambda m, x: (x * 3).round()),
    "round_half": ([Leaf([0.5, 1.5, 2.5, -0.5, -1.5])], lambda m, x: x.round()),
    "round_decimals": ([(3, 4)], lambda m, x: x.round(decimals=2)),
    "trunc": ([(3, 4)], lambda m, x: (x * 3).trunc()),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(OPS))
def test_op_matches_torch(name, dtype):
    specs, fn = OPS[name]
    check(fn, specs, dtype)


# --- comparisons and boolean reductions (no grad) ---
CMP = {
    "eq": lambda m, a, b: a.eq(b),
    "ne": lambda m, a, b: a.ne(b),
    "lt": lambda m, a, b: a.lt(b),
    "le": lambda m, a, b: a.le(b),
    "gt": lambda m, a, b: a.gt(b),
    "ge": lambda m, a, b: a.ge(b),
    "eq_op": lambda m, a, b: a == b,
    "ne_op": lambda m, a, b: a != b,
    "lt_op": lambda m, a, b: a < b,
    "le_op": lambda m, a, b: a <= b,
    "gt_op": lambda m, a, b: a > b,
    "ge_op": lambda m, a, b: a >= b,
    "eq_fn": lambda m, a, b: m.eq(a, b),
    "lt_fn": lambda m, a, b: m.lt(a, b),
    "ge_fn": lambda m, a, b: m.ge(a, b),
    "gt_scalar": lambda m, a, b: a.gt(1.0),
    "le_scalar": lambda m, a, b: a <= 2,
    "eq_scalar_int": lambda m, a, b: a == 2,
    "lt_rscalar": lambda m, a, b: 1.5 < a,
    "equal": lambda m, a, b: a.equal(b),
    "equal_self": lambda m, a, b: m.equal(a, a.clone()),
}
A_CMP = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 0.0]])
B_CMP = np.array([2.0, 2.0, 1.0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CMP))
def test_comparison_matches_torch(name, dtype):
    check(CMP[name], [Leaf(A_CMP), Leaf(B_CMP)], dtype)


BOOL_RED = {
    "all": lambda m, x: x.all(),
    "any": lambda m, x: x.any(),
    "all_dim": lambda m, x: x.all(1),
    "any_dim": lambda m, x: x.any(dim=0),
    "all_keep": lambda m, x: x.all(dim=1, keepdim=True),
    "any_keep": lambda m, x: x.any(-1, True),
    "all_fn": lambda m, x: m.all(x),
    "any_fn": lambda m, x: m.any(x, 1),
    "all_float": lambda m, x: x.float().all(0),
    "any_float": lambda m, x: (x.float() - 1).any(1),
    "all_cmp": lambda m, x: (x.float() >= 0).all(),
}


@pytest.mark.parametrize("name", list(BOOL_RED))
def test_all_any_match_torch(name):
    arr = np.array([[True, False, True], [True, True, True], [False, False, False]])
    check(BOOL_RED[name], [Const(arr)], np.float32)


def test_all_any_empty_and_dtype():
    for lib in (mt, torch):
        assert lib.zeros(0).all().item() is True
        assert lib.zeros(0).any().item() is False
    assert mt.tensor([1, 2]).all().dtype == mt.bool


def test_sort_topk_indices_are_long_without_grad():
    x = mt.randn(3, 5, requires_grad=True)
    for res in (x.sort(), x.topk(2), x.max(1)):
        assert res.indices.dtype == mt.int64
        assert not res.indices.requires_grad
        assert res.values.requires_grad
        assert res[0] is res.values


def test_sort_int_and_descending_unsigned():
    arr = np.array([3, 1, 255, 0, 7], dtype=np.uint8)
    for desc in (False, True):
        vm, im = mt.tensor(arr).sort(descending=desc)
        vt, it = torch.tensor(arr).sort(descending=desc)
        assert_close(vm, vt)
        assert_close(im, it)


def test_chunk_sizes_like_torch():
    for n in range(0, 9):
        for chunks in range(1, 7):
            got = [c.shape[0] for c in mt.zeros(n).chunk(chunks)]
            want = [c.shape[0] for c in torch.zeros(n).chunk(chunks)]
            assert got == want, (n, chunks)


def test_split_returns_tuple_and_names_grad_fns():
    x = mt.randn(5, 3, requires_grad=True)
    parts = x.split(2)
    assert isinstance(parts, tuple) and len(parts) == 3
    assert x.reshape(15).grad_fn.name() == "ViewBackward0"
    assert x.t().grad_fn is not None
    assert x.clone().grad_fn.name() == "CloneBackward0"


def test_where_dtypes_like_torch():
    c = np.array([True, False])
    for a, b in [(1.0, 0.0), (1, 0), (1, 0.5)]:
        got, want = mt.where(mt.tensor(c), a, b), torch.where(torch.tensor(c), a, b)
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        assert_close(got, want)
    x64 = np.array([1.0, 2.0])
    assert mt.where(mt.tensor(c), mt.tensor(x64), 0.0).dtype == mt.float64
    assert mt.where(mt.tensor(c), mt.tensor(x64).float(), 0).dtype == mt.float32


def test_where_nonbool_condition_and_single_arg():
    x = np.array([[0.0, 1.5], [2.0, 0.0]])
    got = mt.where(mt.tensor(x))
    want = torch.where(torch.tensor(x))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w)


def test_clamp_int_tensor_keeps_dtype():
    assert_close(mt.tensor([1, 5, 9]).clamp(2, 6), torch.tensor([1, 5, 9]).clamp(2, 6))


# --- views: memory and version counter shared with the base, as torch ---
VIEWS = {
    "view": lambda x: x.view(4, 6),
    "reshape": lambda x: x.reshape(24),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "permute": lambda x: x.permute(2, 0, 1),
    "transpose": lambda x: x.transpose(0, 1),
    "mT": lambda x: x.mT,
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "index_int": lambda x: x[1],
    "index_slice": lambda x: x[:, 1:3],
    "index_step": lambda x: x[..., ::2],
    "index_none": lambda x: x[None, 0, :, None],
    "narrow": lambda x: x.narrow(1, 1, 2),
    "split": lambda x: x.split(1)[1],
    "chunk": lambda x: x.chunk(2, -1)[0],
    "unbind": lambda x: x.unbind(2)[3],
    "detach": lambda x: x.detach(),
    "t_of_2d": lambda x: x[0].t(),
    "view_of_view": lambda x: x.permute(1, 0, 2)[1:].reshape(2, 2, 4),
    "reshape_copy": lambda x: x.transpose(0, 2).reshape(-1),
    "contiguous_copy": lambda x: x.transpose(0, 2).contiguous(),
    "contiguous_same": lambda x: x.contiguous(),
    "index_list_copy": lambda x: x[[0, 1, 0]],
    "index_mask_copy": lambda x: x[x > 0],
    "clone_copy": lambda x: x.clone(),
    "flip_copy": lambda x: x.flip(0),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_share_memory_and_version_like_torch(name):
    """Write through the base and through the output: both libraries see the same values and versions."""
    fn = VIEWS[name]
    arr = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 10
    xm, xt = mt.tensor(arr), torch.tensor(arr)
    vm, vt = fn(xm), fn(xt)
    assert vm._version == vt._version
    xm.mul_(2)
    xt.mul_(2)
    assert_close(vm, vt)
    assert vm._version == vt._version
    if not vt.is_contiguous() and vt.stride().count(0):
        return  # expanded views cannot be written to
    vm.add_(1)
    vt.add_(1)
    assert_close(xm, xt)
    assert_close(vm, vt)
    assert xm._version == xt._version and vm._version == vt._version


def test_view_of_noncontiguous_raises_like_torch():
    x = mt.zeros(3, 4).t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.view(12)
    assert x.reshape(12).shape == (12,)
    assert x.view(4, 3).shape == (4, 3)  # no change of layout needed
    assert x.unsqueeze(0).view(4, 1, 3).shape == (4, 1, 3)


def test_write_through_expanded_view_raises():
    x = mt.zeros(3, 1).expand(3, 4)
    with pytest.raises(RuntimeError, match="more than one element"):
        x.add_(1)


def test_view_dtype_reinterprets_bits_like_torch():
    arr = np.array([[1.0, -2.5], [0.0, 3.0]], dtype=np.float32)
    xm, xt = mt.tensor(arr), torch.tensor(arr)
    vm, vt = xm.view(mt.int32), xt.view(torch.int32)
    assert_close(vm, vt)
    vm.add_(1)
    vt.add_(1)
    assert_close(xm, xt)
    assert xm._version == xt._version


# --- errors of torch's type ---
ERRORS = [
    ("reshape_bad", lambda m, x: x.reshape(5, 5), RuntimeError),
    ("reshape_two_minus1", lambda m, x: x.reshape(-1, -1), RuntimeError),
    ("view_bad", lambda m, x: x.view(7), RuntimeError),
    ("squeeze_range", lambda m, x: x.squeeze(3), IndexError),
    ("unsqueeze_range", lambda m, x: x.unsqueeze(4), IndexError),
    ("permute_len", lambda m, x: x.permute(0, 1), RuntimeError),
    ("permute_repeat", lambda m, x: x.permute(0, 0, 1), RuntimeError),
    ("transpose_range", lambda m, x: x.transpose(0, 3), IndexError),
    ("t_3d", lambda m, x: x.t(), RuntimeError),
    ("expand_bad", lambda m, x: x.expand(2, 5, 4), RuntimeError),
    ("expand_fewer", lambda m, x: x.expand(3, 4), RuntimeError),
    ("expand_leading_minus1", lambda m, x: x.expand(-1, 2, 3, 4), RuntimeError),
    ("repeat_fewer", lambda m, x: x.repeat(2, 2), RuntimeError),
    ("flatten_order", lambda m, x: x.flatten(2, 1), RuntimeError),
    ("unflatten_bad", lambda m, x: x.unflatten(1, (2, 2)), RuntimeError),
    ("cat_mismatch", lambda m, x: m.cat([x, x[:, :2]]), RuntimeError),
    ("cat_ndim", lambda m, x: m.cat([x, x[0]]), RuntimeError),
    ("cat_empty_list", lambda m, x: m.cat([]), (RuntimeError, ValueError)),
    ("cat_dim", lambda m, x: m.cat([x, x], 3), IndexError),
    ("stack_mismatch", lambda m, x: m.stack([x, x[:1]]), RuntimeError),
    ("split_sum", lambda m, x: x.split([1, 2]), RuntimeError),
    ("chunk_zero", lambda m, x: x.chunk(0), RuntimeError),
    ("narrow_bad", lambda m, x: x.narrow(0, 1, 5), RuntimeError),
    ("clamp_none", lambda m, x: x.clamp(), RuntimeError),
    ("masked_fill_long_mask", lambda m, x: x.masked_fill(m.ones(4, dtype=m.long), 0), RuntimeError),
    ("masked_fill_vector_value", lambda m, x: x.masked_fill(x > 0, m.ones(4)), RuntimeError),
    (
        "masked_fill_inplace_grow",
        lambda m, x: x.masked_fill_(m.ones(5, 2, 3, 4, dtype=m.bool), 0),
        RuntimeError,
    ),
    ("topk_k", lambda m, x: x.topk(5), RuntimeError),
    ("max_dim_range", lambda m, x: x.max(3), IndexError),
    ("var_dim_range", lambda m, x: x.var(5), IndexError),
]


@pytest.mark.parametrize("name, fn, exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch_type(name, fn, exc):
    with pytest.raises(exc):
        fn(torch, torch.zeros(2, 3, 4))
    with pytest.raises(exc):
        fn(mt, mt.zeros(2, 3, 4))
