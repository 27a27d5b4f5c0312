"""In-place ops: values and gradients against torch, the version counter shared by views and
detach(), the errors torch raises (modified saved tensors, leaves that require grad) and the
``no_grad`` updates optimizers rely on."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import DTYPES, Const, assert_close, check, needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

# Each in-place op as fn(lib, t, other): other is a (2, 3) float tensor where an op takes one.
INPLACE = {
    "add_": lambda lib, t, o: t.add_(o),
    "add_alpha": lambda lib, t, o: t.add_(o, alpha=-0.5),
    "add_scalar": lambda lib, t, o: t.add_(2.0),
    "add_bcast": lambda lib, t, o: t.add_(o[0]),
    "sub_": lambda lib, t, o: t.sub_(o),
    "sub_alpha": lambda lib, t, o: t.sub_(o, alpha=2),
    "mul_": lambda lib, t, o: t.mul_(o),
    "mul_scalar": lambda lib, t, o: t.mul_(-3),
    "div_": lambda lib, t, o: t.div_(o.abs() + 1),
    "div_scalar": lambda lib, t, o: t.div_(4.0),
    "iadd": lambda lib, t, o: t.__iadd__(o),
    "isub": lambda lib, t, o: t.__isub__(1.5),
    "imul": lambda lib, t, o: t.__imul__(o[:, :1]),
    "itruediv": lambda lib, t, o: t.__itruediv__(2),
    "zero_": lambda lib, t, o: t.zero_(),
    "fill_": lambda lib, t, o: t.fill_(0.25),
    "fill_tensor": lambda lib, t, o: t.fill_(o[0, 0]),
    "copy_": lambda lib, t, o: t.copy_(o * 2),
    "copy_bcast": lambda lib, t, o: t.copy_(o[1]),
    "copy_other_dtype": lambda lib, t, o: t.copy_(o.double() if t.dtype == lib.float32 else o.float()),
    "clamp_": lambda lib, t, o: t.clamp_(-0.3, 0.4),
    "clamp_min_": lambda lib, t, o: t.clamp_(min=0.0),
    "clamp_max_": lambda lib, t, o: t.clamp_(max=0.1),
    "clip_": lambda lib, t, o: t.clip_(o - 0.5, o + 0.5),
    "masked_fill_": lambda lib, t, o: t.masked_fill_(o > 0, -1.0),
    "setitem": lambda lib, t, o: t.__setitem__((0, slice(1, None)), o[1, :2]),
    "setitem_scalar": lambda lib, t, o: t.__setitem__(t > 0, 0.0),
    "addcmul_": lambda lib, t, o: t.addcmul_(o, o[0], value=0.3),
    "addcdiv_": lambda lib, t, o: t.addcdiv_(o, o.abs() + 1, value=-2),
    "lerp_": lambda lib, t, o: t.lerp_(o, 0.25),
    "lerp_tensor": lambda lib, t, o: t.lerp_(o, o.sigmoid()),
    "neg_": lambda lib, t, o: t.neg_(),
    "pow_": lambda lib, t, o: t.pow_(2),
    "exp_": lambda lib, t, o: t.exp_(),
    "relu_": lambda lib, t, o: t.relu_(),
    "sigmoid_": lambda lib, t, o: t.sigmoid_(),
    "tanh_": lambda lib, t, o: t.tanh_(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_non_leaf_matches_torch(name, dtype):
    """``t = x * 1.5; op_(t, o)``: value, returned object, version and the grads of x and o."""
    op = INPLACE[name]

    def fn(lib, x, o):
        t = x * 1.5
        v0 = t._version
        out = op(lib, t, o)
        assert out is None or out is t  # in-place ops return self (__setitem__ returns None)
        assert t._version == v0 + 1
        return t * 2

    check(fn, [(2, 3), (2, 3)], dtype)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_without_grad_matches_torch(name):
    """The unrecorded path (no grad anywhere, or inside no_grad) writes the same values."""
    op = INPLACE[name]
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    for dtype in DTYPES:
        tm, tt = mt.tensor(a.astype(dtype)), torch.tensor(a.astype(dtype))
        om, ot = mt.tensor(b.astype(dtype)), torch.tensor(b.astype(dtype))
        data_before = tm._data
        op(mt, tm, om)
        op(torch, tt, ot)
        assert_close(tm, tt)
        assert tm._data is data_before  # written into the same memory
        assert tm._version == tt._version == 1


def test_inplace_sequence_on_non_leaf_matches_torch():
    def fn(lib, x, y2, w):
        y = x * 2
        y.add_(1)
        y.mul_(y2)
        y += w
        y /= 3
        y[0] = y[1].clone() * w[0]
        y.clamp_(-1, 1)
        z = y.exp() * 1
        z.sub_(1)
        return z.sum() + y.sum()

    check(fn, [(2, 3), (2, 3), (3,)], np.float64)
    check(fn, [(2, 3), (2, 3), (3,)], np.float32)


def test_inplace_makes_a_tensor_require_grad():
    def fn(lib, x):
        acc = lib.zeros(3, dtype=x.dtype)
        assert not acc.requires_grad
        acc.add_(x)
        acc.mul_(x)
        assert acc.requires_grad and not acc.is_leaf
        return acc

    check(fn, [(3,)], np.float64)


def test_inplace_on_clone_then_index_assign_matches_torch():
    def fn(lib, x, v):
        y = x.clone()
        y[0] = v.sum()
        y[1:, 1] *= 2
        y[:, 0] += v[0]
        return (y * y).sum()

    check(fn, [(3, 2), (4,)], np.float64)
    check(fn, [(3, 2), (4,)], np.float32)


VIEW_INPLACE = {
    "index": lambda lib, y, w: y[1].mul_(w),
    "slice_step": lambda lib, y, w: y[:, ::2].add_(w[:2]),
    "transpose": lambda lib, y, w: y.t().mul_(w.unsqueeze(1)),
    "view": lambda lib, y, w: y.view(-1).div_(2),
    "unsqueeze": lambda lib, y, w: y.unsqueeze(0).sub_(w),
    "view_of_view": lambda lib, y, w: y.t()[1:].reshape(-1).mul_(3),
    "narrow": lambda lib, y, w: y.narrow(1, 1, 2).zero_(),
    "copy_": lambda lib, y, w: y[1].copy_(w * w),
    "fill_": lambda lib, y, w: y[:, 0].fill_(w[0]),
    "twice": lambda lib, y, w: (y[0].add_(w), y[0].mul_(w)),
    "view_then_base": lambda lib, y, w: (y[1].mul_(w), y.add_(1)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(VIEW_INPLACE))
def test_inplace_on_view_updates_base_like_torch(name, dtype):
    op = VIEW_INPLACE[name]

    def fn(lib, x, w):
        y = x * 1.0
        op(lib, y, w)
        return y * y

    check(fn, [(2, 3), (3,)], dtype)


def test_inplace_on_view_of_tensor_without_grad():
    def fn(lib, x):
        buf = lib.zeros(2, 3, dtype=x.dtype)
        buf[0].add_(x)
        buf.t()[2].mul_(x[0])
        return buf

    check(fn, [(3,)], np.float64)


# --- version counter ---
def test_version_counter_like_torch():
    for lib in (mt, torch):
        x = lib.zeros(2, 3)
        v, d = x[0], x.detach()
        assert x._version == v._version == d._version == 0
        x.add_(1)
        v.mul_(2)
        d.zero_()
        x[1] = 3.0
        x += 1
        x.copy_(lib.ones(3))
        x.uniform_()
        x.normal_()
        x.fill_(1.0)
        x.clamp_(0, 1)
        assert x._version == v._version == d._version == 10
        y = x + 1  # a new tensor has its own counter
        assert y._version == 0


def test_out_of_place_ops_do_not_bump_version():
    x = mt.ones(3, requires_grad=True)
    y = x * 2
    y.exp(), y[0], y.sum(), y.reshape(3, 1), y.clone(), y.detach()
    assert y._version == 0 and x._version == 0


# --- errors: a tensor saved for backward was modified ---
def _expect_modified(fn, match):
    """Both torch and minitorch raise the version error on backward; minitorch's names op, shape, versions."""
    for lib in (torch, mt):
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
            fn(lib)
    msg = str(info.value)
    for part in match:
        assert part in msg, (part, msg)


