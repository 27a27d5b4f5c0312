"""The op table: every differentiable op checked against torch (forward values, dtypes, gradients
and node names) in float32 and float64, and against float64 central differences (gradcheck).

Each row names the op, one call written once for both libraries (``fn(m, *inputs)`` with ``m``
being ``minitorch`` or ``torch``: the APIs are the same), an optional torch reference where torch
spells it differently, the input domain per input and the shapes to try. Adding an op is adding a
row.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch.autograd import gradcheck
from minitorch.ops import arithmetic as A
from minitorch.ops import math as E

pytestmark = needs_torch

SAME = "same as torch"


@dataclass(frozen=True)
class Row:
    """One op: ``fn(m, *xs)`` runs it with ``m`` = minitorch or torch."""

    name: str
    fn: Callable
    shapes: tuple  # each entry: one shape per input
    domain: tuple = ("real",)  # per input: real | pos | distinct | zeros | big | ties | class<C>
    ref: Callable | None = None  # torch reference, when torch spells the op differently
    node: str = SAME  # expected grad_fn type name; anything but SAME documents a deliberate difference
    grad: bool = True  # False for ops without a gradient (comparisons, argmax, indices)
    needs: str | None = None  # "nn": skipped until minitorch.nn.functional exists


def _nn_functional(m):
    return importlib.import_module(m.__name__ + ".nn.functional")


def _has_nn_functional() -> bool:
    try:
        _nn_functional(mt)
    except ImportError:
        return False
    return True


# --- input generation ---
def make_input(domain: str, shape: tuple, dtype, rng: np.random.Generator) -> np.ndarray:
    """Data for one input: kept away from kinks, poles and ties so that central differences hold."""
    n = int(np.prod(shape, dtype=np.int64))
    if domain.startswith("class"):
        return rng.integers(0, int(domain[5:]), shape).astype(np.int64)
    if domain == "real":  # |x| in [0.2, 2]: away from 0 (abs, relu, division)
        x = rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    elif domain == "pos":
        x = rng.uniform(0.5, 2.0, shape)
    elif domain == "distinct":  # no two values within 0.3 of each other (max/min/argmax)
        x = (rng.permutation(n) * 0.5 - n / 4 + rng.uniform(-0.1, 0.1, n)).reshape(shape)
    elif domain == "zeros":  # prod with one or more zeros
        x = rng.uniform(0.5, 2.0, n) * rng.choice([-1.0, 1.0], n)
        x[rng.permutation(n)[: max(1, n // 4)]] = 0.0
        x = x.reshape(shape)
    elif domain == "big":  # stability: +-1000 next to ordinary values
        x = rng.standard_normal(n)
        x[::2] = 1000.0
        x[1::3] = -1000.0
        x = x.reshape(shape)
    elif domain == "ties":  # small integers as floats: comparisons see equal elements
        x = rng.integers(-2, 3, shape).astype(np.float64)
    else:
        raise ValueError(domain)
    return np.asarray(x, dtype=dtype)


def _domains(row: Row, k: int) -> tuple:
    return row.domain if len(row.domain) == k else row.domain * k


def _torch_call(row: Row):
    return row.ref or row.fn


# --- the table ---


def S(*shapes) -> tuple:
    """Shapes for a one-input row: ``S((2, 3), (4,))`` -> ``(((2, 3),), ((4,),))``."""
    return tuple((s,) for s in shapes)


UNARY = S((), (1,), (4,), (2, 3), (2, 1, 3))
BINARY = (
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((3,), (2, 3)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((1,), (3,)),
    ((), ()),
    ((2, 1, 3), (4, 1)),
)

TABLE: list[Row] = [
    # arithmetic, tensor (op) tensor with broadcasting
    Row("add", lambda m, a, b: a + b, BINARY),
    Row("sub", lambda m, a, b: a - b, BINARY),
    Row("mul", lambda m, a, b: a * b, BINARY),
    Row("div", lambda m, a, b: a / b, BINARY),
    Row("pow_tensor", lambda m, a, b: a**b, BINARY, ("pos", "real")),
    Row("m.add", lambda m, a, b: m.add(a, b), BINARY[:3]),
    Row("m.sub", lambda m, a, b: m.sub(a, b), BINARY[:3]),
    Row("m.mul", lambda m, a, b: m.mul(a, b), BINARY[:3]),
    Row("m.div", lambda m, a, b: m.div(a, b), BINARY[:3]),
    Row("m.pow", lambda m, a, b: m.pow(a, b), BINARY[:5], ("pos", "real")),
    Row("Tensor.pow", lambda m, a, b: a.pow(b), BINARY[:5], ("pos", "real")),
    Row("add_alpha", lambda m, a, b: a.add(b, alpha=2), BINARY[:3]),
    # with a Python scalar, both ways round
    Row("add_scalar", lambda m, x: x + 2, UNARY),
    Row("radd", lambda m, x: 2 + x, UNARY),
    Row("sub_scalar", lambda m, x: x - 2, UNARY),
    Row("rsub", lambda m, x: 2 - x, UNARY),
    Row("mul_scalar", lambda m, x: x * 1.5, UNARY),
    Row("rmul", lambda m, x: 3 * x, UNARY),
    Row("div_scalar", lambda m, x: x / 4, UNARY),
    Row("rdiv", lambda m, x: 1 / x, UNARY, node="DivBackward0"),  # see NODE_DIFFERENCES
    Row("neg", lambda m, x: -x, UNARY),
    Row("m.neg", lambda m, x: m.neg(x), UNARY[:4]),
    Row("pow_2", lambda m, x: x**2, UNARY),
    Row("pow_3", lambda m, x: x**3, UNARY),
    Row("pow_0", lambda m, x: x**0, UNARY),
    Row("pow_half", lambda m, x: x**0.5, UNARY, ("pos",)),
    Row("pow_neg", lambda m, x: x**-1.5, UNARY, ("pos",)),
    Row("pow_method", lambda m, x: x.pow(2), UNARY),
    Row("rpow", lambda m, x: 2**x, UNARY),
    Row("rpow_float", lambda m, x: 0.5**x, UNARY),
    # matrix products: 1-D, 2-D, batched, broadcast batch dims
    Row("matmul", lambda m, a, b: a @ b, (((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((1, 1), (1, 1)))),
    Row(
        "matmul_batched",
        lambda m, a, b: a @ b,
        (((2, 2, 3), (3, 4)), ((2, 3), (4, 3, 2)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 2, 3), (3,))),
        node="MatMulBackward0",  # see NODE_DIFFERENCES
    ),
    Row("matmul_3d", lambda m, a, b: a @ b, (((2, 2, 3), (2, 3, 4)),), node="BmmBackward0"),
    Row("matmul_vec_mat", lambda m, a, b: a @ b, (((3,), (3, 4)), ((3,), (2, 3, 4))), node="MatMulBackward0"),
    Row("m.matmul", lambda m, a, b: m.matmul(a, b), (((2, 3), (3, 4)),)),
    Row("mm", lambda m, a, b: a.mm(b), (((2, 3), (3, 4)), ((1, 1), (1, 1)))),
    Row("m.mm", lambda m, a, b: m.mm(a, b), (((2, 3), (3, 4)),)),
    Row("bmm", lambda m, a, b: a.bmm(b), (((2, 2, 3), (2, 3, 4)), ((1, 1, 1), (1, 1, 1)))),
    Row("m.bmm", lambda m, a, b: m.bmm(a, b), (((2, 2, 3), (2, 3, 4)),)),
    Row("mv", lambda m, a, b: a.mv(b), (((2, 3), (3,)), ((1, 1), (1,)))),
    Row("m.mv", lambda m, a, b: m.mv(a, b), (((2, 3), (3,)),)),
    Row("dot", lambda m, a, b: a.dot(b), (((3,), (3,)), ((1,), (1,)))),
    Row("m.dot", lambda m, a, b: m.dot(a, b), (((4,), (4,)),)),
    # elementwise
    Row("exp", lambda m, x: x.exp(), UNARY),
    Row("log", lambda m, x: x.log(), UNARY, ("pos",)),
    Row("sqrt", lambda m, x: x.sqrt(), UNARY, ("pos",)),
    Row("abs", lambda m, x: x.abs(), UNARY),
    Row("sin", lambda m, x: x.sin(), UNARY),
    Row("cos", lambda m, x: x.cos(), UNARY),
    Row("sigmoid", lambda m, x: x.sigmoid(), UNARY),
    Row("tanh", lambda m, x: x.tanh(), UNARY),
    Row("relu", lambda m, x: x.relu(), UNARY),
    Row("m.exp", lambda m, x: m.exp(x), UNARY[3:]),
    Row("m.log", lambda m, x: m.log(x), UNARY[3:], ("pos",)),
    Row("m.sqrt", lambda m, x: m.sqrt(x), UNARY[3:], ("pos",)),
    Row("m.abs", lambda m, x: m.abs(x), UNARY[3:]),
    Row("m.sin", lambda m, x: m.sin(x), UNARY[3:]),
    Row("m.cos", lambda m, x: m.cos(x), UNARY[3:]),
    Row("m.sigmoid", lambda m, x: m.sigmoid(x), UNARY[3:]),
    Row("m.tanh", lambda m, x: m.tanh(x), UNARY[3:]),
    Row("m.relu", lambda m, x: m.relu(x), UNARY[3:]),
    Row("abs_builtin", lambda m, x: abs(x), UNARY[3:]),
    # numerically stable at +-1000 (the checks run with NumPy warnings turned into errors)
    Row("sigmoid_big", lambda m, x: x.sigmoid(), S((6,), (2, 3)), ("big",)),
    Row("tanh_big", lambda m, x: x.tanh(), S((6,), (2, 3)), ("big",)),
    Row("softmax_big", lambda m, x: x.softmax(-1), S((6,), (2, 3)), ("big",)),
    Row("log_softmax_big", lambda m, x: x.log_softmax(-1), S((6,), (2, 3)), ("big",)),
    Row("logsumexp_big", lambda m, x: x.logsumexp(-1), S((6,), (2, 3)), ("big",)),
    Row("softmax_big_dim0", lambda m, x: m.softmax(x, 0), S((3, 2)), ("big",)),
    Row("log_softmax_big_dim0", lambda m, x: m.log_softmax(x, 0), S((3, 2)), ("big",)),
    # reductions without dim
    Row("sum", lambda m, x: x.sum(), UNARY),
    Row("m.sum", lambda m, x: m.sum(x), UNARY[3:]),
    Row("mean", lambda m, x: x.mean(), UNARY),
    Row("m.mean", lambda m, x: m.mean(x), UNARY[3:]),
    Row("max", lambda m, x: x.max(), UNARY, ("distinct",)),
    Row("min", lambda m, x: x.min(), UNARY, ("distinct",)),
    Row("m.max", lambda m, x: m.max(x), UNARY[3:], ("distinct",)),
    Row("m.min", lambda m, x: m.min(x), UNARY[3:], ("distinct",)),
    Row("amax", lambda m, x: x.amax(), UNARY, ("distinct",)),
    Row("amin", lambda m, x: x.amin(), UNARY, ("distinct",)),
    Row("prod", lambda m, x: x.prod(), UNARY),
    Row("prod_zeros", lambda m, x: x.prod(), S((4,), (2, 3), (2, 1, 3)), ("zeros",)),
    Row("m.prod", lambda m, x: m.prod(x), UNARY[3:]),
    Row("argmax", lambda m, x: x.argmax(), UNARY, ("distinct",), grad=False),
    Row("argmin", lambda m, x: x.argmin(), UNARY, ("distinct",), grad=False),
    Row("m.argmax", lambda m, x: m.argmax(x), UNARY[3:], ("distinct",), grad=False),
    # softmax family along a dim
    Row("softmax", lambda m, x: x.softmax(-1), UNARY),
    Row("softmax_dim0", lambda m, x: x.softmax(dim=0), UNARY),
    Row("softmax_dim1", lambda m, x: x.softmax(1), S((2, 3), (2, 1, 3), (2, 3, 2))),
    Row("m.softmax", lambda m, x: m.softmax(x, dim=-2), S((2, 3), (2, 3, 2))),
    Row("log_softmax", lambda m, x: x.log_softmax(-1), UNARY),
    Row("log_softmax_dim0", lambda m, x: x.log_softmax(0), UNARY),
    Row("log_softmax_dim1", lambda m, x: x.log_softmax(dim=1), S((2, 3), (2, 1, 3), (2, 3, 2))),
    Row("m.log_softmax", lambda m, x: m.log_softmax(x, -2), S((2, 3), (2, 3, 2))),
    # comparisons: bool tensors, no grad
    Row("eq", lambda m, a, b: a == b, BINARY[:6], ("ties",), grad=False),
    Row("ne", lambda m, a, b: a != b, BINARY[:6], ("ties",), grad=False),
    Row("lt", lambda m, a, b: a < b, BINARY[:6], ("ties",), grad=False),
    Row("le", lambda m, a, b: a <= b, BINARY[:6], ("ties",), grad=False),
    Row("gt", lambda m, a, b: a > b, BINARY[:6], ("ties",), grad=False),
    Row("ge", lambda m, a, b: a >= b, BINARY[:6], ("ties",), grad=False),
    Row("eq_scalar", lambda m, x: x == 1, UNARY, ("ties",), grad=False),
    Row("lt_scalar", lambda m, x: x < 0.5, UNARY, ("ties",), grad=False),
    Row("ge_scalar", lambda m, x: x >= 0, UNARY, ("ties",), grad=False),
    Row("rgt_scalar", lambda m, x: 0 > x, UNARY, ("ties",), grad=False),
    Row("m.eq", lambda m, a, b: m.eq(a, b), BINARY[:3], ("ties",), grad=False),
    Row("m.lt", lambda m, a, b: m.lt(a, b), BINARY[:3], ("ties",), grad=False),
    Row("Tensor.ge", lambda m, a, b: a.ge(b), BINARY[:3], ("ties",), grad=False),
]

# Reductions with ``dim`` (int or tuple, negative) and ``keepdim``. Shapes per dim choice:
_DIMS = [
    (0, S((4,), (2, 3), (2, 3, 4), (), (1,))),
    (-1, S((4,), (2, 3), (2, 3, 4), ())),
    (1, S((2, 3), (2, 3, 4), (2, 1, 3))),
    ((0, 2), S((2, 3, 4))),
    ((-1, 0), S((2, 3), (2, 3, 4))),
    ((-1, -3), S((2, 3, 4))),
]


def _prod_ref(dim, keepdim):
    """torch.prod takes one int dim: reduce a tuple one dim at a time (highest first)."""

    def ref(m, x):
        dims = (dim,) if isinstance(dim, int) else dim
        for d in sorted({d % max(x.dim(), 1) for d in dims}, reverse=True):
            x = x.prod(d, keepdim=keepdim)
        return x

    return ref


for _dim, _shapes in _DIMS:
    for _keep in (False, True):
        _tag = f"(dim={_dim},keepdim={_keep})"
        _d, _k = _dim, _keep
        TABLE += [
            Row("sum" + _tag, lambda m, x, d=_d, k=_k: x.sum(d, keepdim=k), _shapes),
            Row("m.sum" + _tag, lambda m, x, d=_d, k=_k: m.sum(x, dim=d, keepdim=k), _shapes[:1]),
            Row("mean" + _tag, lambda m, x, d=_d, k=_k: x.mean(d, keepdim=k), _shapes),
            Row("amax" + _tag, lambda m, x, d=_d, k=_k: x.amax(d, keepdim=k), _shapes, ("distinct",)),
            Row("amin" + _tag, lambda m, x, d=_d, k=_k: m.amin(x, dim=d, keepdim=k), _shapes, ("distinct",)),
            Row("logsumexp" + _tag, lambda m, x, d=_d, k=_k: x.logsumexp(d, keepdim=k), _shapes),
            Row(
                "prod" + _tag,
                lambda m, x, d=_d, k=_k: x.prod(d, keepdim=k),
                _shapes,
                ref=None if isinstance(_d, int) else _prod_ref(_d, _k),
                node=SAME if isinstance(_d, int) else "ProdBackward1",
            ),
            Row(
                "prod_zeros" + _tag,
                lambda m, x, d=_d, k=_k: x.prod(d, keepdim=k),
                tuple(s for s in _shapes if s[0] not in ((), (1,))),
                ("zeros",),
                ref=None if isinstance(_d, int) else _prod_ref(_d, _k),
                node=SAME if isinstance(_d, int) else "ProdBackward1",
            ),
        ]
        if isinstance(_dim, int):  # torch's max/min/argmax take one int dim
            TABLE += [
                Row(
                    "max_dim" + _tag,
                    lambda m, x, d=_d, k=_k: x.max(d, keepdim=k).values,
                    _shapes,
                    ("distinct",),
                ),
                Row("min_dim" + _tag, lambda m, x, d=_d, k=_k: m.min(x, d, k).values, _shapes, ("distinct",)),
                Row(
                    "max_dim_kw" + _tag,
                    lambda m, x, d=_d, k=_k: x.max(dim=d, keepdim=k)[0],
                    _shapes[:1],
                    ("distinct",),
                ),
                Row(
                    "max_dim.indices" + _tag,
                    lambda m, x, d=_d, k=_k: x.max(d, keepdim=k).indices,
                    _shapes,
                    ("distinct",),
                    grad=False,
                ),
                Row(
                    "min_dim.indices" + _tag,
                    lambda m, x, d=_d, k=_k: x.min(d, keepdim=k)[1],
                    _shapes,
                    ("distinct",),
                    grad=False,
                ),
                Row(
                    "argmax" + _tag,
                    lambda m, x, d=_d, k=_k: x.argmax(d, keepdim=k),
                    _shapes,
                    ("distinct",),
                    grad=False,
                ),
                Row(
                    "argmin" + _tag,
                    lambda m, x, d=_d, k=_k: m.argmin(x, dim=d, keepdim=k),
                    _shapes,
                    ("distinct",),
                    grad=False,
                ),
            ]

# Losses live in minitorch.nn.functional (written alongside this table).
_N, _C = 4, 5
for _red in ("mean", "sum", "none"):
    TABLE += [
        Row(
            f"cross_entropy({_red})",
            lambda m, x, t, r=_red: _nn_functional(m).cross_entropy(x, t, reduction=r),
            (((_N, _C), (_N,)), ((1, _C), (1,))),
            ("real", f"class{_C}"),
            needs="nn",
        ),
        Row(
            f"cross_entropy_big({_red})",
            lambda m, x, t, r=_red: _nn_functional(m).cross_entropy(x, t, reduction=r),
            (((_N, _C), (_N,)),),
            ("big", f"class{_C}"),
            needs="nn",
        ),
        Row(
            f"nll_loss({_red})",
            lambda m, x, t, r=_red: _nn_functional(m).nll_loss(x, t, reduction=r),
            (((_N, _C), (_N,)), ((1, _C), (1,))),
            ("real", f"class{_C}"),
            needs="nn",
        ),
    ]
TABLE += [
    Row(
        "cross_entropy(default)",
        lambda m, x, t: _nn_functional(m).cross_entropy(x, t),
        (((_N, _C), (_N,)),),
        ("real", f"class{_C}"),
        needs="nn",
    ),
    Row(
        "nll_of_log_softmax",
        lambda m, x, t: _nn_functional(m).nll_loss(x.log_softmax(1), t),
        (((_N, _C), (_N,)),),
        ("big", f"class{_C}"),
        needs="nn",
    ),
]

# Deliberate node-name differences (the ``node`` column above): row names (up to "(") and why.
NODE_DIFFERENCES = {
    ("rdiv",): "torch computes 1 / x as reciprocal(x) * 1 (MulBackward0); minitorch records one division",
    ("matmul_batched", "matmul_3d", "matmul_vec_mat"): "torch decomposes batched and vector-matrix "
    "products into view + mm/bmm nodes (UnsafeViewBackward0, CloneBackward0, SqueezeBackward4); "
    "minitorch records one MatMul node (BmmBackward0 for 3-D @ 3-D) and uses torch's names where torch "
    "records a single op (Mm/Mv/Dot)",
    ("prod", "prod_zeros"): "over a tuple of dims only: torch.prod takes one int dim, so the torch "
    "reference is a chain of prods (ProdBackward1 nodes); minitorch records one ProdBackward1",
}

_ROW_IDS = {}
for _r in TABLE:
    assert _r.name not in _ROW_IDS, f"duplicate row {_r.name}"
    _ROW_IDS[_r.name] = _r
del _r


def _case_id(row: Row, shapes) -> str:
    return row.name + "|" + ",".join("x".join(map(str, s)) or "0d" for s in shapes)


CASES = [pytest.param(row, shapes, id=_case_id(row, shapes)) for row in TABLE for shapes in row.shapes]
GRAD_CASES = [c for c in CASES if c.values[0].grad]


def _skip_unavailable(row: Row) -> None:
    if row.needs == "nn" and not _has_nn_functional():
        pytest.skip("minitorch.nn.functional is not importable yet (cross_entropy/nll_loss live there)")


def _expected_node(row: Row, torch_out) -> str:
    if row.node != SAME:
        return row.node
    return type(torch_out.grad_fn).__name__


def _make_inputs(row: Row, shapes, dtype, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [make_input(d, s, dtype, rng) for d, s in zip(_domains(row, len(shapes)), shapes)]


def check_against_torch(row: Row, shapes, dtype, check_node: bool = True) -> None:
    """THE table check: forward value/dtype/shape, gradients of every float input and the node name.

    minitorch runs with NumPy floating-point warnings raised as errors, so an overflow inside
    (e.g. exp(1000) in an unstable softmax) fails the check even if the result came out right.
    """
    arrays = _make_inputs(row, shapes, dtype)
    wants_grad = [row.grad and a.dtype.kind == "f" for a in arrays]
    mt_in = [mt.tensor(a.copy(), requires_grad=g) for a, g in zip(arrays, wants_grad)]
    t_in = [torch.tensor(a.copy(), requires_grad=g) for a, g in zip(arrays, wants_grad)]
    expected = _torch_call(row)(torch, *t_in)
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        out = row.fn(mt, *mt_in)
    assert isinstance(out, mt.Tensor), f"{row.name} returned {type(out).__name__}"
    assert_close(out, expected)
    assert out.requires_grad == expected.requires_grad, f"requires_grad {out.requires_grad}"
    if not row.grad:
        assert out.grad_fn is None
        return
    if check_node:
        assert type(out.grad_fn).__name__ == _expected_node(row, expected)
    upstream = np.random.default_rng(1).standard_normal(expected.shape).astype(dtype)
    expected.backward(torch.tensor(upstream))
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        out.backward(mt.tensor(upstream))
    for i, (x, tx) in enumerate(zip(mt_in, t_in)):
        if tx.requires_grad:
            assert x.grad is not None, f"input {i} got no grad"
            assert_close(x.grad, tx.grad)


def check_gradcheck(row: Row, shapes) -> None:
    arrays = _make_inputs(row, shapes, np.float64)
    inputs = [mt.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    assert gradcheck(lambda *xs: row.fn(mt, *xs), inputs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("row,shapes", CASES)
def test_op_against_torch(row, shapes, dtype):
    _skip_unavailable(row)
    check_against_torch(row, shapes, dtype)


@pytest.mark.parametrize("row,shapes", GRAD_CASES)
def test_op_gradcheck(row, shapes):
    _skip_unavailable(row)
    check_gradcheck(row, shapes)


# --- the harness can fail ---
def test_planted_wrong_backward_is_caught(monkeypatch):
    """With sin's derivative replaced by sin itself, both checks must fail."""
    row = _ROW_IDS["sin"]
    check_against_torch(row, ((2, 3),), np.float64)  # passes as is
    check_gradcheck(row, ((2, 3),))

    def wrong(ctx, g):
        (a,) = ctx.saved_tensors
        return g * a.sin()

    monkeypatch.setattr(E.Sin, "backward", staticmethod(wrong))
    with pytest.raises(AssertionError):
        check_against_torch(row, ((2, 3),), np.float64)
    with pytest.raises(Exception, match="Jacobian mismatch"):
        check_gradcheck(row, ((2, 3),))


