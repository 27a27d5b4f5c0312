"""The walkthroughs of the seed texts (examples/seeds/): each prints the numbers its seed
prints, computed by minitorch autograd; checked here against the seeds' hand-derived formulas,
float64 central differences and torch."""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

SEEDS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "seeds")


def _load(name: str):
    if SEEDS not in sys.path:
        sys.path.insert(0, SEEDS)
    spec = importlib.util.spec_from_file_location(f"_seed_{name}", os.path.join(SEEDS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_chain_rule_gives_30(capsys):
    res = _load("chain_rule").run()
    assert (res["u"], res["y"], res["dy_du"], res["dy_dx"]) == (5.0, 25.0, 10.0, 30.0)
    assert abs(res["numerical"] - 30.0) < 1e-6
    out = capsys.readouterr().out
    assert "-> x: [] = 30" in out and "rule: a * b: d/da = b" in out
    assert _load("chain_rule").run(x0=-2.0, verbose=False)["dy_dx"] == 6 * (3 * -2.0 + 2)


def test_tiny_network_gradient_check_and_moons():
    mod = _load("tiny_network_and_moons")
    diffs = mod.gradient_check(say=lambda *a: None)
    assert set(diffs) == {"w1", "b1", "w2", "b2"} and max(diffs.values()) < 1e-5
    res = mod.train_moons(epochs=600, say=lambda *a: None)
    assert res["test_accuracy"] >= 0.95
    assert res["losses"][-1] < 0.25 * res["losses"][0]
    assert list(res["flow"]) == ["0", "2", "4"]


def test_one_step_221_numbers():
    res = _load("one_step_221").one_sgd_step(verbose=False)
    assert f"{res['loss']:.8f}" == "0.35555306" and f"{res['new_loss']:.8f}" == "0.32975951"
    np.testing.assert_allclose(res["hidden.weight"], [[0.4, -0.2], [0.09138742, 0.58277485]], atol=5e-9)
    np.testing.assert_allclose(res["out.weight"], [[0.7, -0.26267884]], atol=5e-9)
    assert res["report"].ok


def test_three_layer_sigmoid_matches_the_hand_derived_gradients():
    res = _load("three_layer_sigmoid").train(verbose=False)
    W = {k: v.numpy() for k, v in res["init"].items()}
    x, y = np.array([[0.8, 0.9, 1.0]]), np.array([[1.0]])
    z1 = x @ W["W1"]
    a1 = _sigmoid(z1)
    z2 = a1 @ W["W2"]
    a2 = _sigmoid(z2)
    z3 = a2 @ W["W3"]
    p = _sigmoid(z3)
    err3 = (p - y) * p * (1 - p)  # the seed's error signals, pushed back through W^T
    err2 = err3 @ W["W3"].T * a2 * (1 - a2)
    err1 = err2 @ W["W2"].T * a1 * (1 - a1)
    for name, expected in (("W3", a2.T @ err3), ("W2", a1.T @ err2), ("W1", x.T @ err1)):
        np.testing.assert_allclose(res["grads"][name].numpy(), expected, rtol=1e-10, atol=1e-16)
    losses = np.array(res["losses"])
    assert len(losses) == 100 and np.all(np.diff(losses) < 0)
    assert res["predictions"][0] < 0.6 < 0.85 < res["final"] < 1.0


def test_two_three_one_matches_the_hand_derived_gradients():
    res = _load("two_three_one").train(verbose=False)
    P = {k: v.numpy() for k, v in res["init"].items()}
    x, y = np.array([[0.5], [0.1]]), np.array([[1.0]])
    a1 = _sigmoid(P["W1"] @ x + P["b1"])
    y_pred = _sigmoid(P["W2"] @ a1 + P["b2"])
    dz2 = (y_pred - y) * y_pred * (1 - y_pred)
    dz1 = P["W2"].T @ dz2 * a1 * (1 - a1)
    expected = {"W2": dz2 @ a1.T, "b2": dz2, "W1": dz1 @ x.T, "b1": dz1}
    for name, e in expected.items():
        np.testing.assert_allclose(res["grads"][name].numpy(), e, rtol=1e-10, atol=1e-16)
    losses = np.array(res["losses"])
    assert np.all(np.diff(losses) < 0) and losses[-1] < 0.01 < losses[0]


def test_mnist_from_scratch_trains_each_model():
    mod = _load("mnist_from_scratch")
    for kind, epochs, least in (("sigmoid", 2, 0.7), ("adam", 1, 0.85), ("mini", 3, 0.3)):
        res = mod.train(kind, epochs, verbose=False)
        assert res["test_accuracy"] >= least, kind
        assert all(np.isfinite(res["losses"]))
    with pytest.raises(ValueError, match="choose sigmoid"):
        mod.train("tanh", 1, verbose=False)


@needs_torch
def test_rebuilt_minitorch_pieces_equal_torch():
    mod = _load("mnist_from_scratch")
    mt.manual_seed(0)
    logits = mt.randn(5, 10, dtype=mt.float64, requires_grad=True)
    targets = mt.tensor([1, 0, 9, 3, 3])
    loss = mod.cross_entropy_loss(logits, targets)
    loss.backward()
    t_logits = torch.tensor(logits.detach().numpy(), requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(targets.numpy()))
    t_loss.backward()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(logits.grad.numpy(), t_logits.grad.numpy(), rtol=1e-10)
    for mine, theirs, kw in (
        (mod.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
        (mod.Adam, torch.optim.Adam, dict(lr=0.01)),
    ):
        start = np.random.default_rng(1).standard_normal((3, 4))
        p, q = mt.tensor(start, requires_grad=True), torch.tensor(start, requires_grad=True)
        opt_p, opt_q = mine([p], **kw), theirs([q], **kw)
        for _ in range(5):
            for param, opt in ((p, opt_p), (q, opt_q)):
                opt.zero_grad()
                (param**3).sum().backward()
                opt.step()
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10)


def test_vanishing_gradients_and_dead_relus(tmp_path):
    mod = _load("dead_relu_and_vanishing")
    X, y, *_ = _load("common").load_digits_data(128)
    res = mod.vanishing(X, y, steps=3, say=lambda *a: None)
    ratio = {k: list(f.values())[0] / list(f.values())[-1] for k, f in res["flows"].items()}
    assert ratio["sigmoid"] < 1e-3 < 0.1 < ratio["relu"]
    assert all(len(h) == 3 for h in res["recorders"]["sigmoid"].history.values())
    watches = mod.dead_relus(X, say=lambda *a: None)
    assert 0.2 < watches["ReLU"]["1"].dead_fraction <= 1.0
    assert all(s.dead_fraction == 0.0 for s in watches["LeakyReLU"].values())
    if importlib.util.find_spec("matplotlib"):
        assert mod.main(["--steps", "2", "--plot", str(tmp_path)]) == 0
        assert sorted(os.listdir(tmp_path)) == ["dead_relu.png", "sigmoid_history.png", "vanishing.png"]
