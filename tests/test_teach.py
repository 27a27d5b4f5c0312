"""minitorch.teach: the graph (tree text and DOT), the backward trace against torch's grads,
check_ops finding a planted wrong backward, gradient flow and activation stats, and the
examples/teach_backprop.py walkthrough end to end."""

from __future__ import annotations

import importlib.util
import os
import re

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch import nn
from minitorch.autograd.function import Function, Op
from minitorch.ops import arithmetic as A
from minitorch.ops import math as E
from minitorch.teach import (
    check_ops,
    format_grad,
    format_trace,
    gradient_flow,
    graph,
    plot_gradient_flow,
    trace_backward,
    watch_activations,
)

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def _arr(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _torch_names(t) -> list:
    """torch's grad_fn graph in depth-first pre-order, each node once (what teach.graph lists)."""
    order, seen, stack = [], {t.grad_fn}, [t.grad_fn]
    while stack:
        fn = stack.pop()
        order.append(fn.name().replace("torch::autograd::", ""))
        for nxt, _ in reversed(fn.next_functions):
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return order


def _expr(x, W, b, c):
    return ((x @ W + b).tanh() * c).exp().mean()


# --- graph ---
@needs_torch
def test_graph_names_follow_torch():
    arrs = [_arr(5, 3, seed=1), _arr(3, 4, seed=2), _arr(4, seed=3), _arr(5, 4, seed=4)]
    mts = [mt.tensor(a, requires_grad=True) for a in arrs]
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    g = graph(_expr(*mts))
    assert g.names() == _torch_names(_expr(*ts))
    assert g.names()[:6] == [
        "MeanBackward0",
        "ExpBackward0",
        "MulBackward0",
        "TanhBackward0",
        "AddBackward0",
        "MmBackward0",
    ]
    assert len(g.leaves()) == 4


def test_graph_text_is_an_indented_tree_with_names_shapes_dtypes():
    x = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = mt.tensor([0.5, 0.5, 0.5], requires_grad=True)
    text = graph((x * w).sum(), params={"x": x, "w": w}).text()
    assert text.splitlines() == [
        "SumBackward0  [] float32",
        "└── MulBackward0  [3] float32",
        "    ├── AccumulateGrad x  [3] float32",
        "    └── AccumulateGrad w  [3] float32",
    ]


def test_graph_names_leaves_of_a_model_and_marks_shared_nodes():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    out = model(mt.randn(5, 3))
    d = out - 1
    g = graph((d * d).sum(), params=model)
    labels = {n.label for n in g.leaves()}
    assert labels == {"0.weight", "0.bias", "2.weight", "2.bias"}
    # the indentation follows the depth: each Addmm's leaves sit one level under it
    lines = g.text().splitlines()
    depth = {
        line.split("AccumulateGrad ")[1].split()[0]: line.index("AccumulateGrad") // 4
        for line in lines
        if "AccumulateGrad" in line
    }
    assert depth["0.weight"] == depth["0.bias"] > depth["2.weight"] == depth["2.bias"]
    # d is used twice by the Mul: drawn once, referenced once
    assert sum("(#1)" in line for line in lines) == 1
    assert sum("-> see #1" in line for line in lines) == 1
    assert lines[0] == "SumBackward0  [] float32"
    assert "AddmmBackward0  [5, 2] float32" in lines[3]


def test_graph_dot_is_well_formed():
    x = mt.randn(4, 3, requires_grad=True)
    w = mt.randn(3, requires_grad=True)
    y = (x * w).sum(1)
    g = graph((y * y.sigmoid()).mean(), params={"x": x, "w": w})
    dot = g.dot(title='a "title"')
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}") == 1
    body = dot.splitlines()[1:-1]
    declared = set(re.findall(r"^\s*(\w+) \[label=", dot, flags=re.M))
    edges = re.findall(r"^\s*(\w+) -> (\w+) \[label=\"(\[[0-9, ]*\])\"\];$", dot, flags=re.M)
    assert declared == {f"n{i}" for i in range(len(g))} | {"output"}
    assert all(a in declared and b in declared for a, b, _ in edges)
    assert len(edges) == sum(len(n.inputs) for n in g.nodes) + 1
    assert ("n0", "output", "[]") in edges
    for line in body:  # every statement ends with ';' and every quote is closed
        assert line.rstrip().endswith(";"), line
        assert len(re.sub(r'\\"', "", line).split('"')) % 2 == 1, line
    assert '"x\\n[4, 3] float32"' in dot and '"w\\n[3] float32"' in dot