def test_saved_input_modified_raises():
    def fn(lib):
        x = lib.ones(3, 2, requires_grad=True)
        a = x * 2
        b = lib.ones(3, 2, requires_grad=True)
        z = a * b  # saves a (for b's grad)
        a.add_(1)
        z.sum().backward()

    _expect_modified(fn, ["MulBackward0", "[3, 2]", "is at version 1; expected version 0"])


def test_saved_output_modified_raises():
    def fn(lib):
        x = lib.ones(4, requires_grad=True)
        y = x.exp()  # saves its output
        y.add_(1)
        y.sum().backward()

    _expect_modified(
        fn, ["ExpBackward0", "[4]", "output 0 of ExpBackward0", "is at version 1; expected version 0"]
    )


@pytest.mark.parametrize("op", ["sigmoid", "tanh", "sqrt"])
def test_saved_output_modified_through_detach_raises(op):
    def fn(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = getattr(x, op)()
        y.detach().zero_()  # detach() shares memory and the version counter
        y.sum().backward()

    _expect_modified(fn, ["[2, 2]", "is at version 1; expected version 0"])


def test_saved_leaf_modified_through_view_raises():
    def fn(lib):
        x = lib.ones(3, requires_grad=True)
        c = lib.arange(6.0).reshape(2, 3)  # a constant the product saves for x's grad
        z = (x * c).sum()
        c[1].mul_(2)  # through a view
        z.backward()

    _expect_modified(fn, ["MulBackward0", "[2, 3]", "is at version 1; expected version 0"])


def test_saved_leaf_modified_in_no_grad_raises():
    def fn(lib):
        w = lib.ones(3, requires_grad=True)
        x = lib.ones(2, 3, requires_grad=True)
        loss = (x * w).sum()
        with lib.no_grad():
            w.sub_(0.1)
        loss.backward()

    _expect_modified(fn, ["MulBackward0", "[3]", "a leaf", "is at version 1; expected version 0"])


def test_version_check_counts_every_modification():
    x = mt.ones(3, requires_grad=True)
    y = x * 1
    z = y.sin()  # saves its input
    y.mul_(2)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="is at version 2; expected version 0"):
        z.backward(mt.ones(3))


