"""Train a classifier on handwritten digits with minitorch, as PyTorch's MNIST example does.

    python examples/mnist.py                          # MNIST if found or downloadable, else the embedded digits
    python examples/mnist.py --model cnn --epochs 3
    python examples/mnist.py --dataset fashion-mnist --data-dir /usr/share/datasets/fashion-mnist
    python examples/mnist.py --epochs 2 --save run.ckpt --plot curves.png
    python examples/mnist.py --resume run.ckpt --epochs 4   # continue to epoch 4
    python examples/predict.py run.ckpt my_digit.png        # classify an image with the result

Where the data comes from (``--dataset``, default: the first that works):
  mnist          the IDX files in --data-dir, else in $MINITORCH_MNIST_DIR, ../shared/data/mnist (next to
                 this repository) or ~/.minitorch/data, else downloaded into ~/.minitorch/data. A folder
                 with only the test split (t10k-*) is used as: train on its first 8,000 images, test on
                 the last 2,000.
  fashion-mnist  the same search (plus /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist).
  digits         scikit-learn's 8x8 digits, embedded in minitorch (no download).
With no --dataset and no MNIST anywhere (and no network), it says so in one line and uses digits.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import minitorch
import minitorch.nn.functional as F
from minitorch import nn, optim
from minitorch.datasets import MNIST, Digits, FashionMNIST, transforms
from minitorch.optim.lr_scheduler import StepLR
from minitorch.utils.data import DataLoader, Subset

try:
    from tqdm import tqdm
except ImportError:  # progress bars are optional
    tqdm = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE_DIR = os.path.join(os.path.expanduser("~"), ".minitorch", "data")

# per dataset: mean and std of the training pixels in [0, 1], and the training defaults
# (gamma: the learning rate is multiplied by it after every epoch, as in PyTorch's example)
DATASETS = {
    "mnist": dict(cls=MNIST, mean=0.1307, std=0.3081, epochs=10, batch_size=64, lr=1e-3, gamma=1.0),
    "fashion-mnist": dict(
        cls=FashionMNIST, mean=0.2860, std=0.3530, epochs=5, batch_size=64, lr=1e-3, gamma=0.7
    ),
    "digits": dict(cls=Digits, mean=0.3059, std=0.3763, epochs=20, batch_size=32, lr=3e-3, gamma=1.0),
}
T10K_TRAIN = 8000  # with only the test split: train on its first 8,000 images, test on the rest


class MLP(nn.Module):
    """image -> 128 hidden units (ReLU) -> 10 class scores."""

    def __init__(self, image_size: int = 28, hidden: int = 128) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(image_size * image_size, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = self.flatten(x)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class CNN(nn.Module):
    """PyTorch's classic MNIST convnet, scaled down for the CPU: two conv+pool stages, two linear layers.

    28x28 images: conv 5x5 (1->8) -> pool -> conv 5x5 (8->16) -> pool -> 256 -> 64 -> 10.
    8x8 images (digits): 3x3 kernels with padding 1 instead, so the feature map is 16x2x2.
    """

    def __init__(self, image_size: int = 28) -> None:
        super().__init__()
        k, p = (5, 0) if image_size >= 28 else (3, 1)
        self.conv1 = nn.Conv2d(1, 8, k, padding=p)
        self.conv2 = nn.Conv2d(8, 16, k, padding=p)
        self.pool = nn.MaxPool2d(2)
        side = ((image_size + 2 * p - k + 1) // 2 + 2 * p - k + 1) // 2
        self.fc1 = nn.Linear(16 * side * side, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = minitorch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def build_model(name: str, image_size: int) -> nn.Module:
    return {"mlp": MLP, "cnn": CNN}[name](image_size)


def train(model, loader, criterion, optimizer, epoch: int, epochs: int, progress: bool):
    """One pass over the training data; returns (mean loss, accuracy)."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = _progress(loader, f"epoch {epoch}/{epochs}", progress)
    for batch_idx, (data, target) in enumerate(bar):
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        n = len(target)
        total_loss += loss.item() * n
        correct += (output.argmax(1) == target).sum().item()
        seen += n
        if bar is not loader and batch_idx % 10 == 0:
            bar.set_postfix(
                loss=f"{total_loss / seen:.4f}", acc=f"{100 * correct / seen:.1f}%", refresh=False
            )
    return total_loss / seen, correct / seen


