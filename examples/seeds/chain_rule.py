"""Seed 001, part 1: the chain rule on y = (3x + 2)^2 at x = 1.

With u = 3x + 2 the chain rule gives dy/dx = dy/du * du/dx = 2u * 3 = 30 at x = 1. minitorch
records u and y as it computes them and ``y.backward()`` walks that record back: the backward
trace shows each node applying its local rule (the square sends 2u = 10, the multiply by 3
sends 30), and a central difference in float64 agrees.

    python examples/seeds/chain_rule.py
"""

from __future__ import annotations

import argparse

from common import printer

import minitorch
from minitorch import teach


def f(x):
    return (3 * x + 2) ** 2


def run(x0: float = 1.0, verbose: bool = True) -> dict:
    say = printer(verbose)
    x = minitorch.tensor(x0, dtype=minitorch.float64, requires_grad=True)
    u = 3 * x + 2
    u.retain_grad()  # keep dy/du, an intermediate grad, to print it
    y = u**2
    say(f"x = {x0:g}:  u = 3x + 2 = {u.item():g},  y = u^2 = {y.item():g}\n")
    say("The graph y.backward() walks (the last op first):")
    say(teach.graph(y).text())
    steps = teach.trace_backward(y)
    say("\nBackward, one local rule at a time:")
    say(steps.text())
    eps = 1e-5
    numerical = (f(x0 + eps) - f(x0 - eps)) / (2 * eps)
    say(f"\ndy/du = 2u = {u.grad.item():g},  dy/dx = dy/du * du/dx = {x.grad.item():g}")
    say(f"central difference (eps {eps:g}): {numerical:.6f}, difference {abs(numerical - x.grad.item()):.2e}")
    return {
        "u": u.item(),
        "y": y.item(),
        "dy_du": u.grad.item(),
        "dy_dx": x.grad.item(),
        "numerical": numerical,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--x", type=float, default=1.0, help="the point to differentiate at (default 1)")
    run(parser.parse_args(argv).x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