def test_planted_wrong_forward_and_broadcast_are_caught(monkeypatch):
    """A wrong forward (exp computing exp2) and a wrong broadcast reduction are caught too."""
    import minitorch.autograd.engine as engine

    exp_row, add_row = _ROW_IDS["exp"], _ROW_IDS["add"]
    monkeypatch.setattr(E.Exp, "forward", staticmethod(lambda ctx, a: np.exp2(a._data)))
    with pytest.raises(AssertionError):
        check_against_torch(exp_row, ((3,),), np.float64)
    monkeypatch.undo()
    monkeypatch.setattr(engine, "_sum_to_shape", lambda g, shape, dtype: g.mean().expand(shape))
    with pytest.raises(AssertionError):
        check_against_torch(add_row, ((2, 3), (3,)), np.float64)


def test_planted_wrong_node_name_is_caught(monkeypatch):
    row = _ROW_IDS["mul"]
    monkeypatch.setattr(A.Mul, "_node_cls", type("WrongBackward0", (A.Mul._node_cls,), {}))
    with pytest.raises(AssertionError):
        check_against_torch(row, ((2, 3), (2, 3)), np.float64)


# --- things the table cannot express ---
def test_every_node_name_difference_is_documented():
    documented = {name for names in NODE_DIFFERENCES for name in names}
    for row in TABLE:
        if row.node != SAME:
            assert row.name.split("(")[0] in documented, f"{row.name}: node {row.node} is not explained"


