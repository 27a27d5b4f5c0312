"""Draw the README's pictures of the teaching tools for the 2-2-1 network of
``examples/seeds/one_step_221.py`` (one input, target 1, squared error), after ``backward``:

- ``graph_221.png``: ``teach.graph(loss, params=model).attach(steps).dot()`` rendered by Graphviz's
  ``dot`` (needs it: ``apt-get install graphviz``): each op with the grad it received, each leaf
  with its ``.grad``, the edges labelled with the shapes that flow along them;
- ``trace_221.png``: the table that ``teach.trace_backward(loss, params=model).show()`` prints,
  drawn by matplotlib: every backward step in the engine's order, the grad each node received,
  its local rule and what it sent to each input.

    python examples/make_readme_figures.py            # writes docs/graph_221.png, docs/trace_221.png
    python examples/make_readme_figures.py --out /tmp --dpi 100
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "seeds"))

from one_step_221 import build_221  # noqa: E402

import minitorch  # noqa: E402
from minitorch import teach  # noqa: E402


def example():
    """The 2-2-1 network's loss on x = [[1, 2]], y = [[1]], its graph and its backward trace."""
    model = build_221()
    x = minitorch.tensor([[1.0, 2.0]], dtype=minitorch.float64)
    y = minitorch.tensor([[1.0]], dtype=minitorch.float64)
    loss = (model(x) - y).pow(2).sum()
    g = teach.graph(loss, params=model)
    steps = teach.trace_backward(loss, params=model)  # runs loss.backward()
    return g.attach(steps), steps


def draw_graph(g, path: str, dpi: int) -> str:
    if not shutil.which("dot"):
        raise SystemExit("Graphviz's `dot` is needed for the graph: apt-get install graphviz (or brew/conda)")
    src = g.dot(title="2-2-1 network after loss.backward(): grad received by each node")
    subprocess.run(["dot", "-Tpng", f"-Gdpi={dpi}", "-o", path], input=src.encode(), check=True)
    return path


def draw_trace(steps, path: str, dpi: int) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = steps.text().splitlines()
    width = max([100] + [len(line) for line in text if not line.lstrip().startswith("rule: ")])
    lines = []
    for line in text:  # a rule longer than the table wraps under itself
        if not line.lstrip().startswith("rule: "):
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + len("rule: "))
        lines += textwrap.wrap(line, width, subsequent_indent=indent)
    title = "teach.trace_backward(loss, params=model).show(): backward, step by step"
    fig = plt.figure(figsize=(4, 4))  # the saved picture is cut to the text (bbox_inches="tight")
    fig.text(0, 1, title, va="bottom", ha="left", family="sans-serif", fontsize=11, weight="bold")
    fig.text(
        0, 0.97, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=9.5, linespacing=1.35
    )
    fig.savefig(path, dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.15)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument(
        "--out", default=os.path.join(ROOT, "docs"), help="folder for the PNGs (default: docs/)"
    )
    parser.add_argument("--dpi", type=int, default=100, help="resolution of the PNGs (default: 100)")
    parser.add_argument("--only", choices=("graph", "trace"), help="draw only one of the two pictures")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    g, steps = example()
    if args.only != "trace":
        print("wrote", draw_graph(g, os.path.join(args.out, "graph_221.png"), args.dpi))
    if args.only != "graph":
        print("wrote", draw_trace(steps, os.path.join(args.out, "trace_221.png"), args.dpi))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
