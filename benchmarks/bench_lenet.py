"""One LeNet-style CNN training step (forward, cross-entropy, backward, SGD update), minitorch
vs torch on the CPU with the same number of threads.

    conv 1->8 5x5 -> maxpool 2 -> relu -> conv 8->16 5x5 -> maxpool 2 -> relu
    -> flatten 256 -> linear 64 -> relu -> linear 10 -> cross-entropy

Both run interleaved in one process on the same weights and data; the median step time of each
and the ratio minitorch / torch are printed, so machine load mostly cancels out. The CPU time
per step (``time.process_time``) is printed too: on a busy machine it is the steadier figure.

Threads: torch gets ``torch.set_num_threads(n)``; NumPy's BLAS gets the same ``n`` through
``threadpoolctl`` when it is installed. Without threadpoolctl, set the BLAS thread count in the
environment before starting Python, e.g. ``OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
OMP_NUM_THREADS=1 python benchmarks/bench_lenet.py --threads 1``.

    python benchmarks/bench_lenet.py                      # batch 64, 1 thread
    python benchmarks/bench_lenet.py --batch 128 --threads 2 --repeat 9
    python benchmarks/bench_lenet.py --profile            # cProfile of the minitorch step
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time


def mt_lenet():
    from minitorch import nn
    from minitorch.nn.modules.conv import Conv2d
    from minitorch.nn.modules.pooling import MaxPool2d

    return nn.Sequential(
        Conv2d(1, 8, 5),
        MaxPool2d(2),
        nn.ReLU(),
        Conv2d(8, 16, 5),
        MaxPool2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(256, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def torch_lenet(torch):
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 8, 5),
        tnn.MaxPool2d(2),
        tnn.ReLU(),
        tnn.Conv2d(8, 16, 5),
        tnn.MaxPool2d(2),
        tnn.ReLU(),
        tnn.Flatten(),
        tnn.Linear(256, 64),
        tnn.ReLU(),
        tnn.Linear(64, 10),
    )


def _blas_threads(n: int):
    """Limit NumPy's BLAS to ``n`` threads (threadpoolctl), or explain how without it."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print(
            "threadpoolctl is not installed: NumPy's BLAS threads come from OPENBLAS_NUM_THREADS / "
            "MKL_NUM_THREADS / OMP_NUM_THREADS (set them to --threads before starting Python)"
        )
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=64, help="batch size (default 64)")
    ap.add_argument("--steps", type=int, default=20, help="timed steps per library and repeat (default 20)")
    ap.add_argument(
        "--repeat", type=int, default=7, help="interleaved repeats; medians are reported (default 7)"
    )
    ap.add_argument("--warmup", type=int, default=5, help="untimed steps per library first (default 5)")
    ap.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (default 1)")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the minitorch steps instead")
    args = ap.parse_args(argv)
    # NOTE: BLAS reads these when NumPy is first imported; threadpoolctl (below) also limits
    # the pools at run time, but OpenBLAS runs most reliably when started with the right count.
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))

    import numpy as np
    import torch

    import minitorch
    from minitorch import nn, optim

    torch.set_num_threads(args.threads)
    minitorch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, args.batch)

    m, t = mt_lenet(), torch_lenet(torch)
    with torch.no_grad():  # the same initial weights in both
        for pt, pm in zip(t.parameters(), m.parameters()):
            pt.copy_(torch.from_numpy(pm._data.copy()))
    opt_m, opt_t = optim.SGD(m.parameters(), lr=args.lr), torch.optim.SGD(t.parameters(), lr=args.lr)
    xm, ym = minitorch.tensor(x), minitorch.tensor(y)
    xt, yt = torch.tensor(x), torch.tensor(y)
    loss_m, loss_t = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()

    def step_m():
        opt_m.zero_grad()
        loss = loss_m(m(xm), ym)
        loss.backward()
        opt_m.step()
        return loss

    def step_t():
        opt_t.zero_grad()
        loss = loss_t(t(xt), yt)
        loss.backward()
        opt_t.step()
        return loss

    with _blas_threads(args.threads):
        lm, lt = step_m().item(), step_t().item()
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.steps * args.repeat):
                step_m()
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            return
        for _ in range(args.warmup):
            step_m()
            step_t()
        wall = {"minitorch": [], "torch": []}
        cpu = {"minitorch": [], "torch": []}
        for _ in range(args.repeat):
            for name, fn in (("minitorch", step_m), ("torch", step_t)):
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in range(args.steps):
                    fn()
                wall[name].append((time.perf_counter() - t0) / args.steps)
                cpu[name].append((time.process_time() - c0) / args.steps)
    med = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"LeNet-style CNN on 28x28, batch {args.batch}, SGD; threads {args.threads}")
    print(f"first-step loss: minitorch {lm:.6f}  torch {lt:.6f}")
    for k in ("minitorch", "torch"):
        print(f"{k:10s} {med[k] * 1e3:8.3f} ms/step   (CPU time {med_cpu[k] * 1e3:.3f} ms/step)")
    print(
        f"ratio minitorch / torch: {med['minitorch'] / med['torch']:.2f}   "
        f"(CPU time: {med_cpu['minitorch'] / med_cpu['torch']:.2f})"
    )


if __name__ == "__main__":
    main()
