"""One training epoch of the Fashion-MNIST MLP (784-128-10, ReLU, Adam lr 1e-3, batch 64, 60,000
images) in minitorch and in torch, on the same machine, in one process.

Two ways of feeding the data, both timed:
- ``DataLoader``: what users write. minitorch reads the data as ``examples/mnist.py`` does
  (``FashionMNIST`` + ``ToTensor`` + ``Normalize`` through a shuffling ``DataLoader``); torch gets the
  same normalised images from a ``TensorDataset`` in its ``DataLoader`` (torchvision's
  PIL-per-image pipeline would only slow torch down).
- ``pre-batched``: the same shuffled mini-batches sliced from one array for both, so only the
  framework's forward/backward/Adam work is timed.
Both libraries start from the same weights. The epochs alternate (minitorch, torch, minitorch,
...) so machine load hits both alike; per-epoch times, each model's test accuracy after the
epoch, and the median times and ratios are printed.

    apt-get install -y dataset-fashion-mnist        # -> /usr/share/datasets/fashion-mnist
    python benchmarks/fashion_mnist_epoch.py
    python benchmarks/fashion_mnist_epoch.py --repeat 5 --threads 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

import minitorch
from minitorch import nn, optim
from minitorch.datasets import FashionMNIST, transforms
from minitorch.utils.data import DataLoader

MEAN, STD = 0.2860, 0.3530


def batches(lib, x, y, batch_size: int, seed: int):
    """Shuffled mini-batches by slicing one permuted copy: no per-sample work at all."""
    perm = np.random.default_rng(seed).permutation(len(y))
    xs, ys = lib.from_numpy(x[perm]), lib.from_numpy(y[perm])
    return [(xs[i : i + batch_size], ys[i : i + batch_size]) for i in range(0, len(perm), batch_size)]


def mt_epoch(model, loader):
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    model.train()
    for data, target in loader:
        optimizer.zero_grad()
        loss = criterion(model(data), target)
        loss.backward()
        optimizer.step()


def torch_epoch(torch, model, loader):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    model.train()
    for data, target in loader:
        optimizer.zero_grad()
        loss = criterion(model(data), target)
        loss.backward()
        optimizer.step()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument(
        "--repeat", type=int, default=3, help="epochs per library (interleaved); medians are reported"
    )
    ap.add_argument("--batch-size", type=int, default=64)
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

    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
    try:
        train_set = FashionMNIST(args.data_dir, train=True, transform=tf)
        test_set = FashionMNIST(args.data_dir, train=False, transform=tf)
    except RuntimeError as e:
        sys.exit(f"{e}\n(on Debian/Ubuntu: apt-get install -y dataset-fashion-mnist)")
    # torch gets exactly the images minitorch's pipeline produces
    x_train = torch.from_numpy(tf._batched(train_set.data.numpy()).numpy())
    y_train = torch.from_numpy(train_set.targets.numpy())
    x_test = torch.from_numpy(tf._batched(test_set.data.numpy()).numpy())
    y_test = torch.from_numpy(test_set.targets.numpy())

    def models():
        m = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        t = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
        )
        t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in m.state_dict().items()})
        return m, t

    def mt_accuracy(model):
        model.eval()
        with minitorch.no_grad():
            return float(
                (model(minitorch.from_numpy(x_test.numpy())).argmax(1).numpy() == y_test.numpy()).mean()
            )

    def torch_accuracy(model):
        model.eval()
        with torch.no_grad():
            return float((model(x_test).argmax(1) == y_test).float().mean())

    print(
        f"Fashion-MNIST: {len(train_set):,} training images, batch {args.batch_size}, MLP 784-128-10, Adam lr 1e-3, "
        f"{args.threads} thread(s); minitorch {minitorch.__version__}, torch {torch.__version__}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs"
    )
    x_np, y_np = x_train.numpy(), y_train.numpy()
    modes = ("DataLoader", "pre-batched")
    times = {(lib, mode): [] for mode in modes for lib in ("minitorch", "torch")}
    for r in range(args.repeat):
        for mode in modes:
            minitorch.manual_seed(r)
            torch.manual_seed(r)
            m, t = models()
            if mode == "DataLoader":
                mt_data = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
                torch_data = torch.utils.data.DataLoader(
                    torch.utils.data.TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True
                )
            else:
                mt_data = batches(minitorch, x_np, y_np, args.batch_size, r)
                torch_data = batches(torch, x_np, y_np, args.batch_size, r)
            t0 = time.perf_counter()
            mt_epoch(m, mt_data)
            mt_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            torch_epoch(torch, t, torch_data)
            torch_s = time.perf_counter() - t0
            times["minitorch", mode].append(mt_s)
            times["torch", mode].append(torch_s)
            print(
                f"  repeat {r + 1} {mode:>11}: minitorch {mt_s:.2f}s (test acc {100 * mt_accuracy(m):.2f}%), "
                f"torch {torch_s:.2f}s (test acc {100 * torch_accuracy(t):.2f}%), ratio {mt_s / torch_s:.2f}",
                flush=True,
            )
    print("median epoch time (ratio minitorch / torch; below 1: minitorch faster):")
    for mode in modes:
        a, b = statistics.median(times["minitorch", mode]), statistics.median(times["torch", mode])
        ratios = [x / y for x, y in zip(times["minitorch", mode], times["torch", mode])]
        print(
            f"  {mode:>11}: minitorch {a:.2f}s, torch {b:.2f}s, ratio {a / b:.2f} "
            f"(per repeat: {', '.join(f'{x:.2f}' for x in ratios)})"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
