"""Per-op overhead: minitorch vs torch on small tensors, where Python overhead dominates.

Each op runs on an 8x8 float32 tensor, with and without requires_grad (so the graph-recording
cost shows), and a tiny forward+backward. Both libraries are timed in the same process, one
after the other for every op and repeat, so the ratio is robust to machine load.

    python benchmarks/bench_ops.py            # table of microseconds per call and ratios
    python benchmarks/bench_ops.py --size 256 # larger tensors: NumPy/BLAS time dominates
"""

from __future__ import annotations

import argparse
import statistics
import timeit

import numpy as np

import minitorch as mt

OPS = [
    ("add", "x + y"),
    ("mul scalar", "x * 2.0"),
    ("matmul", "x @ y"),
    ("sum", "x.sum()"),
    ("mean(dim)", "x.mean(1)"),
    ("exp", "x.exp()"),
    ("relu", "x.relu()"),
    ("sigmoid", "x.sigmoid()"),
    ("softmax", "x.softmax(-1)"),
    ("index x[0]", "x[0]"),
    ("reshape", "x.reshape(-1)"),
    ("transpose", "x.t()"),
    ("fwd+bwd", "((x * y).sum()).backward()"),
]


def _time(stmt: str, env: dict, number: int, repeat: int) -> float:
    return statistics.median(timeit.repeat(stmt, globals=env, number=number, repeat=repeat)) / number


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=8, help="tensors are size x size (default 8)")
    p.add_argument("--number", type=int, default=2000, help="calls per timing (default 2000)")
    p.add_argument("--repeat", type=int, default=7, help="timings per op and library; the median is kept")
    p.add_argument(
        "--threads", type=int, default=1, help="threads for torch and for NumPy's BLAS (default 1)"
    )
    args = p.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    try:  # give NumPy's BLAS the same number of threads as torch
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    except ImportError:
        print("threadpoolctl not installed: NumPy's BLAS uses its default thread count")
    a = np.random.default_rng(0).standard_normal((args.size, args.size)).astype(np.float32)
    print(f"minitorch vs torch {torch.__version__}: microseconds per call, {args.size}x{args.size} float32")
    print(f"{'op':14s} {'grad':>5s} {'minitorch':>10s} {'torch':>8s} {'ratio':>6s}")
    ratios = []
    for name, stmt in OPS:
        for grad in (False, True):
            if name == "fwd+bwd" and not grad:
                continue
            env_m = dict(x=mt.tensor(a, requires_grad=grad), y=mt.tensor(a))
            env_t = dict(x=torch.tensor(a, requires_grad=grad), y=torch.tensor(a))
            tm = _time(stmt, env_m, args.number, args.repeat)
            tt = _time(stmt, env_t, args.number, args.repeat)
            ratios.append(tm / tt)
            print(f"{name:14s} {str(grad):>5s} {tm * 1e6:10.2f} {tt * 1e6:8.2f} {tm / tt:6.2f}")
    print(f"geometric mean ratio: {statistics.geometric_mean(ratios):.2f} (minitorch / torch; < 1 is faster)")


if __name__ == "__main__":
    main()
