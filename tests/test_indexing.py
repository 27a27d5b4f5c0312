"""Indexing against torch: ``__getitem__`` (basic, advanced, masks, combinations), ``__setitem__``
(values that require grad, broadcasting, on views), ``gather``; values, gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import DTYPES, Const, Leaf, assert_close, check, needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

S = (4, 5, 3)
IDX = {
    "int": 1,
    "neg_int": -1,
    "ints": (1, 2),
    "all_ints": (3, -2, 0),
    "slice": slice(1, 3),
    "slice_step": slice(None, None, 2),
    "slice_step_start": slice(1, None, 3),
    "slice_past_end": slice(2, 100),
    "slice_neg_bounds": slice(-3, -1),
    "slice_empty": slice(3, 1),
    "tuple_slices": (slice(None), slice(0, 4, 2)),
    "none": None,
    "none_middle": (slice(None), None, 1),
    "ellipsis": Ellipsis,
    "ellipsis_int": (Ellipsis, 0),
    "ellipsis_middle": (0, Ellipsis, slice(1, 3)),
    "ellipsis_none": (Ellipsis, None),
    "int_slice_none": (1, None, slice(None, None, 2), None),
    "list": [0, 2, 3],
    "list_repeated": [1, 1, 3, 1],
    "list_neg": [-1, 0],
    "list_bool": [True, False, True, True],
    "list_empty": [],
    "list_2d_tuple": ([0, 1], [2, 4]),
    "tensor": "T:[2, 0]",
    "tensor_repeated": "T:[0, 0, 0, 2]",
    "tensor_2d": "T:[[0, 1], [1, 3]]",
    "tensor_0d": "T:2",
    "tensor_pair": ("T:[0, 3, 3]", "T:[1, 1, 4]"),
    "tensor_pair_bcast": ("T:[[0], [3]]", "T:[1, 4, 4]"),
    "tensor_slice": (slice(None), "T:[4, 0, 4]"),
    "tensor_slice_tensor": ("T:[0, 1]", slice(1, 3), "T:[2, 0]"),  # advanced indices split by a slice
    "tensor_int": ("T:[1, 2]", 0),
    "slice_tensor_ellipsis": (slice(1, None), "T:[0, 0]", Ellipsis),
    "none_tensor": (None, "T:[3, 1]"),
    "mask_full": "M:full",
    "mask_dim0": "M:dim0",
    "mask_dim01": "M:dim01",
    "mask_after_slice": (slice(None), "M:dim1"),
    "mask_and_int": ("M:dim0", 1),
    "mask_uint8": "U:dim0",
    "mask_all_false": "M:false",
}


def _resolve(spec, lib, x_np):
    """Index specs as strings build int tensors ('T:'), bool masks ('M:') or byte masks ('U:') in ``lib``."""
    if isinstance(spec, tuple):
        return tuple(_resolve(s, lib, x_np) for s in spec)
    if not isinstance(spec, str):
        return spec
    kind, what = spec.split(":")
    if kind == "T":
        return lib.tensor(eval(what))
    masks = {
        "full": x_np > 0,
        "dim0": np.array([True, False, True, True]),
        "dim01": x_np[..., 0] > 0,
        "dim1": np.array([False, True, True, False, True]),
        "false": np.zeros(4, dtype=bool),
    }
    m = masks[what]
    return lib.tensor(m.astype(np.uint8)) if kind == "U" else lib.tensor(m)


@pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(IDX))
def test_getitem_matches_torch(name, dtype):
    x_np = np.random.default_rng(3).standard_normal(S)
    spec = IDX[name]

    def fn(lib, x):
        return x[_resolve(spec, lib, x_np)]

    if name == "list_2d_tuple":  # a tuple of lists: both are advanced indices
        fn = lambda lib, x: x[[0, 1], [2, 4]]
    check(fn, [Leaf(x_np)], dtype)


def test_getitem_grad_accumulates_repeated_indices():
    x = mt.zeros(3, requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    y = mt.zeros(2, 2, requires_grad=True)
    idx = mt.tensor([[1, 1], [1, 0]])
    (y[idx] * mt.arange(8.0).reshape(2, 2, 2)).sum().backward()
    yt = torch.zeros(2, 2, requires_grad=True)
    (yt[torch.tensor([[1, 1], [1, 0]])] * torch.arange(8.0).reshape(2, 2, 2)).sum().backward()
    assert_close(y.grad, yt.grad)


def test_getitem_chain_and_iteration():
    x_np = np.random.default_rng(0).standard_normal((3, 4))
    check(lambda lib, x: [row * i for i, row in enumerate(x)], [Leaf(x_np)], np.float64)
    check(lambda lib, x: x[1:][:, [0, 2]][0, ::2], [Leaf(x_np)], np.float64)
    check(lambda lib, x: lib.stack([x[i, j] for i in range(3) for j in (0, 3)]), [Leaf(x_np)], np.float64)


def test_getitem_basic_is_view_advanced_is_copy():
    x = mt.tensor(np.arange(12.0).reshape(3, 4))
    assert x[1]._base is x and x[1:, ::2]._base is x and x[None, ..., 0]._base is x
    assert x[[0, 1]]._base is None and x[x > 3]._base is None
    v = x[1][2]  # a 0-d view
    with mt.no_grad():
        x.mul_(10)
    assert v.item() == 60.0


IDX_ERRORS = {
    "neg_step": (slice(None, None, -1), ValueError),
    "zero_step": (slice(None, None, 0), ValueError),
    "neg_step_in_tuple": ((0, slice(3, 0, -2)), ValueError),
    "int_oob": (4, IndexError),
    "int_oob_neg": (-5, IndexError),
    "int_oob_dim1": ((0, 5), IndexError),
    "too_many": ((0, 0, 0, 0), IndexError),
    "tensor_oob": ("T:[0, 4]", IndexError),
    "list_oob": ([1, 7], IndexError),
    "float": (1.5, IndexError),
    "float_tensor": ("T:[0.0, 1.0]", IndexError),
    "mask_shape": ("M:dim1", IndexError),
}


@pytest.mark.parametrize("name", list(IDX_ERRORS))
def test_getitem_errors_match_torch_type(name):
    spec, exc = IDX_ERRORS[name]
    x_np = np.zeros(S)
    with pytest.raises(exc):
        torch.tensor(x_np)[_resolve(spec, torch, x_np)]
    with pytest.raises(exc):
        mt.tensor(x_np)[_resolve(spec, mt, x_np)]


def test_negative_step_message_matches_torch():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        mt.zeros(3)[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        mt.zeros(3)[::-1] = 1.0


# --- __setitem__ ---
def _set(spec, value):
    """``y = x.clone(); y[spec] = value; y * 1`` in either library (value: number, 'V' = second input)."""

    def fn(lib, x, *rest):
        y = x.clone()
        y[_resolve(spec, lib, np.zeros(S))] = rest[0] if value == "V" else value
        return y * 1

    return fn


SET = {
    "int_scalar": (1, 0.5, []),
    "slice_scalar": ((slice(None), slice(1, 3)), -2.0, []),
    "step_scalar": ((Ellipsis, slice(None, None, 2)), 3.0, []),
    "int_value": (1, "V", [(5, 3)]),
    "int_value_bcast": (1, "V", [(3,)]),
    "int_value_0d": ((0, 0, 0), "V", [()]),
    "slice_value_bcast": ((slice(1, 3), slice(None), 0), "V", [(1, 5)]),
    "list_value": ([0, 2], "V", [(2, 5, 3)]),
    "tensor_value_bcast": ("T:[3, 1]", "V", [(1, 3)]),
    "mask_scalar": ("M:dim0", 0.0, []),
    "mask_value": ("M:dim0", "V", [(3, 5, 3)]),
    "mask_value_bcast": ("M:dim0", "V", [(3,)]),
    "pair_value": (("T:[0, 3]", "T:[1, 4]"), "V", [(2, 3)]),
    "none_value": ((None, 2), "V", [(1, 5, 3)]),
    "leading_ones_value": (1, "V", [(1, 1, 5, 3)]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(SET))
def test_setitem_matches_torch(name, dtype):
    spec, value, extra = SET[name]
    x_np = np.random.default_rng(5).standard_normal(S)
    check(_set(spec, value), [Leaf(x_np), *extra], dtype)


def test_setitem_on_tensor_without_grad_with_value_that_requires_grad():
    """``buf = zeros(...); buf[i] = x`` makes buf part of x's graph, as torch."""

    def fn(lib, x, w):
        buf = lib.zeros(3, 4, dtype=x.dtype)
        buf[0] = x
        buf[2, 1:3] = x[:2] * w
        buf[:, 3] += w  # __getitem__ -> add_ on the view -> __setitem__
        return buf * buf

    check(fn, [(4,), ()], np.float64)
    check(fn, [(4,), ()], np.float32)


