"""Seed 004: digit classifiers three ways, all on minitorch autograd.

1. ``sigmoid``: the seed's first network, 784-30-10 with sigmoid units and a quadratic cost on
   one-hot targets, trained by mini-batch SGD (batches of 10, lr 3.0).
2. ``adam``: the seed's PyTorch version, 784-128-10 with ReLU, cross-entropy and Adam (lr 0.01).
3. ``mini``: the seed's home-made "MiniTorch" (Linear, ReLU, cross_entropy_loss, SGD with
   momentum, Adam) rebuilt here as small classes over minitorch tensors: no backward written by
   hand, ``loss.backward()`` does it. Trained on 1,000 samples with SGD (lr 0.01, momentum 0.9,
   batches of 100), as in the seed.

The data is MNIST when ``$MINITORCH_MNIST_DIR`` holds its ``t10k-*`` files, else the 8x8
digits embedded in minitorch (the input layer then has 64 units instead of 784).

    python examples/seeds/mnist_from_scratch.py --model all --epochs 5
"""

from __future__ import annotations

import argparse
import math

from common import load_digits_data, printer

import minitorch
import minitorch.nn.functional as F
from minitorch import nn, teach


# --- the seed's "MiniTorch", rebuilt on minitorch tensors ---
class Linear:
    """y = x W + b with W uniform in +-1/sqrt(in_features), as torch initialises nn.Linear."""

    def __init__(self, in_features: int, out_features: int) -> None:
        bound = 1 / math.sqrt(in_features)
        self.W = minitorch.empty(in_features, out_features).uniform_(-bound, bound).requires_grad_()
        self.b = minitorch.empty(out_features).uniform_(-bound, bound).requires_grad_()

    def __call__(self, x):
        return x @ self.W + self.b

    def parameters(self) -> list:
        return [self.W, self.b]


class ReLU:
    def __call__(self, x):
        return x.clamp(min=0)

    def parameters(self) -> list:
        return []


def cross_entropy_loss(logits, targets):
    """Mean of -log softmax(logits)[target], with the max subtracted for stability."""
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs[minitorch.arange(targets.shape[0]), targets].mean()


class SGD:
    """v = momentum v + g; p -= lr v (torch's form of momentum)."""

    def __init__(self, params: list, lr: float = 0.01, momentum: float = 0.0) -> None:
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = [minitorch.zeros_like(p) for p in params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        with minitorch.no_grad():
            for p, v in zip(self.params, self.velocity):
                v.mul_(self.momentum).add_(p.grad)
                p -= self.lr * v


class Adam(SGD):
    """Adam with bias correction: m, v running means of g and g^2."""

    def __init__(self, params: list, lr: float = 0.001, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params, lr)
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = [minitorch.zeros_like(p) for p in params]

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        with minitorch.no_grad():
            for p, m, v in zip(self.params, self.m, self.velocity):
                m.mul_(b1).add_((1 - b1) * p.grad)
                v.mul_(b2).add_((1 - b2) * p.grad * p.grad)
                m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
                p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


# --- the three networks ---
def sigmoid_net(n_in: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())


def relu_net(n_in: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, 128), nn.ReLU(), nn.Linear(128, 10))


def accuracy(predict, X, y) -> float:
    with minitorch.no_grad():
        return (predict(X).argmax(1) == y).float().mean().item()


def batches(n: int, size: int, generator):
    order = minitorch.randperm(n, generator=generator)
    return [order[k : k + size] for k in range(0, n, size)]


def train(kind: str, epochs: int, seed: int = 0, n_train: int | None = None, verbose: bool = True) -> dict:
    """Train one of ``sigmoid``, ``adam``, ``mini``; returns per-epoch losses and test accuracy."""
    say = printer(verbose)
    X, y, X_test, y_test, name = load_digits_data(1000 if kind == "mini" and n_train is None else n_train)
    minitorch.manual_seed(seed)
    g = minitorch.Generator().manual_seed(seed)
    n_in = X.shape[1]
    if kind == "sigmoid":
        model = sigmoid_net(n_in)
        opt, size = minitorch.optim.SGD(model.parameters(), lr=3.0), 10
        loss_fn = lambda out, t: 0.5 * ((out - F.one_hot(t, 10).float()) ** 2).sum(1).mean()  # noqa: E731
        predict, arch = model, f"{n_in}-30-10 sigmoid, quadratic cost, SGD lr 3.0, batch 10"
    elif kind == "adam":
        model = relu_net(n_in)
        opt, size, loss_fn = minitorch.optim.Adam(model.parameters(), lr=0.01), 64, F.cross_entropy
        predict, arch = model, f"{n_in}-128-10 ReLU, cross-entropy, Adam lr 0.01, batch 64"
    elif kind == "mini":
        layers = [Linear(n_in, 128), ReLU(), Linear(128, 10)]
        params = [p for layer in layers for p in layer.parameters()]
        opt, size, loss_fn = SGD(params, lr=0.01, momentum=0.9), 100, cross_entropy_loss

        def predict(x):
            for layer in layers:
                x = layer(x)
            return x

        model, arch = (
            None,
            f"MiniTorch {n_in}-128-10 ReLU, cross_entropy_loss, SGD lr 0.01 momentum 0.9, batch 100",
        )
    else:
        raise ValueError(f"unknown model {kind!r}: choose sigmoid, adam or mini")
    say(f"\n{arch}\non {name}, {X.shape[0]} training samples")
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for idx in batches(X.shape[0], size, g):
            loss = loss_fn(predict(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        losses.append(total / X.shape[0])
        say(
            f"epoch {epoch + 1}: loss {losses[-1]:.4f}, test accuracy {accuracy(predict, X_test, y_test):.2%}"
        )
    acc = accuracy(predict, X_test, y_test)
    if model is not None:
        say("gradient norm per layer after the last batch:")
        say(teach.gradient_flow(model).text())
    return {"losses": losses, "test_accuracy": acc, "model": model}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("sigmoid", "adam", "mini", "all"), default="all")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for kind in ("sigmoid", "adam", "mini") if args.model == "all" else (args.model,):
        train(kind, args.epochs, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