def test(model, loader, criterion):
    """Mean loss and accuracy on ``loader``, without building a graph."""
    model.eval()
    total_loss, correct = 0.0, 0
    with minitorch.no_grad():
        for data, target in loader:
            output = model(data)
            total_loss += criterion(output, target).item() * len(target)
            correct += (output.argmax(1) == target).sum().item()
    n = len(loader.dataset)
    return total_loss / n, correct / n


def _progress(loader, desc: str, enabled: bool):
    if not enabled or tqdm is None:
        return loader
    return tqdm(loader, desc=desc, leave=False, disable=None, dynamic_ncols=True)


# --- data ---
def _search_dirs(dataset: str, data_dir: str | None) -> list[str]:
    if data_dir is not None:  # an explicit --data-dir is the only place looked at (and downloaded to)
        return [data_dir]
    dirs = []
    if dataset == "mnist":
        dirs += [
            os.environ.get("MINITORCH_MNIST_DIR"),
            os.path.join(os.path.dirname(REPO), "shared", "data", "mnist"),
        ]
    else:
        dirs += [os.environ.get("MINITORCH_FASHION_MNIST_DIR"), "/usr/share/datasets/fashion-mnist"]
    return [d for d in dirs + [CACHE_DIR] if d and os.path.isdir(d)]


def load_data(dataset: str | None, data_dir: str | None, say=print):
    """(train set, test set, dataset name, image size); ``dataset=None`` picks MNIST or falls back to digits."""
    name = dataset or "mnist"
    if name == "digits":
        tf = _transform("digits")
        return Digits(train=True, transform=tf), Digits(train=False, transform=tf), "digits", 8
    cls, tf = DATASETS[name]["cls"], _transform(name)
    dirs = _search_dirs(name, data_dir)
    for folder in dirs:  # a folder with both splits wins over one with only the test split
        train_set = _try_load(cls, folder, True, tf)
        if train_set is not None:
            return train_set, cls(folder, train=False, transform=tf), name, 28
    for folder in dirs:
        full = _try_load(cls, folder, False, tf)
        if full is not None:
            say(
                f"Only the {cls.__name__} test split is in {folder}: training on its first {T10K_TRAIN:,} "
                f"images, testing on the last {len(full) - T10K_TRAIN:,}."
            )
            return Subset(full, range(T10K_TRAIN)), Subset(full, range(T10K_TRAIN, len(full))), name, 28
    root = data_dir or CACHE_DIR
    created = _missing_ancestor(root)
    try:
        train_set = cls(root, train=True, transform=tf, download=True, timeout=10 if dataset is None else 30)
        return train_set, cls(root, train=False, transform=tf, download=True), name, 28
    except RuntimeError as e:
        _remove_empty_folders(created)
        if dataset is not None:
            raise SystemExit(f"error: {e}") from None
    looked = ", ".join(dirs) if dirs else f"$MINITORCH_MNIST_DIR, ../shared/data/mnist, {CACHE_DIR}"
    say(
        f"MNIST not found (looked in {looked}) and the download failed: "
        "using the embedded 8x8 digits instead."
    )
    return load_data("digits", None, say)


def _missing_ancestor(path: str) -> str | None:
    """The outermost folder of ``path`` that does not exist yet (None if ``path`` exists)."""
    path, missing = os.path.abspath(path), None
    while not os.path.exists(path):
        missing, path = path, os.path.dirname(path)
    return missing


def _remove_empty_folders(top: str | None) -> None:
    """Remove ``top`` and the folders a failed download created in it, if they hold no file."""
    if top is None or not os.path.isdir(top):
        return
    for folder, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])):
        try:
            os.rmdir(folder)
        except OSError:  # not empty: something else is in it
            pass


def _try_load(cls, folder: str, train: bool, transform):
    try:
        return cls(folder, train=train, transform=transform)
    except RuntimeError:  # that split's files are not there
        return None


def _transform(name: str):
    d = DATASETS[name]
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((d["mean"],), (d["std"],))])