def test_graph_of_a_deep_chain_is_iterative():
    x = mt.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    g = graph(y)
    assert len(g) == 5001
    text = g.text(max_depth=3)
    assert len(text.splitlines()) == 5 and text.endswith("...")


def test_graph_errors_and_leaf():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        graph(mt.randn(3).sum())
    with pytest.raises(TypeError, match="expects a Tensor"):
        graph([1.0])
    x = mt.randn(2, requires_grad=True)
    assert graph(x).names() == ["AccumulateGrad"]
    with pytest.raises(TypeError, match="name -> Tensor"):
        graph(x * 2, params={"x": 3})


# --- trace_backward ---
def _mlp(x, W1, b1, W2, b2, keep=None):
    z = x @ W1 + b1  # b1 broadcasts: its grad is summed over the batch
    h = z.relu()
    if keep is not None:
        z.retain_grad()
        h.retain_grad()
        keep += [z, h]
    return ((h @ W2 + b2).sigmoid() - 0.5).pow(2).sum()


@needs_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_trace_grads_equal_torch(dtype):
    arrs = [_arr(6, 3, seed=5), _arr(3, 4, seed=6), _arr(4, seed=7), _arr(4, 1, seed=8), _arr(1, seed=9)]
    arrs = [a.astype(dtype) for a in arrs]
    names = ["x", "W1", "b1", "W2", "b2"]
    mts = [mt.tensor(a, requires_grad=n != "x") for a, n in zip(arrs, names)]
    ts = [torch.tensor(a, requires_grad=n != "x") for a, n in zip(arrs, names)]
    kept = []
    _mlp(*ts, keep=kept).backward()
    z_t, h_t = kept

    steps = trace_backward(_mlp(*mts), params=dict(zip(names, mts)))
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    assert steps[0].name == "SumBackward0" and steps[0].grad.item() == 1.0
    leaves = {s.label: s.grad for s in steps if s.is_leaf}
    assert set(leaves) == {"W1", "b1", "W2", "b2"}
    for name, t, m in zip(names, ts, mts):
        if name != "x":
            assert_close(leaves[name], t.grad)  # what AccumulateGrad received
            assert_close(m.grad, t.grad)  # and backward really ran
    (relu,) = [s for s in steps if s.name == "ReluBackward0"]
    assert_close(relu.grad, h_t.grad)  # dL/dh, the intermediate grad
    ((target, dz),) = relu.outgoing
    assert target == "AddBackward0"
    assert_close(dz, z_t.grad)
    (add,) = [s for s in steps if s.name == "AddBackward0" and s.outgoing[1][0] == "b1"]
    assert [t for t, _ in add.outgoing] == ["MmBackward0", "b1"]
    assert add.outgoing[1][1].shape == (4,)  # summed back to the bias's shape, as the engine does
    assert_close(add.outgoing[1][1], ts[2].grad)
    # every node of the graph ran exactly once, and the leaves came after their consumers
    assert sorted(s.name for s in steps) == sorted(graph(_mlp(*mts)).names())
    assert steps.index(relu) < steps.index(add) < [s.label for s in steps].index("W1")


