"""Seed 003: a 2-3-1 sigmoid network trained on one example with a squared error.

Column vectors as in the seed: x (2x1) = (0.5, 0.1), target 1; z1 = W1 x + b1 with W1 (3x2),
a1 = sigmoid(z1), y_pred = sigmoid(W2 a1 + b2) with W2 (1x3); loss 0.5 (y_pred - y)^2; lr 0.1,
1,000 epochs of gradient descent. ``loss.backward()`` gives the seed's hand-derived gradients
(dL/dz2 = (y_pred - y) sigmoid'(z2), dL/dW2 = dL/dz2 a1^T, dL/dz1 = W2^T dL/dz2 * sigmoid'(z1),
dL/dW1 = dL/dz1 x^T); the gradient flow of the first step shows which layer gets more.

    python examples/seeds/two_three_one.py
"""

from __future__ import annotations

import argparse

from common import printer

import minitorch
from minitorch import teach


def init_params(seed: int = 0) -> dict:
    g = minitorch.Generator().manual_seed(seed)
    shapes = {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
    return {
        k: minitorch.randn(*s, generator=g, dtype=minitorch.float64).requires_grad_()
        for k, s in shapes.items()
    }


def loss_of(P: dict, x, y):
    a1 = (P["W1"] @ x + P["b1"]).sigmoid()
    y_pred = (P["W2"] @ a1 + P["b2"]).sigmoid()
    return 0.5 * ((y_pred - y) ** 2).sum()


def train(epochs: int = 1000, lr: float = 0.1, seed: int = 0, verbose: bool = True) -> dict:
    say = printer(verbose)
    x = minitorch.tensor([[0.5], [0.1]], dtype=minitorch.float64)
    y = minitorch.tensor([[1.0]], dtype=minitorch.float64)
    P = init_params(seed)
    init = {k: v.detach().clone() for k, v in P.items()}
    losses, first_grads = [], None
    for epoch in range(epochs):
        loss = loss_of(P, x, y)
        loss.backward()
        if epoch == 0:
            first_grads = {k: v.grad.detach().clone() for k, v in P.items()}
            say("gradients of the first step:")
            for k, g in first_grads.items():
                say(f"  dL/d{k} = {teach.format_grad(g, 6)}")
        with minitorch.no_grad():
            for p in P.values():
                p -= lr * p.grad
                p.grad = None
        losses.append(loss.item())
        if epoch % 100 == 0:
            say(f"epoch {epoch:>4}, loss {loss.item():.4f}")
    say(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    return {"losses": losses, "init": init, "grads": first_grads}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
    args = parser.parse_args(argv)
    train(args.epochs, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
