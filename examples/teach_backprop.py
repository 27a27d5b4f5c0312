"""Backpropagation, step by step, with ``minitorch.teach``.

Part 1 (``--part step``, the walkthrough of seed 002 in ``seeds/one_step_221.py``): a 2-2-1 network (ReLU hidden layer, sigmoid output, squared error)
with fixed weights, one input (1, 2) and target 1, does one SGD step with lr 0.1 in float64.
It prints the graph that ``loss.backward()`` walks, every backward step with the gradient that
each node received and sent on, a check of every op's backward against central differences,
and the updated weights: the loss goes from 0.35555306 to 0.32975951, and
W1 -> [[0.4, -0.2], [0.09138742, 0.58277485]], W2 -> [[0.7, -0.26267884]].
(The first hidden unit sits exactly at ReLU's kink, z = 0: its gradient is 0, so its row of W1
does not move.)

Part 2 (``--part flow``): two interleaving half moons (400 points, noise 0.15) and a
2-8-8-1 network, once with sigmoid and once with ReLU hidden layers (same initial weights).
One backward of the binary cross-entropy, then the gradient norm of each layer, input layer
first: each sigmoid multiplies the gradient by at most 0.25, so the sigmoid network's early
layers get much smaller gradients (vanishing gradients); ``--hidden 8 8 8 8 8`` makes it
plain. Also prints the activation statistics of each hidden layer (dead ReLUs).

    python examples/teach_backprop.py
    python examples/teach_backprop.py --part flow --hidden 8 8 8 8 8 --plot flow.png
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds"))
from common import make_moons  # noqa: E402
from one_step_221 import W1, W2, build_221, one_sgd_step  # noqa: E402

import minitorch  # noqa: E402
import minitorch.nn.functional as F  # noqa: E402
from minitorch import nn, teach  # noqa: E402
from minitorch.teach import gradient_flow, watch_activations  # noqa: E402

__all__ = ["W1", "W2", "build_221", "one_sgd_step", "make_moons", "show_flow", "main"]


def build_mlp(hidden: list, activation: str) -> nn.Module:
    """2 -> hidden... -> 1 with the given hidden activation and a sigmoid output."""
    layers, width = OrderedDict(), 2
    for k, h in enumerate(hidden, 1):
        layers[f"fc{k}"] = nn.Linear(width, h)
        layers[f"act{k}"] = nn.Sigmoid() if activation == "sigmoid" else nn.ReLU()
        width = h
    layers["out"] = nn.Linear(width, 1)
    layers["prob"] = nn.Sigmoid()
    return nn.Sequential(layers)


def gradient_norms(hidden: list, activation: str, X, y, seed: int = 0):
    """Part 2 for one activation: per-layer grad norms and hidden activation stats after one backward."""
    minitorch.manual_seed(seed)  # the same initial weights for both activations
    model = build_mlp(hidden, activation)
    with watch_activations(model, (nn.Sigmoid, nn.ReLU)) as acts:
        loss = F.binary_cross_entropy(model(X), y)
    loss.backward()
    del acts[next(reversed(acts))]  # the output sigmoid is not a hidden layer
    return gradient_flow(model), acts


def show_flow(hidden: list, seed: int = 0, plot: str | None = None, verbose: bool = True) -> dict:
    """Part 2: sigmoid vs ReLU gradient norms per layer on the moons. Returns both flows."""
    say = print if verbose else (lambda *a, **k: None)
    g = minitorch.Generator().manual_seed(seed)
    X, y = make_moons(400, 0.15, generator=g)
    arch = "-".join(map(str, [2, *hidden, 1]))
    flows = {}
    for activation in ("sigmoid", "relu"):
        flow, acts = gradient_norms(hidden, activation, X, y, seed)
        flows[activation] = flow
        say(f"\n{arch} network, {activation} hidden layers: gradient norm per layer (input layer first)")
        top = max(flow.values())
        for layer, norm in flow.items():
            bar = "#" * max(1, round(40 * norm / top))
            say(f"  {layer:<4} {norm:10.3e}  {bar}")
        first, last = list(flow.values())[0], list(flow.values())[-1]
        say(f"  first layer / last layer = {first / last:.3g}")
        say("  hidden activations:")
        say("  " + acts.text().replace("\n", "\n  "))
    if plot:
        teach.plot_gradient_flow(flows, plot, title=f"Gradient norm per layer, {arch} on moons")
        say(f"\nsaved the plot to {plot}")
    return flows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument(
        "--part", choices=("all", "step", "flow"), default="all", help="which part to run (default: both)"
    )
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate of the SGD step (part 1)")
    parser.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[8, 8],
        help="hidden layer widths of the moons network (part 2, default: 8 8)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the moons and the initial weights")
    parser.add_argument("--plot", metavar="FILE", help="save the gradient-flow bar chart (needs matplotlib)")
    args = parser.parse_args(argv)
    if args.part in ("all", "step"):
        print("=" * 30, "Part 1: one SGD step of a 2-2-1 network", "=" * 30)
        one_sgd_step(args.lr)
    if args.part in ("all", "flow"):
        print("\n" + "=" * 30, "Part 2: gradient flow, sigmoid vs ReLU", "=" * 30)
        show_flow(args.hidden, args.seed, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
