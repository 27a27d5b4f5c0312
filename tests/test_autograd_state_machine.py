"""A hypothesis state machine over autograd (issue 13): leaves, random ops including views, in-place
ops under ``no_grad``, ``retain_grad``, hooks and backward from random nodes with random upstream
grads, compared with torch in float64 after every step (values, grads, and which calls raise).

Short by default; ``MINITORCH_LONG_STATE_MACHINE=1`` runs many more and longer programs.
"""

import os
import warnings

import numpy as np
import pytest

import minitorch
from tests.helpers import needs_torch, torch

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule  # noqa: E402

LONG = bool(os.environ.get("MINITORCH_LONG_STATE_MACHINE"))
LIBS = (minitorch, torch)

UNARY = {
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "relu": lambda t: t.relu(),
    "exp_small": lambda t: (t * 0.1).exp(),
    "square": lambda t: t * t,
    "scale": lambda t: t * 1.5 - 0.25,
    "sum_keep": lambda t: t.sum(0, keepdim=True) * 1,
}
VIEWS = {
    "reshape": lambda t: t.reshape(-1),
    "first": lambda t: t[0],
    "slice": lambda t: t[1:] if t.shape[0] > 1 else t[:],
    "unsqueeze": lambda t: t.unsqueeze(0),
    "transpose": lambda t: t.transpose(0, -1),
    "view": lambda t: t.view(t.shape),
}
BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b}


def _same(a, b, what):
    if a is None or b is None:
        assert a is None and b is None, what
        return
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=what)


def _run(fn):
    """Run ``fn(i, lib)`` for both libraries; both must succeed or both raise the same exception type."""
    outs, errs = [], []
    for i, lib in enumerate(LIBS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outs.append(fn(i, lib))
            errs.append(None)
        except (RuntimeError, IndexError) as e:
            outs.append(None)
            errs.append(type(e))
    assert errs[0] == errs[1], f"minitorch {errs[0]}, torch {errs[1]}"
    return outs if errs[0] is None else None


@needs_torch
class AutogradMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.nodes = []  # [(minitorch tensor, torch tensor)]
        self.leaves = []
        self.retained = []

    def _add(self, pair):
        if pair is not None:
            self.nodes.append(tuple(pair))

    @rule(shape=st.sampled_from([(3,), (2, 3), (3, 1), (2, 2)]), seed=st.integers(0, 2**16))
    def leaf(self, shape, seed):
        arr = np.random.default_rng(seed).normal(size=shape)
        pair = tuple(lib.tensor(arr.copy(), dtype=lib.float64, requires_grad=True) for lib in LIBS)
        self.nodes.append(pair)
        self.leaves.append(pair)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), name=st.sampled_from(sorted(UNARY)))
    def unary(self, data, name):
        pair = data.draw(st.sampled_from(self.nodes))
        self._add(_run(lambda i, lib: UNARY[name](pair[i])))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), name=st.sampled_from(sorted(VIEWS)))
    def view(self, data, name):
        pair = data.draw(st.sampled_from(self.nodes))
        if pair[1].dim() == 0:
            return
        self._add(_run(lambda i, lib: VIEWS[name](pair[i])))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), name=st.sampled_from(sorted(BINARY)))
    def binary(self, data, name):
        a = data.draw(st.sampled_from(self.nodes))
        same = [p for p in self.nodes if p[1].shape == a[1].shape]
        b = data.draw(st.sampled_from(same))
        self._add(_run(lambda i, lib: BINARY[name](a[i], b[i])))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data())
    def cat(self, data):
        a = data.draw(st.sampled_from(self.nodes))
        same = [p for p in self.nodes if p[1].dim() == a[1].dim() and p[1].shape[1:] == a[1].shape[1:]]
        b = data.draw(st.sampled_from(same))
        if a[1].dim() == 0:
            return
        self._add(_run(lambda i, lib: lib.cat([a[i], b[i]])))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), factor=st.sampled_from([0.5, 2.0, -1.0]))
    def inplace_no_grad(self, data, factor):
        pair = data.draw(st.sampled_from(self.nodes))

        def f(i, lib):
            with lib.no_grad():
                pair[i].mul_(factor)

        _run(f)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), factor=st.sampled_from([0.5, 3.0]))
    def inplace_recorded(self, data, factor):
        leaf_ids = {id(p) for p in self.leaves}
        pair = data.draw(st.sampled_from([p for p in self.nodes if id(p) not in leaf_ids] or self.nodes))
        _run(lambda i, lib: pair[i].mul_(factor))

    @precondition(lambda self: any(p[1].grad_fn is not None for p in self.nodes))
    @rule(data=st.data())
    def retain(self, data):
        pair = data.draw(st.sampled_from([p for p in self.nodes if p[1].grad_fn is not None]))
        _run(lambda i, lib: pair[i].retain_grad())
        if all(p is not pair for p in self.retained):
            self.retained.append(pair)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), factor=st.sampled_from([2.0, -0.5]))
    def hook(self, data, factor):
        # NOTE: torch 2.13 can segfault registering a hook on a view whose base changed in place,
        # so hooks go on non-views only
        pair = data.draw(st.sampled_from([p for p in self.nodes if p[1]._base is None] or [None]))
        if pair is None:
            return
        _run(lambda i, lib: pair[i].register_hook(lambda g: g * factor))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), seed=st.integers(0, 2**16))
    def backward(self, data, seed):
        pair = data.draw(st.sampled_from(self.nodes))
        up = np.random.default_rng(seed).normal(size=tuple(pair[1].shape))

        def f(i, lib):
            pair[i].backward(lib.tensor(up.copy(), dtype=lib.float64), retain_graph=True)

        _run(f)

    @invariant()
    def values_and_grads_agree(self):
        for k, (a, b) in enumerate(self.nodes):
            _same(a, b, f"value of node {k}")
            assert a.requires_grad == b.requires_grad
        for k, (a, b) in enumerate(self.leaves + self.retained):
            _same(a.grad, b.grad, f"grad of tensor {k}")


AutogradMachine.TestCase.settings = settings(
    max_examples=300 if LONG else 25,
    stateful_step_count=40 if LONG else 12,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)
TestAutogradMachine = AutogradMachine.TestCase
