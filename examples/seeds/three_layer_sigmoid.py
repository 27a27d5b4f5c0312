"""Seed 000: a 3-4-4-1 sigmoid network learns one example, with its loss curve.

Inputs (0.8, 0.9, 1.0), target 1.0; weights W1 (3x4), W2 (4x4), W3 (4x1) drawn from
N(0, 0.1^2), no biases; loss 0.5 (prediction - target)^2; plain gradient descent with lr 0.5
for 100 epochs. The seed derives the three weight gradients by hand (error signals pushed back
through W3^T and W2^T, times sigmoid'(z)); here ``loss.backward()`` finds the same numbers, and
the first epoch's backward trace shows each transpose and sigmoid' at work. The loss falls
every epoch and the prediction climbs towards 1.

    python examples/seeds/three_layer_sigmoid.py --plot loss.png
"""

from __future__ import annotations

import argparse

from common import plot_curves, printer

import minitorch
from minitorch import teach


def init_weights(seed: int = 0) -> dict:
    g = minitorch.Generator().manual_seed(seed)
    shapes = {"W1": (3, 4), "W2": (4, 4), "W3": (4, 1)}
    return {
        k: (0.1 * minitorch.randn(*s, generator=g, dtype=minitorch.float64)).requires_grad_()
        for k, s in shapes.items()
    }


def forward(W: dict, x):
    a1 = (x @ W["W1"]).sigmoid()
    a2 = (a1 @ W["W2"]).sigmoid()
    return (a2 @ W["W3"]).sigmoid()


def train(epochs: int = 100, lr: float = 0.5, seed: int = 0, verbose: bool = True) -> dict:
    say = printer(verbose)
    x = minitorch.tensor([[0.8, 0.9, 1.0]], dtype=minitorch.float64)
    y = minitorch.tensor([[1.0]], dtype=minitorch.float64)
    W = init_weights(seed)
    first = {k: v.detach().clone() for k, v in W.items()}
    losses, predictions, first_grads = [], [], None
    for epoch in range(epochs):
        prediction = forward(W, x)
        loss = (0.5 * (prediction - y) ** 2).mean()
        if epoch == 0:
            steps = teach.trace_backward(loss, params=W)
            say("epoch 0, backward step by step:")
            say(steps.text())
            first_grads = {k: v.grad.detach().clone() for k, v in W.items()}
        else:
            loss.backward()
        with minitorch.no_grad():
            for w in W.values():
                w -= lr * w.grad
                w.grad = None
        losses.append(loss.item())
        predictions.append(prediction.item())
        if epoch % 20 == 0:
            say(f"epoch {epoch:>3}: prediction {prediction.item():.4f}, loss {loss.item():.4f}")
    final = forward(W, x).item()
    say(f"final prediction {final:.4f} (target 1.0)")
    return {"losses": losses, "predictions": predictions, "final": final, "init": first, "grads": first_grads}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
    parser.add_argument("--plot", metavar="FILE", help="save the loss curve (needs matplotlib)")
    args = parser.parse_args(argv)
    res = train(args.epochs, args.lr, args.seed)
    if args.plot:
        plot_curves({"loss": res["losses"]}, args.plot, "3-4-4-1 sigmoid network, one example")
        print(f"saved the loss curve to {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