def test_modification_before_use_is_fine():
    def fn(lib, x):
        y = x * 2
        y.add_(1)  # modified before anything saved it
        return y.exp()

    check(fn, [(3,)], np.float64)


def test_saved_tensor_unaffected_by_unrelated_inplace():
    def fn(lib, x):
        y = x.exp()
        y2 = y.clone()
        y2.add_(1)  # a clone has its own memory and counter
        return y * y2

    check(fn, [(3,)], np.float64)


# --- leaves that require grad ---
LEAF_OPS = {
    "add_": lambda t: t.add_(1),
    "sub_": lambda t: t.sub_(1),
    "mul_": lambda t: t.mul_(2),
    "div_": lambda t: t.div_(2),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(1.0),
    "copy_": lambda t: t.copy_(t.detach() * 2),
    "clamp_": lambda t: t.clamp_(0, 1),
    "uniform_": lambda t: t.uniform_(),
    "normal_": lambda t: t.normal_(),
    "iadd": lambda t: t.__iadd__(1),
    "isub": lambda t: t.__isub__(1),
    "imul": lambda t: t.__imul__(2),
    "itruediv": lambda t: t.__itruediv__(2),
    "setitem": lambda t: t.__setitem__(0, 1.0),
    "masked_fill_": lambda t: t.masked_fill_(t.detach() > 0, 0.0),
}


@pytest.mark.parametrize("name", list(LEAF_OPS))
def test_inplace_on_leaf_that_requires_grad_raises(name):
    op = LEAF_OPS[name]
    for lib in (torch, mt):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(
            RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"
        ):
            op(x)
        assert x._version == 0 and x.tolist() == [1.0, 1.0, 1.0]  # nothing half-done
        with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
            op(x[1:])


@pytest.mark.parametrize("name", list(LEAF_OPS))
def test_inplace_on_leaf_in_no_grad_works(name):
    op = LEAF_OPS[name]
    x = mt.ones(3, requires_grad=True)
    with mt.no_grad():
        op(x)
        op(x[1:])
    assert x.requires_grad and x.is_leaf and x.grad_fn is None and x._version == 2
    (x * 2).sum().backward()  # still usable as a leaf
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_manual_sgd_step_matches_torch():
    rng = np.random.default_rng(0)
    w0, xs, ys = rng.standard_normal((3, 1)), rng.standard_normal((8, 3)), rng.standard_normal((8, 1))
    results = []
    for lib in (mt, torch):
        w = lib.tensor(w0, requires_grad=True)
        b = lib.zeros(1, dtype=lib.float64, requires_grad=True)
        x, y = lib.tensor(xs), lib.tensor(ys)
        lr = 0.1
        for _ in range(3):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= lr * w.grad
                b.sub_(b.grad, alpha=lr)
            w.grad.zero_()
            b.grad = None
        results.append((w, b, w.grad))
    (wm, bm, gm), (wt, bt, gt) = results
    assert_close(wm, wt)
    assert_close(bm, bt)
    assert_close(gm, gt)
    assert bm.grad is None and wm.is_leaf and wm.requires_grad