def test_setitem_through_views_matches_torch():
    def fn(lib, x, v):
        y = x * 2
        y[1][0] = v[0]  # __setitem__ on a view of y
        y[0][1:3] = v * v
        row = y[2]
        row[::2] = 0.0
        row.mul_(v[1])
        return y, row

    check(fn, [(3, 4), (2,)], np.float64)
    check(fn, [(3, 4), (2,)], np.float32)


def test_setitem_leaf_that_requires_grad_raises():
    x = mt.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 1.0
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[1:][0] = 1.0
    with mt.no_grad():
        x[0] = 1.0
        x[1:][0] = 2.0
    assert x.tolist() == [1.0, 2.0, 0.0] and x.requires_grad and x.grad_fn is None


def test_setitem_casts_value_to_tensor_dtype():
    for lib in (mt, torch):
        x = lib.zeros(3, dtype=lib.int64)
        x[0] = 2.7
        x[1:] = lib.tensor([1.5, -1.5])
        assert x.tolist() == [2, 1, -1]
        y = lib.zeros(2)
        y[0] = lib.tensor(1.0, dtype=lib.float64)
        assert y.dtype == lib.float32


def test_setitem_bumps_version():
    for lib in (mt, torch):
        x = lib.zeros(3)
        v = x[1:]
        x[0] = 1.0
        v[0] = 2.0
        assert x._version == 2 and v._version == 2


