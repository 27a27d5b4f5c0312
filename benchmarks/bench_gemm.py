"""The MLP step's GEMMs alone: NumPy's BLAS against torch's, at one thread.

At B >= 128 the MLP 784-128-10 step is mostly three GEMMs (forward ``x @ W.T``, backward
``g.T @ x`` and ``g @ W``). minitorch calls NumPy's BLAS (OpenBLAS in the PyPI wheels) exactly as
hand-written NumPy does; torch calls its own (MKL on x86 wheels). This prints both, per shape, so
that the part of a step ratio that no Python change can move is measured, not guessed.

    python benchmarks/bench_gemm.py              # B = 32, 128, 512; 7 interleaved repeats
    python benchmarks/bench_gemm.py --batch 64   # one batch size
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from functools import partial
from operator import matmul

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as harness  # noqa: E402  (sets the BLAS thread env vars before NumPy loads)
import numpy as np  # noqa: E402
import torch  # noqa: E402


def _cpu_per_call(f, number: int) -> float:
    t = time.process_time()
    for _ in range(number):
        f()
    return (time.process_time() - t) / number


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, nargs="*", default=[32, 128, 512])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    info = harness.pin_threads()
    print("threads:", info.get("torch_threads"), [p[:2] for p in info["pools"]], "| CPU time, medians")
    rng = np.random.default_rng(0)
    print(f"{'B':>4} {'GEMM':14s} {'NumPy us':>9} {'torch us':>9} {'np/torch':>8}")
    for b in args.batch:
        x = rng.random((b, 784), dtype=np.float32)
        w = rng.random((128, 784), dtype=np.float32)
        g = rng.random((b, 128), dtype=np.float32)
        tx, tw, tg = map(torch.from_numpy, (x, w, g))
        cases = [
            ("x @ W.T", (x, w.T), (tx, tw.T)),
            ("g.T @ x", (g.T, x), (tg.T, tx)),
            ("g @ W", (g, w), (tg, tw)),
        ]
        number = max(20, 20000 // b)
        for name, np_args, torch_args in cases:
            fn, ft = partial(matmul, *np_args), partial(matmul, *torch_args)
            a, c = [], []
            for _ in range(args.repeat):  # interleaved: NumPy, torch, NumPy, torch, ...
                a.append(_cpu_per_call(fn, number))
                c.append(_cpu_per_call(ft, number))
            ma, mc = statistics.median(a), statistics.median(c)
            print(f"{b:>4} {name:14s} {ma * 1e6:9.1f} {mc * 1e6:9.1f} {ma / mc:8.2f}")


if __name__ == "__main__":
    main()
