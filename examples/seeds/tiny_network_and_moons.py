"""Seed 001, parts 2 and 3: a 1-1-1 network with a gradient check, then a 2-8-8-1 network on
the two moons.

The 1-1-1 network is x -> w1 x + b1 -> ReLU -> w2 a + b2 -> sigmoid -> binary cross-entropy.
Its four gradients come from ``loss.backward()`` and are checked against central differences
(eps 1e-5, float64): each difference is below 1e-5.

The 2-8-8-1 network (ReLU hidden layers with He initialisation, sigmoid output) is trained with
full-batch gradient descent (lr 0.5, 2,000 epochs, binary cross-entropy) on 400 moons points
with noise 0.15, 80% for training; it classifies the held-out 20% with at least 95% accuracy.
After training, the gradient norm of each layer shows how the gradient reaches the first layer.

    python examples/seeds/tiny_network_and_moons.py --plot moons_loss.png
"""

from __future__ import annotations

import argparse

from common import make_moons, plot_curves, train_test_split

import minitorch
import minitorch.nn.functional as F
from minitorch import nn, teach


def tiny_loss(params: dict, x: float, y: float):
    """The 1-1-1 network's binary cross-entropy on one example."""
    a1 = (params["w1"] * x + params["b1"]).relu()
    y_pred = (params["w2"] * a1 + params["b2"]).sigmoid()
    return F.binary_cross_entropy(y_pred, minitorch.tensor(y, dtype=minitorch.float64))


def gradient_check(x: float = 2.0, y: float = 1.0, eps: float = 1e-5, seed: int = 42, say=print) -> dict:
    """Autograd's gradients of the 1-1-1 network against central differences, per parameter."""
    g = minitorch.Generator().manual_seed(seed)
    init = {"w1": 0.5 + 0.1 * minitorch.randn(1, generator=g).item(), "b1": 0.0}
    init.update(w2=0.1 * minitorch.randn(1, generator=g).item(), b2=0.0)
    params = {k: minitorch.tensor(v, dtype=minitorch.float64, requires_grad=True) for k, v in init.items()}
    loss = tiny_loss(params, x, y)
    loss.backward()
    say(f"1-1-1 network at x = {x:g}, y = {y:g}: loss {loss.item():.6f}")
    say(f"{'param':<6} {'autograd':>12} {'numerical':>12} {'difference':>11}")
    diffs = {}
    for name, p in params.items():
        shifted = []
        for sign in (1, -1):
            moved = {k: v.detach() + (sign * eps if k == name else 0.0) for k, v in params.items()}
            shifted.append(tiny_loss(moved, x, y).item())
        numerical = (shifted[0] - shifted[1]) / (2 * eps)
        diffs[name] = abs(numerical - p.grad.item())
        say(f"{name:<6} {p.grad.item():>12.8f} {numerical:>12.8f} {diffs[name]:>11.2e}")
    return diffs


def moons_network() -> nn.Module:
    """2-8-8-1: ReLU hidden layers with He (Kaiming normal) weights and zero biases, sigmoid output."""
    model = nn.Sequential(
        nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid()
    )
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def train_moons(epochs: int = 2000, lr: float = 0.5, seed: int = 42, say=print) -> dict:
    """Full-batch gradient descent on the moons; returns the losses, accuracies and gradient flow."""
    g = minitorch.Generator().manual_seed(seed)
    X, y = make_moons(400, 0.15, generator=g)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, generator=g)
    say(f"\nmoons: {X_train.shape[0]} training and {X_test.shape[0]} test points; network 2-8-8-1")
    minitorch.manual_seed(seed)
    model = moons_network()
    opt = minitorch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(1, epochs + 1):
        y_pred = model(X_train)
        loss = F.binary_cross_entropy(y_pred, y_train)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if epoch % (epochs // 5 or 1) == 0:
            acc = ((y_pred > 0.5).float() == y_train).float().mean().item()
            say(f"epoch {epoch:>5}: loss {loss.item():.4f}, training accuracy {acc:.2%}")
    flow = teach.gradient_flow(model)
    with minitorch.no_grad():
        test_acc = ((model(X_test) > 0.5).float() == y_test).float().mean().item()
    say(f"test accuracy {test_acc:.2%}")
    say("gradient norm per layer after the last step (input layer first):")
    say(flow.text())
    return {"losses": losses, "test_accuracy": test_acc, "flow": flow, "model": model}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2000, help="epochs of gradient descent (default 2000)")
    parser.add_argument("--seed", type=int, default=42, help="seed for the data and the weights")
    parser.add_argument("--plot", metavar="FILE", help="save the training loss curve (needs matplotlib)")
    args = parser.parse_args(argv)
    gradient_check(seed=args.seed)
    res = train_moons(args.epochs, seed=args.seed)
    if args.plot:
        plot_curves({"training loss": res["losses"]}, args.plot, "2-8-8-1 on the moons")
        print(f"saved the loss curve to {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