# --- gather ---
GATHER = {
    "dim0": (0, [[0, 1, 2, 0], [2, 2, 1, 0]]),
    "dim1": (1, [[3, 0], [1, 1], [2, 3]]),
    "dim_neg": (-1, [[0], [3], [2]]),
    "repeated": (1, [[0, 0, 0, 0, 0], [1, 1, 2, 2, 3], [3, 3, 3, 3, 3]]),
    "smaller": (0, [[1, 2]]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(GATHER))
def test_gather_matches_torch(name, dtype):
    dim, idx = GATHER[name]
    check(lambda lib, x, i: x.gather(dim, i), [(3, 4), Const(np.array(idx))], dtype)
    check(lambda lib, x, i: lib.gather(x, dim, index=i), [(3, 4), Const(np.array(idx))], dtype)


def test_gather_3d_and_cross_entropy_pattern():
    labels = Const(np.array([2, 0, 1]))
    check(lambda lib, x, y: -x.log_softmax(1).gather(1, y.unsqueeze(1)).mean(), [(3, 4), labels], np.float64)
    idx = Const(np.random.default_rng(0).integers(0, 3, (2, 3, 4)))
    check(lambda lib, x, i: x.gather(1, i), [(2, 3, 4), idx], np.float32)


@pytest.mark.parametrize(
    "idx, exc",
    [
        (np.array([[0.0, 1.0]]), RuntimeError),  # float index
        (np.array([0, 1]), RuntimeError),  # wrong number of dims
        (np.array([[0, 4]]), RuntimeError),  # out of bounds
    ],
)
def test_gather_errors_match_torch_type(idx, exc):
    with pytest.raises(exc):
        torch.zeros(3, 4).gather(1, torch.tensor(idx))
    with pytest.raises(exc):
        mt.zeros(3, 4).gather(1, mt.tensor(idx))


@pytest.mark.parametrize(
    "expr",
    [
        "x[1, :, lib.tensor([0, 3])]",
        "x[:, 1, lib.tensor([0, 3])]",
        "x[lib.tensor([0, 1]), :, 1]",
        "x[1, ..., lib.tensor([1, 2])]",
        "x[None, 1, :, lib.tensor([0])]",
        "x[1, lib.tensor([True, False, True]), 2]",
        "x[0, lib.tensor([[0], [2]]), lib.tensor([1, 3])]",
    ],
)
def test_integers_apply_before_advanced_indices_as_torch(expr):
    """``x[1, :, t]`` is ``x[1][:, t]`` in torch (NumPy would count the 1 as an advanced index and
    move the broadcast dims first): values, grads and assignment through the same index."""
    res = []
    for lib in (mt, torch):
        x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
        y = eval(expr, {"lib": lib, "x": x})
        (y * lib.arange(1.0, 1.0 + y.numel()).reshape(y.shape)).sum().backward()
        z = lib.zeros(2, 3, 4)
        exec(f"{expr.replace('x[', 'z[', 1)} = 7.0", {"lib": lib, "z": z})
        res.append((tuple(y.shape), y.detach().numpy().copy(), x.grad.numpy().copy(), z.numpy().copy()))
    assert res[0][0] == res[1][0]
    for a, b in zip(res[0][1:], res[1][1:]):
        np.testing.assert_array_equal(a, b)