def test_trace_removes_its_hooks_and_copies_grads():
    x = mt.tensor(_arr(3), requires_grad=True)
    y = (x.exp() * x).sum()
    steps = trace_backward(y, retain_graph=True)
    for s in steps:
        assert not (s.node._hooks or any(s.node._pre_hooks.values() if s.node._pre_hooks else ()))
    first = x.grad._data.copy()
    leaf = [s for s in steps if s.is_leaf][0]
    y.backward()  # accumulates into x.grad in place: the recorded grad must not change
    np.testing.assert_allclose(x.grad._data, 2 * first)
    np.testing.assert_allclose(leaf.grad._data, first)
    with pytest.raises(RuntimeError, match="no grad_fn"):
        trace_backward(mt.randn(2).sum())


def test_trace_format():
    a = mt.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    b = mt.randn(20, requires_grad=True)
    loss = (a.sigmoid().sum() * b).sum()
    steps = trace_backward(loss, params={"a": a, "b": b})
    text = format_trace(steps)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["step", "node", "dL/d(output)"]
    assert len(lines) == 2 + sum(max(1, len(s.outgoing)) + 1 for s in steps)  # + one rule line each
    assert "rule: sigmoid: d/dx = s (1 - s)" in text and "(summed over axis 0)" in text  # the scalar times b
    for s in steps:
        assert s.name in text
    assert "-> a.grad" in text and "-> b.grad" in text
    assert format_grad(mt.tensor([[-0.0, 0.25]])) == "[1, 2] = [[0, 0.25]]"
    big = mt.tensor(np.arange(12.0).reshape(3, 4))
    assert format_grad(big) == f"[3, 4] norm={np.linalg.norm(np.arange(12.0)):.4g} min=0 max=11"
    assert format_grad(None) == "None"


# --- check_ops ---
def _fn(x, w):
    return ((x * w).sin() + x.exp() / (w * w + 1)).sum()


def test_check_ops_passes_on_correct_ops():
    x, w = mt.randn(3, 2, requires_grad=True), mt.randn(2, requires_grad=True)
    report = check_ops(_fn, x, w)
    assert report.ok and report.first_failure is None
    assert [c.op for c in report.checks] == ["Mul", "Sin", "Exp", "Mul", "Add", "Div", "Add", "Sum"]
    assert all(c.max_error < 1e-6 for c in report.checks)
    assert "all ok" in str(report)
    assert Op.__dict__["apply"].__func__.__qualname__ == "Op.apply"  # unpatched again
    assert Function.__dict__["apply"].__func__.__qualname__ == "Function.apply"


def test_check_ops_names_a_planted_wrong_backward(monkeypatch):
    monkeypatch.setattr(E.Sin, "backward", staticmethod(lambda ctx, g: 2 * g * ctx.saved_tensors[0].cos()))
    x, w = mt.randn(3, 2, requires_grad=True), mt.randn(2, requires_grad=True)
    with pytest.raises(Exception):  # noqa: B017 - the whole-function check fails, but does not say where
        mt.autograd.gradcheck(
            _fn, (x.double().detach().requires_grad_(), w.double().detach().requires_grad_())
        )
    report = check_ops(_fn, x, w)
    bad = report.first_failure
    assert not report.ok and [c.op for c in report.failures] == ["Sin"]
    assert bad.op == "Sin" and bad.name == "SinBackward0" and bad.input_index == 0
    assert bad.analytical == pytest.approx(2 * bad.numerical, rel=1e-5)
    assert len(bad.element) == 2 and "SinBackward0 (Sin)" in str(report).splitlines()[-1]


def test_check_ops_names_the_wrong_input(monkeypatch):
    def bad_mul_backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a * 1.5  # right for a, wrong for b

    monkeypatch.setattr(A.Mul, "backward", staticmethod(bad_mul_backward))
    x, w = mt.randn(3, requires_grad=True), mt.randn(3, requires_grad=True)
    bad = check_ops(lambda x, w: (x * w).tanh().sum(), x, w).first_failure
    assert (bad.op, bad.input_index) == ("Mul", 1)


