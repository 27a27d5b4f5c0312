"""A table of ops from every family (``ops/indexing.py``, ``math.py``, ``reduce.py``, ``shape.py``,
``linalg.py``) against torch: values, dtypes and gradients in float64 and
float32, first and second derivatives against central differences (gradcheck / gradgradcheck),
in-place variants, views, and errors of torch's exception type.

Each row of ``OPS`` names an op, its input specs and one callable ``fn(lib, *inputs)`` that runs
unchanged with ``lib = minitorch`` and ``lib = torch``; a third item holds options (``grad=False``:
values only; ``gradcheck=False``: the op is not smooth at the inputs; ``float32=False``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import DTYPES, Const, Leaf, assert_close, check, make_inputs, needs_torch, torch

import minitorch as mt
from minitorch.autograd import gradcheck, gradgradcheck

pytestmark = needs_torch


def unit(*shape, lo=-0.9, hi=0.9, seed=0):
    """A leaf with values in (lo, hi): the domain of asin, atanh, logit, ..."""
    return Leaf(np.random.default_rng(seed).uniform(lo, hi, shape))


def ints(*vals):
    return Const(np.array(vals, dtype=np.int64))


NO_GRAD = {"grad": False}
NOT_SMOOTH = {"gradcheck": False}
S = (3, 4)
IDX2 = ints([0, 2], [3, 1])  # a permutation-free scatter index: no duplicates within a row
TIES = Leaf([[1.0, 2.0, 2.0, 2.0, 3.0], [4.0, 4.0, 1.0, 0.0, 0.0]])
WITH_ZEROS = Leaf([[2.0, 0.0, 3.0, -1.0], [0.0, 1.5, 0.0, 2.0], [1.0, 2.0, -3.0, 0.5]])
SPECIAL = Leaf([1.0, np.nan, np.inf, -np.inf, -2.0])

OPS = {
    # --- index selection ---
    "index_select": ([S, ints(0, 2, 2)], lambda m, x, i: x.index_select(1, i)),
    "index_select_dim0_fn": ([S, ints(2, 0)], lambda m, x, i: m.index_select(x, 0, i)),
    "index_select_neg_dim": ([(2, 3, 4), ints(3, 0)], lambda m, x, i: x.index_select(-1, i)),
    "index_select_int32": ([S, Const(np.array([1, 0], np.int32))], lambda m, x, i: x.index_select(0, i)),
    "index_select_0d_index": ([S, Const(np.array(1))], lambda m, x, i: x.index_select(1, i)),
    "index_select_empty": ([S, ints()], lambda m, x, i: x.index_select(0, i)),
    "masked_select": (
        [S, Const(np.random.default_rng(1).random(S) > 0.5)],
        lambda m, x, k: x.masked_select(k),
    ),
    "masked_select_bcast": (
        [S, Const(np.array([True, False, True, True]))],
        lambda m, x, k: m.masked_select(x, k),
    ),
    "masked_select_bigger_mask": (
        [(4,), Const(np.eye(3, 4, dtype=bool))],
        lambda m, x, k: x.masked_select(k),
    ),
    "take": ([S, ints([0, -1], [5, 5])], lambda m, x, i: x.take(i)),
    "take_fn": ([(2, 3, 2), ints(11, 0, 3)], lambda m, x, i: m.take(x, i)),
    # --- scattering ---
    "scatter_src": ([S, IDX2, (2, 2)], lambda m, x, i, s: x.scatter(1, i, s)),
    "scatter_dim0": ([S, ints([2, 0, 1, 1]), (1, 4)], lambda m, x, i, s: m.scatter(x, 0, i, s)),
    "scatter_value": ([S, IDX2], lambda m, x, i: x.scatter(1, i, 1.5)),
    "scatter_value_kw": ([S, IDX2], lambda m, x, i: x.scatter(1, i, value=-2.0)),
    "scatter_bigger_src": (
        [S, IDX2, Const(np.arange(12.0).reshape(3, 4))],
        lambda m, x, i, s: x.scatter(1, i, s),
    ),
    "scatter_reduce_add_value": ([S, IDX2], lambda m, x, i: x.scatter(1, i, 2.0, reduce="add"), NO_GRAD),
    "scatter_reduce_add_src": (
        [S, ints([0, 0], [3, 3]), Const(np.ones((2, 2)))],
        lambda m, x, i, s: x.scatter(1, i, s, reduce="add"),
        NO_GRAD,
    ),
    "scatter_reduce_mul": (
        [S, IDX2, Const(np.full((2, 2), 3.0))],
        lambda m, x, i, s: x.scatter(1, i, s, reduce="multiply"),
        NO_GRAD,
    ),
    "scatter_add": ([S, ints([0, 0, 1], [2, 2, 2]), (2, 3)], lambda m, x, i, s: x.scatter_add(1, i, s)),
    "scatter_add_fn_dim0": (
        [S, ints([0, 0, 2, 0], [0, 1, 2, 2]), (2, 4)],
        lambda m, x, i, s: m.scatter_add(x, 0, i, s),
    ),
    "scatter_add_bigger_src": (
        [S, ints([1, 1], [0, 3]), Const(np.ones((3, 4)))],
        lambda m, x, i, s: x.scatter_add(1, i, s),
    ),
    "index_add": ([S, ints(0, 2, 0), (3, 3)], lambda m, x, i, s: x.index_add(1, i, s)),
    "index_add_alpha": ([S, ints(2, 1), (2, 4)], lambda m, x, i, s: m.index_add(x, 0, i, s, alpha=2.5)),
    "index_fill": ([S, ints(0, -1)], lambda m, x, i: x.index_fill(1, i, 2.0)),
    "index_fill_tensor_value": ([S, ints(2), ()], lambda m, x, i, v: m.index_fill(x, 0, i, v)),
    # --- repeats, rolls, nonzero ---
    "repeat_interleave": ([S], lambda m, x: x.repeat_interleave(2)),
    "repeat_interleave_dim": ([S, ints(1, 0, 2, 1)], lambda m, x, r: x.repeat_interleave(r, dim=1)),
    "repeat_interleave_fn": ([S], lambda m, x: m.repeat_interleave(x, 3, dim=0)),
    "repeat_interleave_counts": ([ints(1, 0, 3)], lambda m, r: m.repeat_interleave(r), NO_GRAD),
    "roll": ([S], lambda m, x: x.roll(1)),
    "roll_dims": ([S], lambda m, x: x.roll((1, -2), (0, 1))),
    "roll_fn": ([(2, 3, 4)], lambda m, x: m.roll(x, -1, dims=1)),
    "nonzero": ([Const(np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]]))], lambda m, x: x.nonzero(), NO_GRAD),
    "nonzero_tuple": ([Const(np.array([[0, 1], [2, 0]]))], lambda m, x: m.nonzero(x, as_tuple=True), NO_GRAD),
    "nonzero_0d": ([Const(np.array(3.0))], lambda m, x: x.nonzero(), NO_GRAD),
    "argwhere": ([Const(np.array([True, False, True]))], lambda m, x: m.argwhere(x), NO_GRAD),
    # --- triangles and diagonals ---
    "tril": ([(4, 4)], lambda m, x: x.tril()),
    "tril_neg": ([S], lambda m, x: m.tril(x, -1)),
    "triu": ([S], lambda m, x: x.triu(1)),
    "triu_batch": ([(2, 3, 4)], lambda m, x: m.triu(x)),
    "diagonal": ([S], lambda m, x: x.diagonal()),
    "diagonal_offset": ([S], lambda m, x: x.diagonal(1)),
    "diagonal_neg_offset": ([S], lambda m, x: m.diagonal(x, -2)),
    "diagonal_dims": ([(2, 3, 4)], lambda m, x: x.diagonal(0, 1, 2)),
    "diagonal_swapped_dims": ([(2, 3, 4)], lambda m, x: x.diagonal(1, dim1=-1, dim2=0)),
    "diagonal_out_of_range": ([S], lambda m, x: x.diagonal(7)),
    "diag_vector": ([(3,)], lambda m, x: x.diag()),
    "diag_vector_offset": ([(3,)], lambda m, x: m.diag(x, 1)),
    "diag_vector_neg": ([(2,)], lambda m, x: m.diag(x, -2)),
    "diag_matrix": ([S], lambda m, x: x.diag(1)),
    "diag_embed": ([(2, 3)], lambda m, x: x.diag_embed()),
    "diag_embed_offset_dims": ([(2, 3)], lambda m, x: m.diag_embed(x, 1, 0, 2)),
    "trace": ([S], lambda m, x: x.trace()),
    "trace_fn": ([(3, 3)], lambda m, x: m.trace(x)),
    "trace_int": ([Const(np.arange(9).reshape(3, 3))], lambda m, x: x.trace(), NO_GRAD),
    # --- products ---
    "outer": ([(3,), (4,)], lambda m, a, b: a.outer(b)),
    "outer_fn": ([(3,), (2,)], lambda m, a, b: m.outer(a, b)),
    "ger": ([(2,), (3,)], lambda m, a, b: a.ger(b)),
    "kron": ([(2, 3), (2, 2)], lambda m, a, b: m.kron(a, b)),
    "kron_ranks": ([(3,), (2, 2)], lambda m, a, b: a.kron(b)),
    "addmm": ([(2, 4), (2, 3), (3, 4)], lambda m, c, a, b: m.addmm(c, a, b)),
    "addmm_scaled_bcast": ([(4,), (2, 3), (3, 4)], lambda m, c, a, b: c.addmm(a, b, beta=0.5, alpha=2.0)),
    "addmm_beta0": (
        [Leaf(np.full((2, 2), np.nan)), (2, 3), (3, 2)],
        lambda m, c, a, b: m.addmm(c, a, b, beta=0),
        NOT_SMOOTH,
    ),
    "addmv": ([(2,), (2, 3), (3,)], lambda m, c, a, v: c.addmv(a, v, alpha=-1)),
    "addr": ([(2, 3), (2,), (3,)], lambda m, c, a, b: m.addr(c, a, b, beta=2)),
    "baddbmm": ([(2, 2, 4), (2, 2, 3), (2, 3, 4)], lambda m, c, a, b: c.baddbmm(a, b, alpha=0.5)),
    "addbmm": ([(2, 4), (3, 2, 3), (3, 3, 4)], lambda m, c, a, b: m.addbmm(c, a, b)),
    # --- einsum ---
    "einsum_matmul": ([(2, 3), (3, 4)], lambda m, a, b: m.einsum("ij,jk->ik", a, b)),
    "einsum_implicit": ([(2, 3), (3, 4)], lambda m, a, b: m.einsum("ij,jk", a, b)),
    "einsum_implicit_order": ([(2, 3), (4, 3)], lambda m, a, b: m.einsum("ba,ca", a, b)),
    "einsum_spaces_list": ([(2, 3), (3, 4)], lambda m, a, b: m.einsum("i j , j k -> i k", [a, b])),
    "einsum_batch": ([(2, 3, 4), (2, 5, 4)], lambda m, a, b: m.einsum("bij,bkj->bik", a, b)),
    "einsum_transpose": ([(2, 3)], lambda m, a: m.einsum("ij->ji", a)),
    "einsum_sum": ([(2, 3)], lambda m, a: m.einsum("ij->", a)),
    "einsum_sum_dim": ([(2, 3, 4)], lambda m, a: m.einsum("ijk->ik", a)),
    "einsum_trace": ([(3, 3)], lambda m, a: m.einsum("ii", a)),
    "einsum_diag": ([(3, 3)], lambda m, a: m.einsum("ii->i", a)),
    "einsum_batch_diag": ([(2, 3, 3)], lambda m, a: m.einsum("bii->bi", a)),
    "einsum_outer": ([(3,), (2,)], lambda m, a, b: m.einsum("i,j->ij", a, b)),
    "einsum_dot": ([(4,), (4,)], lambda m, a, b: m.einsum("i,i->", a, b)),
    "einsum_hadamard": ([(2, 3), (2, 3)], lambda m, a, b: m.einsum("ij,ij->ij", a, b)),
    "einsum_three": ([(2, 3), (3, 4), (4, 2)], lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c)),
    "einsum_bilinear": ([(2, 3), (4, 3, 5), (2, 5)], lambda m, a, w, b: m.einsum("bi,kij,bj->bk", a, w, b)),
    "einsum_ellipsis": ([(2, 3, 4), (4, 5)], lambda m, a, b: m.einsum("...ij,jk->...ik", a, b)),
    "einsum_ellipsis_bcast": (
        [(2, 1, 3, 4), (5, 4, 2)],
        lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b),
    ),
    "einsum_ellipsis_summed": ([(5, 2, 3)], lambda m, a: m.einsum("...ij->ij", a)),
    "einsum_ellipsis_implicit": ([(5, 2, 3), (3,)], lambda m, a, b: m.einsum("...ij,j", a, b)),
    "einsum_size1_bcast": ([(1,), (3,)], lambda m, a, b: m.einsum("i,i->", a, b)),
    # --- elementwise math ---
    "erf": ([S], lambda m, x: x.erf()),
    "erf_fn": ([S], lambda m, x: m.erf(x * 2)),
    "tan": ([S], lambda m, x: (x * 0.5).tan()),
    "asin": ([unit(3, 4)], lambda m, x: x.asin()),
    "acos": ([unit(3, 4)], lambda m, x: m.acos(x)),
    "atan": ([S], lambda m, x: m.atan(x * 3)),
    "arcsin_arctan": ([unit(3, 4)], lambda m, x: x.arcsin() + m.arctan(x)),
    "sinh": ([S], lambda m, x: x.sinh()),
    "cosh": ([S], lambda m, x: m.cosh(x)),
    "asinh": ([S], lambda m, x: x.asinh()),
    "acosh": ([unit(3, 4, lo=1.1, hi=4.0)], lambda m, x: m.acosh(x)),
    "atanh": ([unit(3, 4)], lambda m, x: x.atanh()),
    "log2": ([unit(3, 4, lo=0.1, hi=5.0)], lambda m, x: x.log2()),
    "log10": ([unit(3, 4, lo=0.1, hi=5.0)], lambda m, x: m.log10(x)),
    "exp2": ([S], lambda m, x: x.exp2()),
    "logit": ([unit(3, 4, lo=0.05, hi=0.95)], lambda m, x: x.logit()),
    "logit_eps": ([Leaf([0.01, 0.05, 0.3, 0.5, 0.7, 0.97])], lambda m, x: m.logit(x, eps=0.1)),
    "logit_outside": ([Leaf([-0.5, 0.5, 1.5])], lambda m, x: x.logit(), NOT_SMOOTH),
    "atan2": ([S, S], lambda m, a, b: a.atan2(b)),
    "atan2_bcast_fn": ([S, (4,)], lambda m, a, b: m.atan2(a, b)),
    "atan2_origin": ([Leaf([0.0, 1.0]), Leaf([0.0, -2.0])], lambda m, a, b: m.arctan2(a, b), NOT_SMOOTH),
    "hypot": ([S, (3, 1)], lambda m, a, b: a.hypot(b)),
    "logaddexp": ([S, S], lambda m, a, b: a.logaddexp(b * 3)),
    "logaddexp_fn_bcast": ([S, (4,)], lambda m, a, b: m.logaddexp(a, b)),
    "logaddexp2": ([S, S], lambda m, a, b: m.logaddexp2(a, b)),
    "fmod": ([S, unit(3, 4, lo=0.5, hi=2.0)], lambda m, a, b: (a * 4).fmod(b)),
    "fmod_scalar": ([S], lambda m, x: m.fmod(x * 4, 1.5)),
    "remainder": ([S, unit(3, 4, lo=0.5, hi=2.0)], lambda m, a, b: m.remainder(a * 4, -b)),
    "remainder_scalar": ([S], lambda m, x: (x * 4).remainder(1.5)),
    "mod_operator": ([S, unit(4, lo=0.5, hi=2.0)], lambda m, a, b: (a * 3) % b),
    "fmod_int": ([Const(np.array([5, -7, 9]))], lambda m, x: x.fmod(4), NO_GRAD),
    "remainder_int": ([Const(np.array([5, -7, 9]))], lambda m, x: x % -4, NO_GRAD),
    "int_math": ([Const(np.array([1, 2, 3]))], lambda m, x: (x.tan(), x.log2(), x.exp2(), x.erf()), NO_GRAD),
    "nan_to_num": ([SPECIAL], lambda m, x: x.nan_to_num(), NOT_SMOOTH),
    "nan_to_num_values": (
        [SPECIAL],
        lambda m, x: m.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3.0),
        NOT_SMOOTH,
    ),
    "nan_to_num_int": ([Const(np.array([1, 2]))], lambda m, x: x.nan_to_num(), NO_GRAD),
    # --- scans and order statistics ---
    "cumprod": ([S], lambda m, x: x.cumprod(1)),
    "cumprod_dim0_fn": ([(4, 2)], lambda m, x: m.cumprod(x, 0)),
    "cumprod_zeros": ([WITH_ZEROS], lambda m, x: x.cumprod(1)),
    "cumprod_zeros_dim0": ([WITH_ZEROS], lambda m, x: x.cumprod(-2)),
    "cumprod_int": ([Const(np.array([1, 2, 3], np.int32))], lambda m, x: x.cumprod(0), NO_GRAD),
    "cumprod_dtype": ([S], lambda m, x: x.cumprod(0, dtype=m.float64)),
    "median": ([(3, 5)], lambda m, x: x.median()),
    "median_even": ([(2, 2)], lambda m, x: m.median(x)),
    "median_ties": ([TIES], lambda m, x: x.median(), NOT_SMOOTH),
    "median_dim": ([(3, 5)], lambda m, x: x.median(1)),
    "median_dim_even_keep": ([(4, 3)], lambda m, x: m.median(x, 0, keepdim=True)),
    "median_dim_ties": ([TIES], lambda m, x: x.median(dim=1), NOT_SMOOTH),
    "kthvalue": ([(3, 5)], lambda m, x: x.kthvalue(2)),
    "kthvalue_dim_keep": ([(3, 5)], lambda m, x: m.kthvalue(x, 3, 0, True)),
    "mode": (
        [Leaf([[1.0, 2.0, 2.0, 1.0, 3.0], [3.0, 2.0, 2.0, 3.0, 1.0], [5.0, 2.0, 1.0, 2.0, 5.0]])],
        lambda m, x: x.mode(1),
        NOT_SMOOTH,
    ),
    "mode_dim0": (
        [Leaf([[1.0, 2.0], [1.0, 3.0], [2.0, 3.0]])],
        lambda m, x: m.mode(x, 0, keepdim=True),
        NOT_SMOOTH,
    ),
    "std_mean": ([S], lambda m, x: m.std_mean(x, 1)),
    "var_mean": ([S], lambda m, x: m.var_mean(x)),
    "var_mean_keep_correction": ([(2, 3, 4)], lambda m, x: m.var_mean(x, (0, 2), keepdim=True, correction=0)),
    "count_nonzero": (
        [Const(np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]]))],
        lambda m, x: (x.count_nonzero(), m.count_nonzero(x, dim=0)),
        NO_GRAD,
    ),
    "count_nonzero_dims": (
        [Const(np.array([[[True, False]], [[True, True]]]))],
        lambda m, x: x.count_nonzero((0, 2)),
        NO_GRAD,
    ),
    "isclose": (
        [Const(np.array([1.0, 2.0, np.nan])), Const(np.array([1.0, 2.0001, np.nan]))],
        lambda m, a, b: (a.isclose(b), m.isclose(a, b, equal_nan=True), a.isclose(b, atol=1e-3)),
        NO_GRAD,
    ),
    "bincount": ([ints(0, 1, 1, 3)], lambda m, x: (x.bincount(), m.bincount(x, minlength=6)), NO_GRAD),
    "bincount_weights": (
        [ints(0, 1, 1, 3), Const(np.array([0.5, 1.0, 1.0, 2.0]))],
        lambda m, x, w: x.bincount(w),
        NO_GRAD,
    ),
    "unique": (
        [ints(3, 1, 2, 3, 1, 5)],
        lambda m, x: (x.unique(), m.unique(x, return_inverse=True, return_counts=True)),
        NO_GRAD,
    ),
    "unique_2d": (
        [Const(np.array([[2.0, 1.0], [1.0, 2.0]]))],
        lambda m, x: x.unique(return_inverse=True),
        NO_GRAD,
    ),
    "unique_dim": (
        [ints([1, 2], [1, 2], [0, 1])],
        lambda m, x: m.unique(x, dim=0, return_inverse=True, return_counts=True),
        NO_GRAD,
    ),
    "unique_consecutive": (
        [ints(1, 1, 2, 2, 1)],
        lambda m, x: x.unique_consecutive(return_inverse=True, return_counts=True),
        NO_GRAD,
    ),
    # --- grids and distances ---
    "meshgrid_ij": ([(3,), (4,)], lambda m, a, b: m.meshgrid(a, b, indexing="ij")),
    "meshgrid_xy": ([(3,), (4,), (2,)], lambda m, a, b, c: m.meshgrid([a, b, c], indexing="xy")),
    "meshgrid_default": ([(2,), ()], lambda m, a, b: m.meshgrid(a, b)),
    "cartesian_prod": ([(3,), (2,)], lambda m, a, b: m.cartesian_prod(a, b)),
    "cdist": ([(4, 3), (5, 3)], lambda m, a, b: m.cdist(a, b)),
    "cdist_batch": ([(2, 4, 3), (2, 5, 3)], lambda m, a, b: m.cdist(a, b)),
    "cdist_p1": ([(4, 3), (2, 3)], lambda m, a, b: m.cdist(a, b, p=1.0)),
    "cdist_same": ([(3, 2)], lambda m, a: m.cdist(a, a), NOT_SMOOTH),
    # --- shape helpers ---
    "tile": ([(2, 3)], lambda m, x: x.tile((2,))),
    "tile_more_dims": ([(2, 3)], lambda m, x: m.tile(x, (2, 1, 2))),
    "tile_varargs": ([(2, 3)], lambda m, x: x.tile(1, 2)),
    "movedim": ([(2, 3, 4)], lambda m, x: x.movedim(0, -1)),
    "movedim_tuple": ([(2, 3, 4)], lambda m, x: m.movedim(x, (0, 1), (2, 0))),
    "moveaxis": ([(2, 3, 4)], lambda m, x: x.moveaxis(-1, 0)),
    "H": ([S], lambda m, x: x.H),
    "mH_adjoint": ([(2, 3, 4)], lambda m, x: (x.mH, x.adjoint(), m.adjoint(x))),
    "clone_memory_format": ([S], lambda m, x: x.clone(memory_format=m.contiguous_format)),
    "new_factories": (
        [Const(np.ones((2, 2)))],
        lambda m, x: (
            x.new_zeros(2, 3),
            x.new_ones((3,)),
            x.new_full((2,), 7),
            x.new_tensor([1, 2]),
            x.new_tensor(np.array([1, 2])),
            x.new_tensor([1.5], dtype=m.float64),
            x.long().new_full((2,), 1.5),
            x.new_zeros(2, dtype=m.int32),
            x.new_ones(1, requires_grad=True),
            x.new_empty(0).shape,
        ),
        NO_GRAD,
    ),
}


def _opts(row):
    return row[2] if len(row) > 2 else {}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(OPS))
def test_op_matches_torch(name, dtype):
    row = OPS[name]
    check(row[1], row[0], dtype, grad=_opts(row).get("grad", True))


SMOOTH = [n for n, row in OPS.items() if _opts(row).get("grad", True) and _opts(row).get("gradcheck", True)]


def _gradcheck_inputs(name):
    specs, fn = OPS[name][:2]
    mts, _ = make_inputs(specs, np.float64)
    leaves = [x for x in mts if isinstance(x, mt.Tensor) and x.requires_grad]
    pos = [i for i, x in enumerate(mts) if isinstance(x, mt.Tensor) and x.requires_grad]

    def f(*xs):
        args = list(mts)
        for i, x in zip(pos, xs):
            args[i] = x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(mt, *args)

    return f, leaves


@pytest.mark.parametrize("name", SMOOTH)
def test_gradcheck(name):
    f, leaves = _gradcheck_inputs(name)
    assert gradcheck(f, leaves)


@pytest.mark.parametrize("name", SMOOTH)
def test_gradgradcheck(name):
    f, leaves = _gradcheck_inputs(name)
    assert gradgradcheck(f, leaves)


# --- in-place variants: on a non-leaf (recorded) and under no_grad, against torch ---
INPLACE = {
    "scatter_": ([S, IDX2, (2, 2)], lambda m, x, i, s: (x * 1).scatter_(1, i, s)),
    "scatter_value_": ([S, IDX2], lambda m, x, i: (x * 1).scatter_(1, i, value=3.0)),
    "scatter_add_": (
        [S, ints([0, 0, 1], [2, 2, 2]), (2, 3)],
        lambda m, x, i, s: (x * 1).scatter_add_(1, i, s),
    ),
    "index_add_": ([S, ints(0, 2, 0), (3, 3)], lambda m, x, i, s: (x * 1).index_add_(1, i, s, alpha=-1)),
    "index_fill_": ([S, ints(1)], lambda m, x, i: (x * 1).index_fill_(0, i, -1.0)),
    "tril_": ([S], lambda m, x: (x * 1).tril_(1)),
    "triu_": ([(4, 4)], lambda m, x: (x * 1).triu_()),
    "fill_diagonal_": ([S], lambda m, x: (x * 1).fill_diagonal_(5.0)),
    "fill_diagonal_wrap": ([(7, 3)], lambda m, x: (x * 1).fill_diagonal_(-1.0, wrap=True)),
    "fill_diagonal_cube": ([(2, 2, 2)], lambda m, x: (x * 1).fill_diagonal_(0.0)),
    "diagonal_view_write": ([S], lambda m, x: _write_diagonal(x * 1)),
}


def _write_diagonal(y):
    y.diagonal().mul_(2)
    return y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name, dtype):
    specs, fn = INPLACE[name]
    check(fn, specs, dtype)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_without_grad(name):
    specs, fn = INPLACE[name]
    mts, ths = make_inputs(specs, np.float32)
    with mt.no_grad():
        out_m = fn(mt, *mts)
    with torch.no_grad():
        out_t = fn(torch, *ths)
    assert_close(out_m, out_t)
    assert not out_m.requires_grad


def test_inplace_returns_self_and_bumps_version():
    x = mt.zeros(3, 4)
    v = x._version
    assert x.scatter_(1, mt.tensor([[0], [1], [2]]), 1.0) is x
    assert x.index_fill_(1, mt.tensor([3]), 2.0) is x
    assert x._version == v + 2
    np.testing.assert_array_equal(x._data[:, 3], 2.0)


# --- views ---
def test_diagonal_is_a_view():
    x = mt.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4))
    d = x.diagonal(1)
    assert d._base is x
    d.fill_(-1.0)
    t = torch.arange(12.0).reshape(3, 4)
    t.diagonal(1).fill_(-1.0)
    assert_close(x, t)
    assert x._version == d._version


def test_meshgrid_outputs_are_views():
    a = mt.arange(3.0)
    gx, gy = mt.meshgrid(a, mt.arange(2.0), indexing="ij")
    assert np.shares_memory(gx._data, a._data)


def test_meshgrid_without_indexing_warns_like_torch():
    with pytest.warns(UserWarning, match="indexing argument"):
        mt.meshgrid(mt.arange(2), mt.arange(3))


# --- node names read like torch's ---
NODE_NAMES = {
    "index_select": lambda m, x: x.index_select(0, m.tensor([1, 0])),
    "masked_select": lambda m, x: x.masked_select(x > 0),
    "take": lambda m, x: x.take(m.tensor([0])),
    "scatter_add": lambda m, x: x.scatter_add(1, m.tensor([[0], [1], [0]]), x),
    "index_add": lambda m, x: x.index_add(0, m.tensor([0]), x[:1]),
    "roll": lambda m, x: x.roll(1),
    "tril": lambda m, x: x.tril(),
    "diagonal": lambda m, x: x.diagonal(),
    "cumprod": lambda m, x: x.cumprod(0),
    "median": lambda m, x: x.median(),
    "median_dim": lambda m, x: x.median(0).values,
    "logaddexp": lambda m, x: x.logaddexp(x),
    "atan2": lambda m, x: x.atan2(x),
    "tan": lambda m, x: x.tan(),
    "logit": lambda m, x: x.logit(),
    "logaddexp2": lambda m, x: m.logaddexp2(x, x),
    "scatter_src": lambda m, x: x.scatter(1, m.tensor([[0], [1], [0]]), x),
    "scatter_value": lambda m, x: x.scatter(1, m.tensor([[0], [1], [0]]), 2.0),
    "index_fill": lambda m, x: x.index_fill(0, m.tensor([0]), 1.0),
    "index_fill_tensor": lambda m, x: x.index_fill(0, m.tensor([0]), m.tensor(1.0)),
    "fmod": lambda m, x: x.fmod(2.0),
    "fmod_tensor": lambda m, x: x.fmod(x),
    "remainder": lambda m, x: x.remainder(2.0),
    "remainder_tensor": lambda m, x: x % x,
    "nan_to_num": lambda m, x: x.nan_to_num(),
    "diag_embed": lambda m, x: x.diag_embed(),
    "diag_vector": lambda m, x: x[0].diag(),
    "kthvalue": lambda m, x: x.kthvalue(1).values,
    "mode": lambda m, x: x.mode().values,
    "asinh": lambda m, x: x.asinh(),
    "exp2": lambda m, x: x.exp2(),
    "erf": lambda m, x: x.erf(),
    "hypot": lambda m, x: x.hypot(x),
}


@pytest.mark.parametrize("name", list(NODE_NAMES))
def test_node_names_match_torch(name):
    fn = NODE_NAMES[name]
    arr = np.random.default_rng(0).uniform(0.1, 0.9, (3, 2))
    xm, xt = mt.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
    assert fn(mt, xm).grad_fn.name() == fn(torch, xt).grad_fn.name()


# --- errors: minitorch raises the exception type torch raises ---
ERRORS = {
    "index_select_out_of_range": lambda m: m.zeros(3, 4).index_select(1, m.tensor([0, 4])),
    "index_select_negative": lambda m: m.zeros(3, 4).index_select(1, m.tensor([-1])),
    "index_select_float_index": lambda m: m.zeros(3, 4).index_select(1, m.tensor([0.0])),
    "index_select_2d_index": lambda m: m.zeros(3, 4).index_select(1, m.tensor([[0]])),
    "index_select_bad_dim": lambda m: m.zeros(3, 4).index_select(2, m.tensor([0])),
    "masked_select_not_bool": lambda m: m.zeros(3, 4).masked_select(m.tensor([1, 0, 1, 0])),
    "masked_select_bad_shape": lambda m: m.zeros(3, 4).masked_select(m.tensor([True, False, True])),
    "take_out_of_range": lambda m: m.zeros(3, 4).take(m.tensor([12])),
    "take_negative_out_of_range": lambda m: m.zeros(3, 4).take(m.tensor([-13])),
    "scatter_out_of_range": lambda m: m.zeros(3, 4).scatter(1, m.tensor([[0, 5]]), 1.0),
    "scatter_negative": lambda m: m.zeros(3, 4).scatter(1, m.tensor([[-1]]), 1.0),
    "scatter_index_ndim": lambda m: m.zeros(3, 4).scatter(1, m.tensor([0, 1]), 1.0),
    "scatter_index_too_big": lambda m: m.zeros(3, 4).scatter(1, m.tensor([[0, 1]] * 4), 1.0),
    "scatter_src_too_small": lambda m: m.zeros(3, 4).scatter(1, m.tensor([[0, 1]]), m.ones(1, 1)),
    "scatter_src_dtype": lambda m: m.zeros(3, 4).scatter(
        1, m.tensor([[0, 1]]), m.ones(1, 2, dtype=m.float64)
    ),
    "scatter_float_index": lambda m: m.zeros(3, 4).scatter(1, m.tensor([[0.0]]), 1.0),
    "scatter_add_out_of_range": lambda m: m.zeros(3, 4).scatter_add(0, m.tensor([[3]]), m.ones(1, 1)),
    "index_add_count": lambda m: m.zeros(3, 4).index_add(1, m.tensor([0, 1]), m.ones(3, 3)),
    "index_add_out_of_range": lambda m: m.zeros(3, 4).index_add(1, m.tensor([0, 9]), m.ones(3, 2)),
    "index_add_dtype": lambda m: m.zeros(1, 2).index_add(1, m.tensor([1]), m.ones(1, 1, dtype=m.float64)),
    "index_fill_out_of_range": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([0, 9]), 2.0),
    "index_fill_value_not_0d": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([0]), m.tensor([2.0, 3.0])),
    "index_fill_2d_index": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([[0]]), 2.0),
    "repeat_interleave_sizes": lambda m: m.zeros(2, 2).repeat_interleave(m.tensor([1, 2, 3]), dim=0),
    "repeat_interleave_negative": lambda m: m.zeros(2, 2).repeat_interleave(m.tensor([1, -2]), dim=0),
    "roll_mismatch": lambda m: m.zeros(3, 4).roll((1, 2), (0,)),
    "roll_bad_dim": lambda m: m.zeros(3, 4).roll(1, 5),
    "tril_1d": lambda m: m.zeros(3).tril(),
    "triu_1d": lambda m: m.triu(m.zeros(3)),
    "diagonal_same_dims": lambda m: m.zeros(3, 4).diagonal(0, 0, 0),
    "diagonal_bad_dim": lambda m: m.zeros(3, 4).diagonal(0, 3),
    "diag_3d": lambda m: m.zeros(2, 2, 2).diag(),
    "trace_1d": lambda m: m.zeros(3).trace(),
    "outer_2d": lambda m: m.zeros(3, 3).outer(m.zeros(3)),
    "einsum_shape": lambda m: m.einsum("ij,jk->ik", m.zeros(2, 3), m.zeros(4, 5)),
    "einsum_few_operands": lambda m: m.einsum("ij,jk->ik", m.zeros(2, 3)),
    "einsum_dtype": lambda m: m.einsum("ij,jk->ik", m.zeros(2, 3), m.zeros(3, 5, dtype=m.float64)),
    "einsum_unknown_output": lambda m: m.einsum("ij->ik", m.zeros(2, 3)),
    "einsum_repeated_output": lambda m: m.einsum("ij->jj", m.zeros(2, 2)),
    "einsum_ndim": lambda m: m.einsum("ij", m.zeros(2, 2, 2)),
    "kthvalue_k": lambda m: m.tensor([1.0, 2.0, 3.0]).kthvalue(4),
    "median_empty_dim": lambda m: m.zeros(2, 0).median(1),
    "bincount_negative": lambda m: m.tensor([-1, 1]).bincount(),
    "bincount_2d": lambda m: m.tensor([[1, 1]]).bincount(),
    "bincount_float": lambda m: m.tensor([1.0, 1.0]).bincount(),
    "H_3d": lambda m: m.zeros(2, 3, 4).H,
    "H_1d": lambda m: m.zeros(3).H,
    "movedim_repeated": lambda m: m.zeros(2, 3, 4).movedim((0, 0), (2, 0)),
    "movedim_lengths": lambda m: m.zeros(2, 3).movedim((0, 1), (0,)),
    "movedim_bad_dim": lambda m: m.zeros(2, 3).movedim(0, 5),
    "meshgrid_2d": lambda m: m.meshgrid(m.ones(2, 2), indexing="ij"),
    "meshgrid_dtypes": lambda m: m.meshgrid(m.arange(2), m.arange(3.0), indexing="ij"),
    "cdist_columns": lambda m: m.cdist(m.zeros(2, 3), m.zeros(4, 2)),
    "cdist_1d": lambda m: m.cdist(m.zeros(3), m.zeros(4, 3)),
    "addmm_shape": lambda m: m.zeros(2, 3).addmm(m.zeros(2, 3), m.zeros(3, 2)),
    "fill_diagonal_cube": lambda m: m.zeros(2, 3, 3).fill_diagonal_(1.0),
    "int_fmod_zero": lambda m: m.tensor([1, 2]).fmod(0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    fn = ERRORS[name]
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(expected.type) as got:
        fn(mt)
    assert str(got.value), "the error should say what went wrong"


def test_scatter_multiply_has_no_derivative_like_torch():
    for lib in (mt, torch):
        x = lib.ones(2, 3, requires_grad=True) * 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = x.scatter(1, lib.tensor([[0], [2]]), 3.0, reduce="multiply")
        assert out.requires_grad
        with pytest.raises(RuntimeError, match="derivative"):
            out.sum().backward()


def test_einsum_second_derivative_through_both_operands():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    ga = []
    for lib in (mt, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = lib.einsum("ij,jk->ik", x, y).pow(2).sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        (gy,) = lib.autograd.grad(gx.sum(), y)
        ga.append(gy)
    assert_close(ga[0], ga[1])


@pytest.mark.parametrize("dim", [0, 1])
def test_add_at_in_rounds_matches_numpy(dim):
    """The fast path of index_add / index_select's backward (big inputs, many repeats)."""
    from minitorch.ops.indexing import add_at

    rng = np.random.default_rng(0)
    idx = np.concatenate([rng.integers(-40, 40, 600), np.full(30, 7), np.full(20, -3)])
    shape = [40, 40]
    shape[1 - dim] = 12
    src_shape = list(shape)
    src_shape[dim] = idx.size
    src = rng.standard_normal(src_shape)
    out = rng.standard_normal(shape)
    ref = out.copy()
    np.add.at(ref, (slice(None),) * dim + (idx,), src)
    add_at(out, dim, idx, src)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


def test_big_index_select_and_index_add_match_torch():
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 50, 700)
    check(
        lambda m, x, i, s: x.index_add(0, i, s) + x.index_select(0, i)[:50] * 2,
        [(50, 16), Const(idx), (700, 16)],
        np.float64,
    )