def test_grad_zero_and_none_then_accumulate():
    x = mt.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    x.grad.zero_()
    assert x.grad is g and x.grad.tolist() == [0.0, 0.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    x.grad = None
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


# --- other errors ---
def test_inplace_cannot_change_shape():
    for lib in (torch, mt):
        x = lib.zeros(3)
        with pytest.raises(RuntimeError):
            x.add_(lib.ones(2, 3))
        y = lib.zeros(3) * lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError):
            y.mul_(lib.ones(2, 3))
        assert x.tolist() == [0.0, 0.0, 0.0]


def test_inplace_float_result_into_int_tensor_raises():
    for lib in (torch, mt):
        x = lib.tensor([1, 2, 3])
        with pytest.raises(RuntimeError, match="can't be cast"):
            x.add_(0.5)
        with pytest.raises(RuntimeError, match="can't be cast"):
            x /= 2
        x.mul_(2)
        x += lib.tensor([1, 1, 1])
        assert x.tolist() == [3, 5, 7]


def test_inplace_on_expanded_tensor_raises():
    for lib in (torch, mt):
        x = lib.zeros(3, 1).expand(3, 4)
        with pytest.raises(RuntimeError, match="more than one element"):
            x.add_(1)


def test_fill_tensor_value_must_be_0d():
    for lib in (torch, mt):
        with pytest.raises(RuntimeError):
            lib.zeros(3).fill_(lib.ones(3))


# --- random fills ---
def test_uniform_normal_fill_in_place_with_seed():
    x = mt.empty(2000, dtype=mt.float64)
    data = x._data
    assert x.uniform_(-2, 3) is x and x._data is data
    assert x._data.min() >= -2 and x._data.max() < 3 and abs(x._data.mean() - 0.5) < 0.15
    x.normal_(1.0, 0.5)
    assert abs(x._data.mean() - 1.0) < 0.05 and abs(x._data.std() - 0.5) < 0.05
    mt.manual_seed(3)
    a = mt.empty(5).normal_().tolist()
    mt.manual_seed(3)
    assert mt.empty(5).normal_().tolist() == a
    assert mt.empty(5).uniform_().dtype == mt.float32


def test_random_fill_on_non_leaf_gives_zero_grad():
    def fn(lib, x):
        y = x * 2
        y[1:].uniform_()  # values differ between libraries, so keep them out of the result
        return y[0] * 1

    check(fn, [(3,)], np.float64)


def test_zero_and_fill_give_zero_grad_like_torch():
    def fn(lib, x, w):
        y = x * w
        y[0].zero_()
        y[1].fill_(2.0)
        return y * w

    check(fn, [(3, 2), (2,)], np.float64)


def test_copy_into_empty_buffer_ignores_old_values():
    def fn(lib, x):
        buf = lib.full((2, 3), float("nan"), dtype=x.dtype)
        buf.copy_(x)
        return buf * 2

    check(fn, [(2, 3)], np.float64)


def test_setitem_value_that_requires_grad_matches_torch():
    def fn(lib, x, v):
        y = x * 1
        y[:, 1] = v
        y[0, 0] = v[2] * 3
        return y.exp()

    check(fn, [(3, 2), (3,)], np.float64)
    check(fn, [(3, 2), Const(np.arange(3.0))], np.float64)


def test_operand_not_needed_for_backward_may_be_modified_like_torch():
    """A product saves an operand only for the other operand's grad, as torch: no error here."""

    def fn(lib, x):
        h = x * 2
        c = lib.ones(3, dtype=x.dtype) * 3
        out = h * c  # h is not saved: c does not require grad
        q = h / c  # nor here
        h.add_(1)
        c2 = c.clone()
        r = x / c2
        return out + q + r

    check(fn, [(3,)], np.float64)


def test_view_created_before_base_inplace_gets_new_history():
    def fn(lib, x):
        y = x * 2
        v = y[0]
        y.mul_(x)  # changes v's values too
        return v * 1

    check(fn, [(2, 3)], np.float64)


def test_view_history_is_regenerated_after_inplace_on_a_sibling_view():
    def fn(lib, x):
        y = x * 2
        v, w = y[0], y[:, 1]  # overlapping views of y
        w.mul_(x[0, 1])  # changes v[1] too
        return v * y[1]

    check(fn, [(2, 3)], np.float64)