# --- command line ---
def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Train an MLP or a small CNN on MNIST / Fashion-MNIST / the embedded 8x8 digits."
    )
    p.add_argument("--model", choices=["mlp", "cnn"], default=None, help="the network (default: mlp)")
    p.add_argument(
        "--dataset", choices=list(DATASETS), default=None, help="default: MNIST if available, else digits"
    )
    p.add_argument("--data-dir", default=None, help="folder with the IDX files (also where downloads go)")
    p.add_argument(
        "--epochs",
        type=_positive(int),
        default=None,
        help="total epochs (default: 10 MNIST, 5 Fashion, 20 digits)",
    )
    p.add_argument("--batch-size", type=_positive(int), default=None, help="default: 64, or 32 for digits")
    p.add_argument(
        "--test-batch-size", type=_positive(int), default=1000, help="batch size for testing (default: 1000)"
    )
    p.add_argument(
        "--lr", type=_positive(float), default=None, help="default: Adam 1e-3 (3e-3 on digits), SGD 10x that"
    )
    p.add_argument(
        "--optimizer", choices=["adam", "sgd"], default=None, help="default: adam; SGD uses momentum 0.9"
    )
    p.add_argument(
        "--gamma",
        type=_positive(float),
        default=None,
        help="learning-rate decay per epoch (default: 0.7 Fashion, else 1)",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: 1)")
    p.add_argument(
        "--limit", type=_positive(int), default=None, metavar="N", help="train on the first N images only"
    )
    p.add_argument("--save", metavar="PATH", help="write a checkpoint here after every epoch")
    p.add_argument("--resume", metavar="PATH", help="continue the run saved in this checkpoint")
    p.add_argument("--plot", metavar="PATH", help="save loss/accuracy curves as a PNG")
    p.add_argument(
        "--tensorboard", metavar="DIR", help="log loss, accuracy and per-layer gradient norms for TensorBoard"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = p.parse_args(argv)
    for option in ("save", "plot"):
        _check_destination(p, option, getattr(args, option), is_dir=False)
    _check_destination(p, "tensorboard", args.tensorboard, is_dir=True)
    if args.plot:
        _require(p, "matplotlib", "--plot")
    if args.tensorboard:
        _require(p, "tensorboard", "--tensorboard")
    return args


def _check_destination(parser, option: str, path: str | None, is_dir: bool) -> None:
    """Refuse, before any training, a --save/--plot/--tensorboard destination that cannot be written."""
    if path is None:
        return
    if not is_dir and os.path.isdir(path):
        parser.error(f"--{option} {path}: is a folder; give a file name")
    if is_dir and os.path.exists(path) and not os.path.isdir(path):
        parser.error(f"--{option} {path}: exists and is not a folder")
    folder = path if is_dir and os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    while is_dir and not os.path.exists(folder):  # a log folder may be created, inside a writable one
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        parser.error(f"--{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        parser.error(f"--{option} {path}: the folder {folder} is not writable")


def _require(parser, module: str, option: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        parser.error(f"{option} needs {module}: pip install {module}")


# settings that define a run: taken from the checkpoint on --resume
RUN_KEYS = ("model", "dataset", "optimizer", "lr", "gamma", "batch_size", "seed", "limit")
RUN_DEFAULTS = {"model": "mlp", "optimizer": "adam", "seed": 1}


def _resume_settings(args: argparse.Namespace, saved: dict) -> None:
    """Take the run's settings from the checkpoint, saying which command-line values it overrides."""
    for key in RUN_KEYS:
        given = getattr(args, key)
        if given is not None and given != saved[key]:
            option = "--" + key.replace("_", "-")
            print(f"--resume: keeping the saved {option} {saved[key]} (the command line said {given})")
        setattr(args, key, saved[key])
    args.data_dir = args.data_dir or saved["data_dir"]
    args.epochs = saved["epochs"] if args.epochs is None else args.epochs


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _seconds(s: float) -> str:
    """3 significant digits, so that sub-second epochs still show their time (0.0412s, 12.3s)."""
    return f"{s:.3g}s" if s < 100 else f"{s:.0f}s"


def _grad_norms(model) -> dict[str, float]:
    """The L2 norm of each parameter's gradient, by parameter name."""
    return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}


def main(argv=None) -> dict:
    """Run the example with command-line arguments ``argv``; returns the history (a list per metric)."""
    args = parse_args(argv)
    checkpoint = None
    if args.resume:
        try:
            checkpoint = minitorch.load(args.resume)
            saved = checkpoint["args"]
        except (OSError, RuntimeError, KeyError, TypeError) as e:
            what = e.strerror if isinstance(e, OSError) and e.strerror else e
            raise SystemExit(f"error: --resume {args.resume}: {what}") from None
        _resume_settings(args, saved)
    for key, value in RUN_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    writer = None
    if args.tensorboard:
        from minitorch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(args.tensorboard)

    minitorch.manual_seed(args.seed)
    train_set, test_set, dataset, image_size = load_data(args.dataset, args.data_dir)
    args.dataset = dataset
    defaults = DATASETS[dataset]
    for key in ("epochs", "batch_size", "gamma"):  # options not given: the dataset's defaults
        if getattr(args, key) is None:
            setattr(args, key, defaults[key])
    if args.lr is None:
        args.lr = defaults["lr"] * (10 if args.optimizer == "sgd" else 1)
    if args.limit:
        train_set = Subset(train_set, range(min(args.limit, len(train_set))))

    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)
    model = build_model(args.model, image_size)
    criterion = nn.CrossEntropyLoss()
    if args.optimizer == "adam":
        optimizer = optim.Adam(model.parameters(), lr=args.lr)
    else:
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)

    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": [], "time": []}
    start_epoch = 1
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        history = checkpoint["history"]
        minitorch.set_rng_state(checkpoint["rng_state"])
        start_epoch = checkpoint["epoch"] + 1
        print(f"Resumed from {args.resume} after epoch {checkpoint['epoch']}")

    n_params = sum(p.numel() for p in model.parameters())
    print(
        f"{dataset}: {len(train_set):,} training / {len(test_set):,} test images ({image_size}x{image_size}); "
        f"{args.model.upper()} with {n_params:,} parameters; {args.optimizer} lr={args.lr:g} gamma={args.gamma:g}, "
        f"batch {args.batch_size}, {_plural(args.epochs, 'epoch')}, seed {args.seed}"
    )
    for epoch in range(start_epoch, args.epochs + 1):
        t0 = time.perf_counter()
        train_loss, train_acc = train(
            model, train_loader, criterion, optimizer, epoch, args.epochs, not args.no_progress
        )
        seconds = time.perf_counter() - t0
        grad_norms = _grad_norms(model)  # of the epoch's last batch, before testing
        scheduler.step()
        test_loss, test_acc = test(model, test_loader, criterion)
        for key, value in zip(history, (train_loss, train_acc, test_loss, test_acc, seconds)):
            history[key].append(value)
        print(
            f"Epoch {epoch}/{args.epochs}: train loss {train_loss:.4f} acc {100 * train_acc:.2f}% | "
            f"test loss {test_loss:.4f} acc {100 * test_acc:.2f}% | {_seconds(seconds)}"
        )
        if writer is not None:
            for key, value in zip(history, (train_loss, train_acc, test_loss, test_acc)):
                kind, split = key.split("_")[::-1]  # "train_loss" -> loss/train
                writer.add_scalar(f"{'accuracy' if kind == 'acc' else kind}/{split}", value, epoch)
            for name, norm in grad_norms.items():
                writer.add_scalar(f"grad_norm/{name}", norm, epoch)
            writer.flush()
        if args.save:
            minitorch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "epoch": epoch,
                    "args": vars(args),
                    "history": history,
                    "rng_state": minitorch.get_rng_state(),
                    "image_size": image_size,
                    "normalize": [defaults["mean"], defaults["std"]],
                    "classes": list(defaults["cls"].classes),
                },
                args.save,
            )

    if history["test_acc"]:
        best = max(range(len(history["test_acc"])), key=history["test_acc"].__getitem__)
        print(
            f"Done: test accuracy {100 * history['test_acc'][-1]:.2f}% after "
            f"{_plural(len(history['test_acc']), 'epoch')} (best {100 * history['test_acc'][best]:.2f}% at "
            f"epoch {best + 1}); training time {_seconds(sum(history['time']))} "
            f"({_seconds(sum(history['time']) / len(history['time']))}/epoch)"
        )
    if args.save:
        print(f"Checkpoint: {args.save}")
    if args.plot:
        plot(history, args.plot, f"{args.model.upper()} on {dataset}")
        print(f"Curves: {args.plot}")
    if writer is not None:
        writer.close()
        print(f"TensorBoard logs: {args.tensorboard} (tensorboard --logdir {args.tensorboard})")
    return history


def plot(history: dict, path: str, title: str) -> None:
    """Loss and accuracy per epoch, train and test, side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, history["train_loss"], "o-", label="train")
    ax1.plot(epochs, history["test_loss"], "o-", label="test")
    ax1.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax2.plot(epochs, [100 * a for a in history["train_acc"]], "o-", label="train")
    ax2.plot(epochs, [100 * a for a in history["test_acc"]], "o-", label="test")
    ax2.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
