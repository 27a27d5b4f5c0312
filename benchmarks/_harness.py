"""Shared timing harness: thread pinning, interleaved repeats, medians.

Import this module BEFORE numpy/torch: it reads PERF_THREADS (default 1) and sets the BLAS/OpenMP
thread env vars so that numpy's BLAS and torch start with the same thread count; call
`pin_threads()` after importing torch to also apply threadpoolctl/torch.set_num_threads.

Timing: every case is warmed up, then calibrated to run blocks of about BLOCK_S seconds; the
blocks are interleaved (case A, B, C, A, B, C, ...), with a short sleep between blocks so that
spinning BLAS/OpenMP worker threads of the previous library go idle before the next one runs.
Reported: median over blocks of the per-call wall time and per-call process CPU time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

THREADS = int(os.environ.get("PERF_THREADS", "1"))
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = str(THREADS)
REPS = int(os.environ.get("PERF_REPS", "9"))
BLOCK_S = float(os.environ.get("PERF_BLOCK_S", "0.12"))
GAP_S = float(os.environ.get("PERF_GAP_S", "0.15"))


def pin_threads():
    """Apply THREADS to torch (if imported) and to every BLAS/OpenMP pool threadpoolctl sees."""
    info = {}
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(THREADS)
        info["torch_threads"] = torch.get_num_threads()
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(THREADS)
        info["pools"] = [
            (
                p.get("internal_api"),
                p.get("num_threads"),
                p.get("architecture"),
                os.path.basename(p["filepath"]),
            )
            for p in threadpool_info()
        ]
    except ImportError:
        info["pools"] = "threadpoolctl missing"
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    return info


# With 1 thread the CPU-time medians are the robust numbers on a shared machine; with more
# threads only wall time means anything, so blocks during which other processes used CPU are
# re-run (up to PERF_QUIET_TRIES times; 0 accepts every block).
QUIET_TRIES = int(os.environ.get("PERF_QUIET_TRIES", "0" if THREADS == 1 else "4"))
QUIET_JIFFIES = int(os.environ.get("PERF_QUIET_JIFFIES", "3"))
_stats = {"blocks": 0, "retried": 0, "noisy_kept": 0}


def _busy_jiffies():
    """(all CPUs' busy jiffies, this process's jiffies) from /proc: other processes' CPU use
    during a block is the difference of the deltas."""
    try:
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
        busy = sum(v) - v[3] - v[4]  # minus idle, iowait
        with open("/proc/self/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return busy, int(f[11]) + int(f[12])
    except OSError:
        return 0, 0


def _block(f, n):
    for _attempt in range(max(1, QUIET_TRIES)):
        b0, s0 = _busy_jiffies()
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            f()
        w, c = (time.perf_counter() - w0) / n, (time.process_time() - c0) / n
        b1, s1 = _busy_jiffies()
        others = (b1 - b0) - (s1 - s0)
        if QUIET_TRIES == 0 or others <= QUIET_JIFFIES:
            break
        _stats["retried"] += 1
        time.sleep(0.25)
    else:
        _stats["noisy_kept"] += 1
    _stats["blocks"] += 1
    return w, c


def bench(cases: dict, reps: int = REPS, block_s: float = BLOCK_S, gap_s: float = GAP_S):
    """cases: name -> zero-arg callable. Returns name -> dict(wall=median s, cpu=median s, n=calls/block)."""
    ns = {}
    for name, f in cases.items():
        for _ in range(3):
            f()
        t = time.perf_counter()
        k = 0
        while time.perf_counter() - t < 0.05 or k < 2:
            f()
            k += 1
        per = (time.perf_counter() - t) / k
        ns[name] = max(2, int(block_s / per))
    walls = {n: [] for n in cases}
    cpus = {n: [] for n in cases}
    names = list(cases)
    for r in range(reps):
        order = names[r % len(names) :] + names[: r % len(names)]  # rotate the start
        for name in order:
            time.sleep(gap_s)
            w, c = _block(cases[name], ns[name])
            walls[name].append(w)
            cpus[name].append(c)
    return {
        n: dict(
            wall=statistics.median(walls[n]), cpu=statistics.median(cpus[n]), n=ns[n], wall_min=min(walls[n])
        )
        for n in cases
    }


def noise_report():
    return f"blocks {_stats['blocks']}, retried (other processes busy) {_stats['retried']}, kept noisy {_stats['noisy_kept']}"


def fmt_us(s):
    return f"{s * 1e6:.0f}us" if s < 1e-2 else f"{s * 1e3:.2f}ms"
