"""``minitorch.autograd.graph`` (saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks, Node)
and the top-level anomaly switches, each run side by side with torch."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import needs_torch, torch


def _function(L):
    class F(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, None, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            a, none, b = ctx.saved_tensors
            assert none is None
            return g * b, g * a

    return F


def _both(fn):
    """fn(L) for minitorch and torch, results as NumPy (or the exception's type and message)."""
    out = []
    for L in (mt, torch):
        try:
            res = fn(L)
        except Exception as e:  # noqa: BLE001  (compared between the two libraries)
            res = (type(e).__name__, str(e))
        out.append(res)
    return out


def _np(t):
    return None if t is None else np.asarray(t.detach().numpy())


@needs_torch
def test_pack_unpack_calls_and_values():
    def run(L):
        log = []

        def pack(t):
            log.append(("pack", tuple(t.shape), t.requires_grad))
            return t.detach().clone()

        def unpack(p):
            log.append("unpack")
            return p * 10  # what backward sees

        x = L.tensor([1.0, 2.0], requires_grad=True)
        F = _function(L)
        with L.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = F.apply(x, L.tensor([3.0, 4.0]))
            with L.no_grad():  # nothing recorded: nothing packed
                F.apply(x, x)
        n_packed = len(log)
        y.sum().backward()
        return log[:n_packed], log[n_packed:], _np(x.grad)

    m, t = _both(run)
    assert m[0] == t[0] == [("pack", (2,), True), ("pack", (2,), False)]
    assert m[1] == t[1] == ["unpack", "unpack"]
    np.testing.assert_array_equal(m[2], t[2])  # 10 * [3, 4]


@needs_torch
def test_hooks_skip_version_check_and_innermost_wins():
    def run(L):
        order = []
        x = L.tensor([1.0, 2.0], requires_grad=True)
        w = L.tensor([3.0, 4.0])
        G = L.autograd.graph
        with G.saved_tensors_hooks(lambda t: order.append("outer") or t, lambda p: p):
            with G.saved_tensors_hooks(lambda t: order.append("inner") or t, lambda p: p):
                y = _function(L).apply(x, w)
        w.add_(1)  # with hooks torch does not check versions: backward sees the new values
        y.sum().backward()
        return order, _np(x.grad)

    m, t = _both(run)
    assert m[0] == t[0] == ["inner", "inner"]
    np.testing.assert_array_equal(m[1], t[1])


@needs_torch
def test_builtin_op_grads_through_hooks():
    def run(L):
        x = L.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        w = L.tensor([[2.0, 1.0], [-1.0, 0.25]], requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda p: p):
            y = ((x * w).sin() @ w).tanh().sum()
        y.backward()
        return _np(x.grad), _np(w.grad)

    m, t = _both(run)
    for a, b in zip(m, t):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@needs_torch
def test_unpack_must_return_a_tensor():
    def run(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        with L.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: 5):
            y = _function(L).apply(x, L.tensor([3.0, 4.0]))
        y.sum().backward()

    m, t = _both(run)
    assert m == t and m[0] == "TypeError"


@needs_torch
def test_disable_saved_tensors_hooks():
    def run(L):
        G = L.autograd.graph
        res = []
        with G.disable_saved_tensors_hooks("no hooks here"):
            try:
                with G.saved_tensors_hooks(lambda t: t, lambda p: p):
                    pass
            except RuntimeError as e:
                res.append(str(e))
        with G.saved_tensors_hooks(lambda t: t, lambda p: p):
            try:
                with G.disable_saved_tensors_hooks("hooks already on"):
                    pass
            except RuntimeError as e:
                res.append(str(e))
        with G.saved_tensors_hooks(lambda t: t, lambda p: p):  # usable again afterwards
            res.append("ok")
        return res

    m, t = _both(run)
    assert m == t == ["no hooks here", "hooks already on", "ok"]


@needs_torch
def test_save_on_cpu():
    def run(L):
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with L.autograd.graph.save_on_cpu(pin_memory=False):
            y = (x * x).exp().sum()
        y.backward()
        return isinstance(L.autograd.graph.save_on_cpu(), L.autograd.graph.saved_tensors_hooks), _np(x.grad)

    m, t = _both(run)
    assert m[0] and t[0]
    np.testing.assert_allclose(m[1], t[1], rtol=1e-6)


@needs_torch
def test_node_is_the_base_of_grad_fns():
    def run(L):
        Node = L.autograd.graph.Node
        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        z = _function(L).apply(x, x)
        return [
            isinstance(y.grad_fn, Node),
            isinstance(z.grad_fn, Node),
            isinstance(y.grad_fn.next_functions[0][0], Node),  # AccumulateGrad
            isinstance(x, Node),
        ]

    m, t = _both(run)
    assert m == t == [True, True, True, False]


@needs_torch
def test_anomaly_switches_top_level():
    def run(L):
        res = [L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()]
        try:
            assert L.set_anomaly_enabled(True) is None
            res += [L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()]
            L.set_anomaly_enabled(True, False)
            res.append(L.is_anomaly_check_nan_enabled())
            for bad in ((1,), (True, "x")):
                try:
                    L.set_anomaly_enabled(*bad)
                except TypeError as e:
                    res.append(str(e).split(":", 1)[1])
        finally:
            L.set_anomaly_enabled(False)
        return res + [L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()]

    m, t = _both(run)
    assert m == t
    assert m[:5] == [False, True, True, True, False] and m[-2:] == [False, True]


def test_anomaly_enabled_by_switch_catches_nan():
    x = mt.tensor([0.0], requires_grad=True)
    mt.set_anomaly_enabled(True)
    try:
        y = (x.sqrt() * 0.0).sum()  # sqrt's grad at 0 is inf; times 0: nan
        with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="returned nan values"):
            y.backward()
    finally:
        mt.set_anomaly_enabled(False)


def test_register_multi_grad_hook_says_not_implemented():
    x = mt.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="register_multi_grad_hook"):
        mt.autograd.graph.register_multi_grad_hook([x], lambda grads: None)