def test_table_covers_the_issue():
    names = {r.name.split("(")[0] for r in TABLE}
    for op in (
        "add sub mul div pow_tensor pow_2 neg rsub rdiv rpow matmul mm bmm mv dot sum mean max min "
        "amax amin argmax argmin prod prod_zeros logsumexp exp log sqrt abs sin cos sigmoid tanh relu "
        "softmax log_softmax cross_entropy nll_loss eq ne lt le gt ge max_dim min_dim"
    ).split():
        assert op in names, op


@pytest.mark.parametrize("dim", [0, -1, 1])
def test_max_min_with_dim_return_named_tuples(dim):
    x = mt.tensor(make_input("distinct", (2, 3), np.float32, np.random.default_rng(0)))
    for fn in ("max", "min"):
        res = getattr(x, fn)(dim)
        values, indices = res
        assert res.values is values and res.indices is indices
        assert indices.dtype == mt.int64 and not indices.requires_grad
        tres = getattr(torch.tensor(x._data), fn)(dim)
        assert_close(values, tres.values)
        assert_close(indices, tres.indices)


def test_max_of_two_tensors_is_maximum():
    a, b = (make_input("distinct", (2, 3), np.float64, np.random.default_rng(s)) for s in (0, 1))
    assert_close(mt.tensor(a).max(mt.tensor(b)), torch.tensor(a).max(torch.tensor(b)))
    assert_close(mt.tensor(a).min(mt.tensor(b)), torch.tensor(a).min(torch.tensor(b)))


