"""Property-based tests (hypothesis): random expression graphs over random mutually broadcastable
shapes, built identically in torch and minitorch, give the same values and leaf gradients; and
random basic indexing agrees with torch."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import mutually_broadcastable_shapes  # noqa: E402

pytestmark = needs_torch

# Ops that keep every node broadcastable with every other (reductions keep their dims).
UNARY = {
    "tanh": lambda lib, a: a.tanh(),
    "sigmoid": lambda lib, a: a.sigmoid(),
    "sin": lambda lib, a: a.sin(),
    "exp_tanh": lambda lib, a: a.tanh().exp(),
    "square": lambda lib, a: a * a,
    "cube": lambda lib, a: a**3,
    "neg": lambda lib, a: -a,
    "relu": lambda lib, a: a.relu(),
    "abs": lambda lib, a: a.abs(),
    "clamp": lambda lib, a: a.clamp(-0.5, 0.5),
    "scale_shift": lambda lib, a: 0.5 * a - 1.5,
    "softplus_ish": lambda lib, a: (1 + a.exp()).log(),
    "sqrt_safe": lambda lib, a: (a * a + 1).sqrt(),
    "sum_last": lambda lib, a: a.sum(-1, keepdim=True) if a.dim() else a,
    "mean_first": lambda lib, a: a.mean(0, keepdim=True) if a.dim() else a,
    "amax_last": lambda lib, a: a.amax(-1, keepdim=True) if a.dim() else a,
    "softmax_last": lambda lib, a: a.softmax(-1) if a.dim() else a,
    "log_softmax_first": lambda lib, a: a.log_softmax(0) if a.dim() else a,
    "cumsum_last": lambda lib, a: a.cumsum(-1) if a.dim() else a,
    "var_last": lambda lib, a: a.var(-1, keepdim=True, unbiased=False) if a.dim() else a,
    "flip_last": lambda lib, a: a.flip(-1) if a.dim() else a,
    "clone": lambda lib, a: a.clone(),
}
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div_safe": lambda lib, a, b: a / (b * b + 1),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "where": lambda lib, a, b: lib.where(a > b, a, b * 2),
    "pow_safe": lambda lib, a, b: (a * a + 0.5) ** b.tanh(),
    "add_alpha": lambda lib, a, b: a.add(b, alpha=-2),
}
UNARY_NAMES, BINARY_NAMES = sorted(UNARY), sorted(BINARY)


@st.composite
def graphs(draw):
    """Leaf shapes, their values and a list of op steps (each naming earlier nodes)."""
    shapes = draw(
        mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)
    ).input_shapes
    seed = draw(st.integers(0, 2**31 - 1))
    steps = []
    for i in range(draw(st.integers(1, 8))):
        n = len(shapes) + i  # nodes available so far
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(UNARY_NAMES)), draw(st.integers(0, n - 1)), None))
        else:
            steps.append(
                (
                    "b",
                    draw(st.sampled_from(BINARY_NAMES)),
                    draw(st.integers(0, n - 1)),
                    draw(st.integers(0, n - 1)),
                )
            )
    return shapes, seed, steps


def build(lib, leaves, steps):
    nodes = list(leaves)
    for kind, name, i, j in steps:
        nodes.append(UNARY[name](lib, nodes[i]) if kind == "u" else BINARY[name](lib, nodes[i], nodes[j]))
    return nodes


def run_graph(shapes, seed, steps, dtype):
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    lm = [mt.tensor(a, requires_grad=True) for a in arrs]
    lt = [torch.tensor(a, requires_grad=True) for a in arrs]
    nm, nt = build(mt, lm, steps), build(torch, lt, steps)
    loss_m = loss_t = 0
    for a, b in zip(nm, nt):
        assert a.shape == tuple(b.shape)
        w = rng.standard_normal(tuple(b.shape)).astype(dtype)
        loss_m = loss_m + (a * mt.tensor(w)).sum()
        loss_t = loss_t + (b * torch.tensor(w)).sum()
    loss_m.backward()
    loss_t.backward()
    return nm, nt, lm, lt


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_random_graph_float64_matches_torch(graph):
    nm, nt, lm, lt = run_graph(*graph, np.float64)
    for a, b in zip(nm, nt):
        assert_close(a, b)
    for a, b in zip(lm, lt):
        assert_close(a.grad, b.grad)


@settings(max_examples=25, deadline=None)
@given(graphs())
def test_random_graph_float32_matches_torch(graph):
    nm, nt, lm, lt = run_graph(*graph, np.float32)
    for a, b in zip(nm, nt):
        assert_close(a, b, rtol=1e-3, atol=1e-4)
    for a, b in zip(lm, lt):
        assert_close(a.grad, b.grad, rtol=1e-3, atol=1e-4)


@settings(max_examples=20, deadline=None)
@given(graphs())
def test_random_graph_second_derivative_matches_torch(graph):
    shapes, seed, steps = graph
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s) for s in shapes]
    grads = []
    for lib in (mt, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrs]
        out = build(lib, leaves, steps)[-1]
        first = lib.autograd.grad((out * out).sum(), leaves, create_graph=True, allow_unused=True)
        first = [g for g in first if g is not None and g.requires_grad]
        if not first:  # the first derivatives do not depend on the leaves
            grads.append(None)
            continue
        grads.append(lib.autograd.grad(sum((g * g).sum() for g in first), leaves, allow_unused=True))
    if grads[1] is None:
        assert grads[0] is None or all(x is None or not x._data.any() for x in grads[0])
        return
    assert grads[0] is not None
    for a, b in zip(*grads):
        if b is None:
            assert a is None or not a._data.any()
        else:
            assert_close(a, b)


@st.composite
def basic_indices(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    idx = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "full"]))
        if kind == "int":
            idx.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.none() | st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            idx.append(slice(start, stop, draw(st.none() | st.integers(1, 3))))
        else:
            idx.append(slice(None))
    if draw(st.booleans()):
        idx.insert(draw(st.integers(0, len(idx))), None)
    return shape, tuple(idx)


@settings(max_examples=60, deadline=None)
@given(basic_indices(), st.integers(0, 1000))
def test_random_basic_indexing_matches_torch(case, seed):
    shape, idx = case
    arr = np.random.default_rng(seed).standard_normal(shape)
    xm, xt = mt.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
    ym, yt = xm[idx], xt[idx]
    assert_close(ym, yt)
    w = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape))
    (ym * mt.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    assert_close(xm.grad, xt.grad)
