"""Seed 004, the problems: vanishing gradients and dead ReLUs, measured with ``minitorch.teach``.

Vanishing gradients: a deep stack (six hidden layers of 32) with sigmoid units, against the same
stack with ReLU and He initialisation, one backward of the cross-entropy on a batch of digits.
Each sigmoid multiplies the gradient by at most 0.25, so the first layer of the sigmoid stack
gets a tiny share of the last layer's gradient; with ReLU and He weights the norms stay
comparable. ``teach.gradient_flow`` measures it and a recorder follows it over training steps.

Dead ReLUs: with hidden biases started at -0.3 (standing in for a bad update that pushed them
down), many ReLU units output 0 for every sample: their gradient is 0 and they never learn.
``teach.watch_activations`` counts them; Leaky ReLU (slope 0.01 below 0) has no dead units.

    python examples/seeds/dead_relu_and_vanishing.py --plot figures
"""

from __future__ import annotations

import argparse
import os

from common import load_digits_data

import minitorch
import minitorch.nn.functional as F
from minitorch import nn, teach


def deep_net(n_in: int, activation: str, depth: int = 6, width: int = 32) -> nn.Module:
    layers, prev = [], n_in
    for _ in range(depth):
        linear = nn.Linear(prev, width)
        if activation == "relu":  # He initialisation keeps the variance through ReLUs
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers += [linear, nn.Sigmoid() if activation == "sigmoid" else nn.ReLU()]
        prev = width
    return nn.Sequential(*layers, nn.Linear(prev, 10))


def vanishing(X, y, seed: int = 0, steps: int = 20, say=print) -> dict:
    """Per-layer gradient norms of the sigmoid and ReLU stacks, and their history over training."""
    flows, recorders = {}, {}
    for activation in ("sigmoid", "relu"):
        minitorch.manual_seed(seed)
        model = deep_net(X.shape[1], activation)
        opt = minitorch.optim.SGD(model.parameters(), lr=0.1)
        recorders[activation] = rec = teach.GradientFlowRecorder(model)
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(model(X), y).backward()
            rec()
            opt.step()
        flows[activation] = first = teach.GradientFlow(
            {k: v[0] for k, v in rec.history.items()}, types=rec.types
        )
        norms = list(first.values())
        say(f"\n{activation}: gradient norm per layer at the first step (input layer first)")
        say(first.text())
        say(f"first layer / last layer = {norms[0] / norms[-1]:.3g}")
    return {"flows": flows, "recorders": recorders}


def dead_relus(X, seed: int = 0, say=print) -> dict:
    """Dead-unit fractions of a ReLU and a Leaky ReLU network whose hidden biases start at -0.3."""
    watches = {}
    for name, act in (("ReLU", nn.ReLU), ("LeakyReLU", nn.LeakyReLU)):
        minitorch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(X.shape[1], 64), act(), nn.Linear(64, 64), act(), nn.Linear(64, 10))
        with minitorch.no_grad():
            for layer in (model[0], model[2]):
                layer.bias.fill_(-0.3)
        with teach.watch_activations(model, act) as watch, minitorch.no_grad():
            model(X)
        watches[name] = watch
        say(f"\n{name} hidden layers, biases started at -0.3:")
        say(watch.text())
    return watches


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=20, help="training steps to record (default 20)")
    parser.add_argument("--plot", metavar="DIR", help="save the figures in this folder (needs matplotlib)")
    args = parser.parse_args(argv)
    X, y, _, _, name = load_digits_data(512)
    print(f"data: the first {X.shape[0]} training samples of {name}")
    res = vanishing(X, y, args.seed, args.steps)
    watches = dead_relus(X, args.seed)
    if args.plot:
        os.makedirs(args.plot, exist_ok=True)
        teach.plot_gradient_flow(
            res["flows"], os.path.join(args.plot, "vanishing.png"), "Sigmoid vs ReLU (He init)", log=True
        )
        teach.plot_gradient_history(
            res["recorders"]["sigmoid"], os.path.join(args.plot, "sigmoid_history.png")
        )
        teach.plot_activations(
            watches, os.path.join(args.plot, "dead_relu.png"), "Dead units: ReLU vs Leaky ReLU"
        )
        print(f"saved the figures in {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
