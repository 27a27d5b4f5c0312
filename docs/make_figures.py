"""Regenerate the README's pictures in docs/ from the seed walkthroughs (needs matplotlib):

    python docs/make_figures.py

Writes vanishing.png, sigmoid_history.png and dead_relu.png (examples/seeds/dead_relu_and_vanishing.py),
loss_3441.png (examples/seeds/three_layer_sigmoid.py) and flow_moons.png (the moons network's
gradient norm per layer after training).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples", "seeds"))

import dead_relu_and_vanishing  # noqa: E402
import three_layer_sigmoid  # noqa: E402
import tiny_network_and_moons  # noqa: E402
from common import plot_curves  # noqa: E402

from minitorch import teach  # noqa: E402


def main() -> int:
    dead_relu_and_vanishing.main(["--plot", HERE])
    res = three_layer_sigmoid.train(verbose=False)
    plot_curves(
        {"loss": res["losses"]}, os.path.join(HERE, "loss_3441.png"), "3-4-4-1 sigmoid network, one example"
    )
    moons = tiny_network_and_moons.train_moons(say=lambda *a: None)
    teach.plot_gradient_flow(
        moons["flow"], os.path.join(HERE, "flow_moons.png"), "2-8-8-1 on the moons, after training"
    )
    print(f"wrote the figures in {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
