"""Backpropagation, step by step, with ``minitorch.teach``.

Part 1 (``--part step``): a 2-2-1 network (ReLU hidden layer, sigmoid output, squared error)
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
import math
from collections import OrderedDict

import minitorch
import minitorch.nn.functional as F
from minitorch import nn, teach
from minitorch.teach import check_ops, gradient_flow, graph, print_trace, trace_backward, watch_activations

W1, W2 = [[0.4, -0.2], [0.1, 0.6]], [[0.7, -0.3]]


def build_221() -> nn.Module:
    """The 2-2-1 network with the fixed float64 weights (biases 0)."""
    model = nn.Sequential(
        OrderedDict(hidden=nn.Linear(2, 2), relu=nn.ReLU(), out=nn.Linear(2, 1), sigmoid=nn.Sigmoid())
    ).double()
    with minitorch.no_grad():
        model.hidden.weight.copy_(minitorch.tensor(W1, dtype=minitorch.float64))
        model.out.weight.copy_(minitorch.tensor(W2, dtype=minitorch.float64))
        model.hidden.bias.zero_()
        model.out.bias.zero_()
    return model


def one_sgd_step(lr: float = 0.1, verbose: bool = True) -> dict:
    """Part 1: one SGD step of the 2-2-1 network, shown node by node. Returns the numbers."""
    say = print if verbose else (lambda *a, **k: None)
    model = build_221()
    x = minitorch.tensor([[1.0, 2.0]], dtype=minitorch.float64)
    y = minitorch.tensor([[1.0]], dtype=minitorch.float64)

    loss = (model(x) - y).pow(2).sum()  # squared error of the single prediction
    say(f"forward: prediction {model(x).item():.8f}, loss {loss.item():.8f}\n")
    say("The graph that loss.backward() walks (the last op of the forward at the top):")
    say(graph(loss, params=model).text())

    say("\nBackward, one node at a time, in the order the engine runs them:")
    steps = trace_backward(loss, params=model)
    if verbose:
        print_trace(steps)

    say("\nEvery op's backward, checked on its own against central differences:")
    report = check_ops(lambda inp: (model(inp) - y).pow(2).sum(), x)
    say(report)

    opt = minitorch.optim.SGD(model.parameters(), lr=lr)
    opt.step()
    with minitorch.no_grad():
        new_loss = (model(x) - y).pow(2).sum()
    say(f"\nafter one SGD step (lr {lr}):")
    for name, p in model.named_parameters():
        say(f"  {name:<13} = {p._data.tolist()}")
    say(f"loss {loss.item():.8f} -> {new_loss.item():.8f}")
    return {
        "loss": loss.item(),
        "new_loss": new_loss.item(),
        "steps": steps,
        "report": report,
        **{name: p._data.copy() for name, p in model.named_parameters()},
    }


def make_moons(n_samples: int = 400, noise: float = 0.15, generator=None):
    """Two interleaving half circles (as scikit-learn's ``make_moons``): inputs (n, 2), labels (n, 1)."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = minitorch.linspace(0, math.pi, n_out)
    t_in = minitorch.linspace(0, math.pi, n_in)
    outer = minitorch.stack([t_out.cos(), t_out.sin()], dim=1)
    inner = minitorch.stack([1 - t_in.cos(), 1 - t_in.sin() - 0.5], dim=1)
    X = minitorch.cat([outer, inner]) + noise * minitorch.randn(n_samples, 2, generator=generator)
    y = minitorch.cat([minitorch.zeros(n_out, 1), minitorch.ones(n_in, 1)])
    return X, y


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