@pytest.mark.parametrize("fn", ["amax", "amin", "max", "min"])
def test_tied_extrema_split_the_gradient_like_torch(fn):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    a, t = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if fn in ("amax", "amin"):
        getattr(a, fn)(1).sum().backward()
        getattr(t, fn)(1).sum().backward()
    else:
        getattr(a, fn)().backward()
        getattr(t, fn)().backward()
    assert_close(a.grad, t.grad)


def test_pow_gradient_at_zero_base_matches_torch():
    base = np.array([0.0, 0.0, 1.5, 2.0])
    expo = np.array([2.0, 0.0, 0.0, -1.0])
    a, b = mt.tensor(base, requires_grad=True), mt.tensor(expo, requires_grad=True)
    ta, tb = torch.tensor(base, requires_grad=True), torch.tensor(expo, requires_grad=True)
    (a**b).sum().backward()
    (ta**tb).sum().backward()
    assert_close(a.grad, ta.grad)
    assert_close(b.grad, tb.grad)
    x, tx = mt.tensor(base[:2], requires_grad=True), torch.tensor(base[:2], requires_grad=True)
    (x**0).sum().backward()
    (tx**0).sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"], ids=lambda s: s)
@pytest.mark.parametrize(
    "da,db,sa,sb",
    [
        ("float32", "float64", (2, 3), (2, 3)),
        ("float32", "float64", (2, 3), ()),
        ("float64", "float32", (), (3,)),
        ("float32", "float64", (), ()),
        ("float32", "int64", (2, 3), (3,)),
        ("int32", "float64", (3,), (2, 3)),
    ],
)
def test_mixed_dtype_binary_ops_match_torch(op, da, db, sa, sb):
    """Promotion inside a differentiable op: result dtype, values, and each grad in its input's dtype."""
    rng = np.random.default_rng(0)
    a = make_input("pos", sa, da, rng) if "float" in da else rng.integers(1, 3, sa).astype(da)
    b = make_input("pos", sb, db, rng) if "float" in db else rng.integers(1, 3, sb).astype(db)
    ma, mb = (mt.tensor(v, requires_grad=v.dtype.kind == "f") for v in (a, b))
    ta, tb = (torch.tensor(v, requires_grad=v.dtype.kind == "f") for v in (a, b))
    f = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: x / y,
        "pow": lambda x, y: x**y,
    }[op]
    out, exp = f(ma, mb), f(ta, tb)
    assert_close(out, exp)
    out.sum().backward()
    exp.sum().backward()
    for x, tx in ((ma, ta), (mb, tb)):
        if tx.requires_grad:
            assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_large_inputs_no_warnings(dim):
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    for dt in (np.float32, np.float64):
        a = mt.tensor(x.astype(dt), requires_grad=True)
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            for fn in ("softmax", "log_softmax"):
                out = getattr(a, fn)(dim)
                exp = getattr(torch.tensor(x.astype(dt)), fn)(dim)
                assert_close(out, exp)
                assert np.isfinite(out._data).all()
                out.sum().backward()
            a.logsumexp(dim).sum().backward()
        assert np.isfinite(a.grad._data).all()