def test_check_ops_custom_function_kinks_models_and_errors():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x * x  # should be 3

    x = mt.tensor([0.5, -1.0, 2.0], requires_grad=True)
    bad = check_ops(lambda x: Cube.apply(x).sum(), x).first_failure
    assert bad.name == "CubeBackward" and bad.op == "Cube"

    # ReLU at exactly 0 is a kink: its one-sided derivative is accepted, not reported
    z = mt.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    report = check_ops(lambda z: z.relu().sum(), z)
    assert report.ok and report.checks[0].kinks == 1

    # a float32 model: each op is checked in float64 anyway
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    assert check_ops(lambda inp: model(inp).pow(2).mean(), mt.randn(5, 3)).ok

    # nodes built before fn ran are listed as not checked
    pre = x * 2
    assert check_ops(lambda w: (pre * w).sum(), mt.randn(3, requires_grad=True)).unchecked == ["MulBackward0"]

    with pytest.raises(ValueError, match="no graph"):
        check_ops(lambda t: t.sum(), mt.randn(3))

    def boom(t):
        raise KeyError("boom")

    with pytest.raises(KeyError):
        check_ops(boom, x)
    assert Op.__dict__["apply"].__func__.__qualname__ == "Op.apply"


# --- gradient flow and activations ---
@needs_torch
def test_gradient_flow_equals_param_grad_norms():
    model = nn.Sequential(nn.Linear(3, 5), nn.Sigmoid(), nn.Linear(5, 4), nn.Sigmoid(), nn.Linear(4, 1))
    tmodel = torch.nn.Sequential(
        torch.nn.Linear(3, 5),
        torch.nn.Sigmoid(),
        torch.nn.Linear(5, 4),
        torch.nn.Sigmoid(),
        torch.nn.Linear(4, 1),
    )
    with torch.no_grad():
        for (_, p), (_, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
            tp.copy_(torch.from_numpy(p._data))
    x = _arr(8, 3).astype(np.float32)
    model(mt.tensor(x)).pow(2).mean().backward()
    tmodel(torch.tensor(x)).pow(2).mean().backward()
    flow = gradient_flow(model)
    assert list(flow) == ["0", "2", "4"]
    for name in flow:
        tm = tmodel.get_submodule(name)
        expected = torch.sqrt(tm.weight.grad.double().pow(2).sum() + tm.bias.grad.double().pow(2).sum())
        assert flow[name] == pytest.approx(expected.item(), rel=1e-5)
    per = gradient_flow(model, per_parameter=True)
    assert list(per) == [n for n, _ in tmodel.named_parameters()]
    for n, tp in tmodel.named_parameters():
        assert per[n] == pytest.approx(tp.grad.norm().item(), rel=1e-5)
    with pytest.raises(RuntimeError, match="backward"):
        gradient_flow(nn.Linear(2, 2))
    with pytest.raises(TypeError):
        gradient_flow({"a": 1})


def test_plot_gradient_flow(tmp_path):
    pytest.importorskip("matplotlib")
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model(mt.randn(4, 2)).sum().backward()
    for k, what in enumerate(
        [model, gradient_flow(model), {"a": gradient_flow(model), "b": {"0": 1.0, "2": 2.0}}]
    ):
        path = str(tmp_path / f"flow{k}.png")
        assert plot_gradient_flow(what, path) == path
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(TypeError):
        plot_gradient_flow({}, str(tmp_path / "empty.png"))


def test_watch_activations_counts_dead_relus():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with mt.no_grad():
        model[0].bias._data[1] = -100.0  # unit 1 is never positive: a dead ReLU
    xs = [mt.randn(16, 3), mt.randn(8, 3)]
    with watch_activations(model) as acts:
        for x in xs:
            model(x)
    assert list(acts) == ["0", "1", "2"]
    assert not any(m._forward_hooks for m in model.modules())  # removed on exit
    outs = [model[1](model[0](x))._data for x in xs]
    relu = acts["1"]
    allv = np.concatenate([o.ravel() for o in outs])
    assert relu.kind == "ReLU" and relu.calls == 2 and relu.shape == (8, 4)
    assert relu.mean == pytest.approx(allv.mean(), rel=1e-5)
    assert relu.std == pytest.approx(allv.std(), rel=1e-4)
    assert relu.zero_fraction == pytest.approx(np.mean(allv == 0))
    expected_dead = np.mean(~np.concatenate(outs).astype(bool).any(axis=0))
    assert relu.dead_fraction == expected_dead and relu.dead_fraction >= 0.25
    assert acts["0"].dead_fraction == 0.0
    assert "ReLU" in acts.text() and str(acts) == acts.text()

    with watch_activations(model, nn.ReLU) as only_relu:
        model(xs[0])
    assert list(only_relu) == ["1"]
    with watch_activations(model, ["2"]) as by_name:
        model(xs[0])
    assert list(by_name) == ["2"]
    with pytest.raises(KeyError, match="no submodule"):
        with watch_activations(model, ["nope"]):
            pass


# --- the walkthrough example ---
def _example():
    spec = importlib.util.spec_from_file_location(
        "_example_teach_backprop", os.path.join(EXAMPLES, "teach_backprop.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_torch
def test_example_sgd_step_matches_torch():
    ex = _example()
    res = ex.one_sgd_step(verbose=False)
    W1 = torch.tensor(ex.W1, dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor(ex.W2, dtype=torch.float64, requires_grad=True)
    b1 = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b2 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([[1.0]], dtype=torch.float64)

    def loss_fn():
        return (torch.sigmoid(torch.relu(x @ W1.T + b1) @ W2.T + b2) - y).pow(2).sum()

    loss = loss_fn()
    loss.backward()
    with torch.no_grad():
        for p in (W1, b1, W2, b2):
            p -= 0.1 * p.grad
    assert res["loss"] == pytest.approx(loss.item(), rel=1e-12)
    assert res["new_loss"] == pytest.approx(loss_fn().item(), rel=1e-12)
    for name, t in [("hidden.weight", W1), ("hidden.bias", b1), ("out.weight", W2), ("out.bias", b2)]:
        np.testing.assert_allclose(res[name], t.detach().numpy(), rtol=1e-12)
    assert res["report"].ok and [s.name for s in res["steps"]][0] == "SumBackward0"


def test_example_runs_end_to_end(capsys, tmp_path):
    ex = _example()
    with pytest.raises(SystemExit) as e:
        ex.main(["--help"])
    assert e.value.code == 0
    assert "--hidden" in capsys.readouterr().out
    plot = str(tmp_path / "flow.png") if importlib.util.find_spec("matplotlib") else None
    assert ex.main(["--plot", plot] if plot else []) == 0
    out = capsys.readouterr().out
    assert "loss 0.35555306 -> 0.32975951" in out
    assert "[[0.4, -0.2], [0.09138742476262796, 0.5827748495252559]]" in out
    assert "AccumulateGrad hidden.weight" in out and "all ok" in out
    assert "sigmoid hidden layers" in out and "relu hidden layers" in out
    if plot:
        assert os.path.getsize(plot) > 0
    flows = ex.show_flow([8, 8], seed=0, verbose=False)
    ratio = {k: f["fc1"] / f["out"] for k, f in flows.items()}
    assert ratio["sigmoid"] < ratio["relu"] / 5  # the sigmoid's first layer gets far smaller grads


def test_rule_is_the_first_sentence_of_the_op_docstring():
    x = mt.tensor([2.0, 3.0], requires_grad=True)
    steps = trace_backward((x**2.0).sum())
    rule = next(s.rule for s in steps if s.name == "PowBackward0")
    assert rule.startswith("a ** b: d/da = b a^(b-1)") and rule.endswith(".")
    assert "sqrt" not in rule  # the notes after the rule stay in the docstring
