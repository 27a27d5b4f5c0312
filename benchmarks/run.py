"""Every speed case of the project side by side, one command:

    python benchmarks/run.py                 # 1 thread, all cases, writes benchmarks/RESULTS.md + results.png
    python benchmarks/run.py --threads 2     # LeNet (and the rest) at 2 threads
    python benchmarks/run.py mlp chain       # a subset: mlp chain cnn depth peers memory import
    PERF_REPS=9 python benchmarks/run.py     # more interleaved repeats (default 5)

One process per comparison: each case is run for minitorch, torch and hand-written NumPy (and the
peers that are installed) in interleaved blocks (A, B, C, A, B, C, ...), medians of the blocks.
With one thread the ratios are on process CPU time (robust on a shared machine); with more, on
wall time. Thread counts are set for every library (the BLAS env vars before NumPy loads,
threadpoolctl, ``torch.set_num_threads``) and printed. Peak RSS of one epoch and ``import`` time are
measured in fresh subprocesses.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

_ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
_ap.add_argument("cases", nargs="*", default=[])
_ap.add_argument("--threads", type=int, default=int(os.environ.get("PERF_THREADS", "1")))
_ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
_ap.add_argument("--no-write", action="store_true", help="print only")
ARGS = _ap.parse_args()
os.environ["PERF_THREADS"] = str(ARGS.threads)
os.environ.setdefault("PERF_REPS", "5")
os.environ.setdefault("PERF_BLOCK_S", "0.06")
os.environ.setdefault("PERF_GAP_S", "0.05")

import _harness as harness  # noqa: E402  (sets the BLAS thread env vars before NumPy loads)
import _peers as peers  # noqa: E402
import _workloads as W  # noqa: E402
import numpy as np  # noqa: E402

import minitorch as mt  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # pragma: no cover
    torch = None

ALL = ["mlp", "chain", "depth", "cnn", "peers", "memory", "import"]
WANT = ARGS.cases or ALL
METRIC = "cpu" if harness.THREADS == 1 else "wall"
rows = []  # (case, {lib: seconds}, per-unit divisor, unit)
notes = []


def case(tag, cases, div=1.0, **kw):
    cases = {k: v for k, v in cases.items() if v is not None}
    r = harness.bench(cases, **kw)
    secs = {k: v[METRIC] / div for k, v in r.items()}
    rows.append((tag, secs))
    line = f"{tag:28s} " + "  ".join(f"{k} {harness.fmt_us(s)}" for k, s in secs.items())
    for base in ("torch", "numpy"):
        if "minitorch" in secs and base in secs:
            line += f"  mt/{base} {secs['minitorch'] / secs[base]:.2f}"
    print(line, flush=True)


def lib_step(lib, fn, *a):
    return None if lib is None else fn(lib, *a)


def run_cases():
    if "mlp" in WANT:
        for B in (32, 128, 512):
            X, y = W.data(B)
            sizes = (784, 128, 10)
            P = W.init_params(sizes)
            case(
                f"MLP 784-128-10 B={B}",
                {
                    "minitorch": W.mlp_step(mt, sizes, X, y, P),
                    "torch": lib_step(torch, W.mlp_step, sizes, X, y, P),
                    "numpy": W.numpy_mlp(sizes, X, y, P),
                },
            )
    if "chain" in WANT:
        case(
            "chain 8x8, per op",
            {
                "minitorch": W.chain_step(mt),
                "torch": lib_step(torch, W.chain_step),
                "numpy": W.numpy_chain(),
            },
            div=300,
        )
    if "depth" in WANT:
        sizes = (784,) + (64,) * 31 + (10,)
        X, y = W.data(32)
        P = W.init_params(sizes)
        case(
            "MLP w64 x32 layers B=32",
            {
                "minitorch": W.mlp_step(mt, sizes, X, y, P),
                "torch": lib_step(torch, W.mlp_step, sizes, X, y, P),
                "numpy": W.numpy_mlp(sizes, X, y, P),
            },
        )
    if "cnn" in WANT:
        rng = np.random.default_rng(0)
        X = rng.random((64, 1, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, 64)
        case(
            "LeNet CNN B=64",
            {"minitorch": W.cnn_step(mt, X, y), "torch": lib_step(torch, W.cnn_step, X, y)},
            block_s=0.15,
        )
    if "peers" in WANT:
        X, y = W.data(32)
        sizes = (784, 128, 10)
        P = W.init_params(sizes)
        cs = {
            "minitorch": W.mlp_step(mt, sizes, X, y, P),
            "torch": lib_step(torch, W.mlp_step, sizes, X, y, P),
            "numpy": W.numpy_mlp(sizes, X, y, P),
        }
        for name, make in peers.MLP.items():
            f, note = make(sizes, X, y, P)
            if f is None:
                notes.append(f"{name}: skipped ({note})")
            else:
                cs[name] = f
        case("peers: MLP B=32", cs)
        cs = {"minitorch": W.chain_step(mt), "torch": lib_step(torch, W.chain_step), "numpy": W.numpy_chain()}
        f, note = peers.micrograd_chain()
        if f is None:
            notes.append(f"micrograd: skipped ({note})")
        else:
            cs["micrograd"] = f
        case("peers: chain 8x8, per op", cs, div=300)


EPOCH = r"""
import resource, sys, numpy as np
def peak_mib():
    # VmHWM: this process's own high-water mark (ru_maxrss would include the parent's RSS at fork)
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import _workloads as W
lib = __import__({lib!r})
rng = np.random.default_rng(0)
X = rng.random((60000, 784), dtype=np.float32); y = rng.integers(0, 10, 60000)
base = peak_mib()
m = lib.nn.Sequential(lib.nn.Linear(784, 128), lib.nn.ReLU(), lib.nn.Linear(128, 10))
opt = lib.optim.SGD(m.parameters(), lr=0.01)
lf = lib.nn.CrossEntropyLoss()
for i in range(0, 60000, 64):
    opt.zero_grad()
    lf(m(lib.from_numpy(X[i:i + 64])), lib.from_numpy(y[i:i + 64])).backward()
    opt.step()