EMPTY_CASES = [
    ("sum(0)", lambda m, x: x.sum(0)),
    ("mean(1)", lambda m, x: x.mean(1)),
    ("prod(0)", lambda m, x: x.prod(0)),
    ("logsumexp(0)", lambda m, x: x.logsumexp(0)),
    ("amax(1)", lambda m, x: x.amax(1)),
    ("amax(0)", lambda m, x: x.amax(0)),
    ("max()", lambda m, x: x.max()),
    ("max(0)", lambda m, x: x.max(0).values),
    ("max(1)", lambda m, x: x.max(1).values),
    ("argmax()", lambda m, x: x.argmax()),
    ("argmin(0)", lambda m, x: x.argmin(0)),
    ("argmax(1)", lambda m, x: x.argmax(1)),
]


@pytest.mark.parametrize("name,fn", EMPTY_CASES, ids=[c[0] for c in EMPTY_CASES])
def test_reductions_over_empty_tensors_match_torch(name, fn):
    """A (0, 3) input: empty results where torch gives them, the same exception type where it raises."""
    try:
        expected = fn(torch, torch.zeros(0, 3))
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        with pytest.raises(type(e)):
            fn(mt, mt.zeros(0, 3))
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        assert_close(fn(mt, mt.zeros(0, 3)), expected)


def test_comparisons_do_not_track_grad():
    a = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for out in (a == 2, a != 2, a < 2, a <= 2, a > 2, a >= 2, a < a.detach()):
        assert out.dtype == mt.bool and not out.requires_grad and out.grad_fn is None
