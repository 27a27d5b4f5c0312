"""Seed 002: one SGD step of a 2-2-1 network, node by node.

A 2-2-1 network (ReLU hidden layer, sigmoid output, squared error) with fixed weights, one
input (1, 2) and target 1, does one SGD step with lr 0.1 in float64. The script prints the
graph that ``loss.backward()`` walks, every backward step with the gradient each node received,
its local rule and what it sent on, a check of every op's backward against central
differences, and the updated weights: the loss goes from 0.35555306 to 0.32975951, and
W1 -> [[0.4, -0.2], [0.09138742, 0.58277485]], W2 -> [[0.7, -0.26267884]].
(The first hidden unit sits exactly at ReLU's kink, z = 0: its gradient is 0, so its row of W1
does not move.)

    python examples/seeds/one_step_221.py
"""

from __future__ import annotations

import argparse
from collections import OrderedDict

import minitorch
from minitorch import nn
from minitorch.teach import check_ops, graph, trace_backward

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
        steps.show()

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate of the SGD step (default 0.1)")
    one_sgd_step(parser.parse_args(argv).lr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