print(peak_mib(), base)
"""


def memory():
    """Peak RSS (MiB) of one MLP epoch (60,000 x 784 float32 in memory, B=64), fresh process each."""
    out = {}
    for lib in ("minitorch", "torch"):
        env = dict(os.environ, OMP_NUM_THREADS=str(harness.THREADS))
        p = subprocess.run(
            [sys.executable, "-c", EPOCH.format(root=ROOT, here=HERE, lib=lib)],
            capture_output=True,
            text=True,
            env=env,
        )
        if p.returncode:
            notes.append(f"memory {lib}: failed: {p.stderr.strip().splitlines()[-1:]}")
            continue
        out[lib] = float(p.stdout.split()[0])
    print("peak RSS of one epoch (MiB):", out, flush=True)
    return out


def import_time(n=5):
    out = {}
    for lib in ("minitorch", "torch"):
        ts = []
        for _ in range(n):
            p = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"import time; t=time.perf_counter(); import {lib}; print(time.perf_counter()-t)",
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if p.returncode == 0:
                ts.append(float(p.stdout))
        if ts:
            out[lib] = sorted(ts)[len(ts) // 2]
    print("import time (s, median of 5 fresh processes):", out, flush=True)
    return out


def chart(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    libs = []
    for _, secs in rows:
        libs += [k for k in secs if k not in libs]
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(rows) + 1.5))
    h = 0.8 / len(libs)
    for j, lib in enumerate(libs):
        ys, xs = [], []
        for i, (_tag, secs) in enumerate(rows):
            if lib in secs and "torch" in secs:
                ys.append(i + j * h)
                xs.append(secs[lib] / secs["torch"])
        ax.barh(ys, xs, height=h, label=lib)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_yticks([i + 0.4 - h / 2 for i in range(len(rows))])
    ax.set_yticklabels([t for t, _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel(f"time / torch time ({METRIC} time, {harness.THREADS} thread(s); lower is faster)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def write(info, mem, imp):
    import numpy

    png = os.path.splitext(ARGS.out)[0].lower() + f"_t{harness.THREADS}.png"
    try:
        chart(png)
    except ImportError:
        notes.append("matplotlib missing: no chart")
        png = None
    libs = []
    for _, secs in rows:
        libs += [k for k in secs if k not in libs]
    L = [
        f"# Benchmark results ({harness.THREADS} thread(s))",
        "",
        f"Command: `python benchmarks/run.py --threads {harness.THREADS} {' '.join(ARGS.cases)}`".rstrip()
        + "  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_name()}), {platform.system()} "
        f"{platform.release()}  ",
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"torch {getattr(torch, '__version__', 'missing')}, minitorch {getattr(mt, '__version__', '?')}  ",
        f"Threads: {info}  ",
        f"Figures: medians over {harness.REPS} interleaved blocks of {METRIC} time per step "
        "(chain: per op, 300 ops a step).",
        "",
    ]
    L.append("| case | " + " | ".join(libs) + " | mt/torch | mt/NumPy |")
    L.append("|---" * (len(libs) + 3) + "|")
    for tag, secs in rows:
        cells = [harness.fmt_us(secs[k]) if k in secs else "—" for k in libs]
        r1 = f"{secs['minitorch'] / secs['torch']:.2f}" if "torch" in secs else "—"
        r2 = f"{secs['minitorch'] / secs['numpy']:.2f}" if "numpy" in secs else "—"
        L.append(f"| {tag} | " + " | ".join(cells) + f" | {r1} | {r2} |")
    if mem:
        L += [
            "",
            "Peak RSS of one epoch (MLP 784-128-10, B=64, 60,000 float32 images held in memory), MiB: "
            + ", ".join(f"{k} {v:.0f}" for k, v in mem.items())
            + (f" (mt/torch {mem['minitorch'] / mem['torch']:.2f})" if len(mem) == 2 else ""),
        ]
    if imp:
        L += [
            "",
            "`import` time (median of 5 fresh processes): "
            + ", ".join(f"{k} {v:.3f} s" for k, v in imp.items()),
        ]
    if notes:
        L += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    if png:
        L += ["", f"![ratios to torch]({os.path.basename(png)})"]
    L += ["", f"Noise: {harness.noise_report()}", ""]
    with open(ARGS.out, "w") as fh:
        fh.write("\n".join(L))
    print("wrote", ARGS.out, png or "")


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    info = harness.pin_threads()
    info = {
        "torch": info.get("torch_threads"),
        "blas": [p[:2] + p[3:] for p in info["pools"]] if isinstance(info["pools"], list) else info["pools"],
    }
    print("threads:", info, "| ratios on", METRIC, "time", flush=True)
    if torch is None:
        notes.append("torch missing: no torch column (pip install torch==2.13.0)")
    run_cases()
    mem = memory() if "memory" in WANT and torch is not None else {}
    imp = import_time() if "import" in WANT else {}
    if not ARGS.no_write:
        write(info, mem, imp)


if __name__ == "__main__":
    main()
