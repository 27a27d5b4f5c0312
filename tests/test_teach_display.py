"""minitorch.teach's rich display: HTML that parses, SVG that is well-formed XML, the built-in
drawing when Graphviz is absent, module collapsing and truncation, the Jacobian view against
torch, gradient-flow plots, and examples/teach.ipynb executed with nbclient."""

from __future__ import annotations

import importlib.util
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import nn, teach

graph_module = importlib.import_module("minitorch.teach.graph")  # the module (teach.graph is the function)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOID = {"br", "meta", "hr", "img", "input", "link"}


class _Balanced(HTMLParser):
    """Parses HTML and checks that every opened tag is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list = []
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def _parse(html: str) -> list:
    p = _Balanced()
    p.feed(html)
    p.close()
    assert not p.stack, p.stack
    return p.tags


def _model_and_loss():
    mt.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x, y = mt.randn(4, 2), mt.randn(4, 1)
    with teach.module_scopes(model) as scopes:
        loss = F.mse_loss(model(x), y)
    return model, x, y, loss, scopes


def test_trace_html_and_page(tmp_path):
    model, x, y, loss, _ = _model_and_loss()
    steps = teach.trace_backward(loss, params=model)
    tags = _parse(steps.html())
    assert tags.count("tr") == len(steps) + 1
    html = steps.html()
    assert "rule: " not in html and "d/dx = s (1 - s)" not in html  # ReLU model: no sigmoid
    assert "relu: d/dx = 1 where x &gt; 0" in html and "summed over axis 0" in html
    path = steps.save_html(str(tmp_path / "trace.html"))
    page = open(path, encoding="utf-8").read()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    _parse(page.split("\n", 1)[1])


def test_reprs_of_every_result_parse():
    model, x, y, loss, _ = _model_and_loss()
    report = teach.check_ops(lambda inp: F.mse_loss(model(inp), y), x)
    loss.backward()
    flow = teach.gradient_flow(model)
    with teach.watch_activations(model) as acts:
        model(x)
    for obj in (report, flow, acts):
        _parse(obj._repr_html_())
        assert obj.text() in str(obj) or str(obj)
    assert flow.label("0") == "0 Linear" and "0 Linear" in flow.text()
    assert "<span class='bar'" in flow.html() and "WRONG" not in report.html()


def test_graph_svg_builtin_is_well_formed_and_shows_grads(monkeypatch):
    model, x, y, loss, scopes = _model_and_loss()
    g = teach.graph(loss, scopes=scopes)
    assert {n.label for n in g.leaves()} == {
        "model.0.weight",
        "model.0.bias",
        "model.2.weight",
        "model.2.bias",
    }
    steps = teach.trace_backward(loss, retain_graph=True)
    g.attach(steps)
    svg = g.svg(engine="builtin")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "model.0.weight" in texts and g.names()[0] in texts and "AddmmBackward0" in texts
    norm = float(np.linalg.norm(model[0].weight.grad.numpy()))
    assert f"grad [3, 2] |g|={norm:.3g}" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == len(g) + 1
    # collapsed: one box per module, with its op and parameters
    texts = [
        t.text
        for t in ET.fromstring(g.svg(collapse=1, engine="builtin")).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert "0: Linear" in texts and "1 op + weight + bias" in texts and "1: ReLU" in texts
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    html = g._repr_html_()
    assert "apt-get install graphviz" in html and "<svg" in html
    with pytest.raises(RuntimeError, match="install"):
        g.svg(engine="dot")


def test_graph_of_thousands_of_nodes_is_truncated_with_a_note():
    x = mt.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    svg = teach.graph(y).svg(engine="builtin", max_nodes=100)
    root = ET.fromstring(svg)
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 101
    assert "showing 100 of 3001 boxes" in svg


@pytest.mark.skipif(not graph_module.shutil.which("dot"), reason="Graphviz's dot is not installed")
def test_graph_svg_with_graphviz():
    *_, loss, scopes = _model_and_loss()
    ET.fromstring(teach.graph(loss, scopes=scopes).svg(collapse=1, engine="dot"))


@needs_torch
def test_jacobian_view_equals_torch():
    a = np.array([0.5, -1.0, 2.0])
    v = np.array([[1.0, 2.0], [0.5, -1.0]])
    W = np.arange(6.0).reshape(2, 3) / 5

    def f(t, lib):
        return (lib.tensor(W) @ t.sin()).reshape(2, 1) * lib.tensor([1.0, 3.0])

    view = teach.jacobian_view(lambda t: f(t, mt), mt.tensor(a), mt.tensor(v))
    J = torch.autograd.functional.jacobian(lambda t: f(t, torch), torch.tensor(a)).reshape(4, 3)
    np.testing.assert_allclose(view.J, J.numpy(), rtol=1e-12)
    np.testing.assert_allclose(view.vjp, v.reshape(-1) @ J.numpy(), rtol=1e-12)
    assert view.ok and "equal" in view.text()
    _parse(view.html())
    with pytest.raises(ValueError, match="small functions"):
        teach.jacobian_view(lambda t: t * 2, mt.randn(30))
    with pytest.raises(ValueError, match="v has shape"):
        teach.jacobian_view(lambda t: t * 2, mt.randn(3), mt.randn(2))


@pytest.mark.skipif(not importlib.util.find_spec("matplotlib"), reason="needs matplotlib")
def test_flow_recorder_and_plots(tmp_path):
    model, x, y, *_ = _model_and_loss()
    rec = teach.GradientFlowRecorder(model)
    opt = mt.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        flow = rec()
        opt.step()
    assert rec.steps == [0, 1, 2] and list(rec.history) == ["0", "2"]
    assert rec.history["2"][-1] == flow["2"] == rec.last()["2"]
    for path in (
        teach.plot_gradient_flow(flow, str(tmp_path / "flow.png")),
        teach.plot_gradient_history(rec, str(tmp_path / "history.png")),
    ):
        assert os.path.getsize(path) > 1000
    with teach.watch_activations(model, nn.ReLU) as acts:
        model(x)
    assert os.path.getsize(teach.plot_activations(acts, str(tmp_path / "dead.png"))) > 1000


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("nbclient", "nbformat", "ipykernel")),
    reason="needs nbclient, nbformat and ipykernel (the test extra)",
)
def test_notebook_executes_and_renders():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(os.path.join(ROOT, "examples", "teach.ipynb"), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": ROOT}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) >= 6 and sum("<svg" in h for h in html) == 2
    for h in html:
        _parse(h)
