"""One MLP training step (forward, cross-entropy, backward, SGD update) three ways:
minitorch, torch autograd, and hand-written NumPy backprop (the seed texts' style).

The three run interleaved in one process with the same weights and data; the median step
time of each and the ratios to torch are printed, so machine load cancels out.

    python benchmarks/bench_mlp.py                        # 784-128-10, batch 64
    python benchmarks/bench_mlp.py --hidden 512 --batch 256
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import minitorch
from minitorch import nn, optim


def numpy_step(params, x, y, lr):
    """Backprop by hand, as the NumPy tutorials do: the baseline with zero framework overhead."""
    w1, b1, w2, b2 = params
    h = x @ w1.T + b1
    a = np.maximum(h, 0)
    z = a @ w2.T + b2
    z = z - z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y]).mean()
    dz = p
    dz[np.arange(len(y)), y] -= 1
    dz /= len(y)
    gw2, gb2 = dz.T @ a, dz.sum(0)
    da = dz @ w2
    da *= h > 0
    gw1, gb1 = da.T @ x, da.sum(0)
    for p_, g in zip(params, (gw1, gb1, gw2, gb2)):
        p_ -= lr * g
    return loss


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", type=int, default=784)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=200, help="timed steps per library and repeat")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved repeats; medians are reported")
    ap.add_argument(
        "--threads", type=int, default=1, help="threads for torch and for NumPy's BLAS (default 1)"
    )
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    try:  # give NumPy's BLAS the same number of threads as torch
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    except ImportError:
        print("threadpoolctl not installed: NumPy's BLAS uses its default thread count")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, args.inputs)).astype(np.float32)
    y = rng.integers(0, args.classes, args.batch)

    def mt_model():
        return nn.Sequential(
            nn.Linear(args.inputs, args.hidden), nn.ReLU(), nn.Linear(args.hidden, args.classes)
        )

    m = mt_model()
    t = torch.nn.Sequential(
        torch.nn.Linear(args.inputs, args.hidden), torch.nn.ReLU(), torch.nn.Linear(args.hidden, args.classes)
    )
    with torch.no_grad():  # same initial weights everywhere
        for pt, pm in zip(t.parameters(), m.parameters()):
            pt.copy_(torch.from_numpy(pm._data.copy()))
    params_np = [p._data.copy() for p in m.parameters()]
    opt_m, opt_t = optim.SGD(m.parameters(), lr=0.01), torch.optim.SGD(t.parameters(), lr=0.01)
    xm, ym = minitorch.tensor(x), minitorch.tensor(y)
    xt, yt = torch.tensor(x), torch.tensor(y)
    loss_fn_m, loss_fn_t = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()

    def step_m():
        opt_m.zero_grad()
        loss = loss_fn_m(m(xm), ym)
        loss.backward()
        opt_m.step()
        return loss

    def step_t():
        opt_t.zero_grad()
        loss = loss_fn_t(t(xt), yt)
        loss.backward()
        opt_t.step()
        return loss

    def step_np():
        return numpy_step(params_np, x, y, 0.01)

    lm, lt, ln = step_m().item(), step_t().item(), float(step_np())
    times = {"minitorch": [], "torch": [], "numpy": []}
    for _ in range(args.repeat):
        for name, fn in (("minitorch", step_m), ("torch", step_t), ("numpy", step_np)):
            t0 = time.perf_counter()
            for _ in range(args.steps):
                fn()
            times[name].append((time.perf_counter() - t0) / args.steps)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"MLP {args.inputs}-{args.hidden}-{args.classes}, batch {args.batch}, SGD; torch threads {args.threads}"
    )
    print(f"first-step loss: minitorch {lm:.6f}  torch {lt:.6f}  numpy {ln:.6f}")
    for k in ("minitorch", "torch", "numpy"):
        print(f"{k:10s} {med[k] * 1e3:8.3f} ms/step   ratio to torch {med[k] / med['torch']:.2f}")


if __name__ == "__main__":
    main()
