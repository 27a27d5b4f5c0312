"""``MNIST`` and ``FashionMNIST``, as ``torchvision.datasets``: the IDX files on disk (found
where people usually keep them), or downloaded from a list of mirrors.

Files are looked up, gzipped or not, in ``root/<ClassName>/raw/`` (torchvision's layout, where
``download=True`` writes) and in ``root/`` itself, so ``MNIST("/usr/share/datasets/fashion-mnist")``
or a directory holding only ``t10k-*`` (use ``train=False``) both work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from ..tensor import Tensor
from .download import download_url
from .idx import read_image_file, read_label_file
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST"]


class MNIST(VisionDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale.

    Args:
        root: directory holding the IDX files (or ``root/MNIST/raw/`` holding them).
        train: the training split (``train-*`` files) or the test split (``t10k-*``).
        transform: applied to each image, a uint8 array (28, 28); default: ``ToTensor()``, so
            an image is a float32 tensor (1, 28, 28) in [0, 1].
        target_transform: applied to each label (a Python int).
        download: fetch missing files from ``mirrors`` into ``root/MNIST/raw/`` first.
        mirrors: base URLs to download from, tried in order (default: the class attribute
            ``mirrors``, or the space/comma-separated environment variable
            ``MINITORCH_MNIST_MIRRORS``; ``MINITORCH_FASHIONMNIST_MIRRORS`` for FashionMNIST).
        timeout: seconds to wait on a mirror before trying the next one.

    Attributes:
        data: uint8 tensor (N, 28, 28). targets: int64 tensor (N,). classes: label names.

    Raises:
        RuntimeError: the files are not there (and ``download`` is off or failed); the message
            says which files to fetch and where to put them.
        ValueError: a file is not a valid IDX file (truncated, wrong magic, ...).

    Example:
        >>> from minitorch.datasets import MNIST, transforms
        >>> tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
        >>> test = MNIST("data", train=False, transform=tf, download=True)
        >>> loader = DataLoader(test, batch_size=1000)
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]  # fmt: skip

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
        *,
        mirrors: Sequence[str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        root = os.path.expanduser(os.fspath(root))
        super().__init__(root, transform, target_transform)
        self.train = train
        if download:
            self.download(mirrors, timeout)
        images_path, labels_path = self._split_files()
        images, labels = read_image_file(images_path), read_label_file(labels_path)
        if len(images) != len(labels):
            raise ValueError(
                f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels"
            )
        self.data = Tensor._make(images, False, None)
        self.targets = Tensor._make(labels, False, None)

    # --- where the files are ---
    @property
    def raw_folder(self) -> str:
        """``root/<ClassName>/raw``: torchvision's layout, where downloads go."""
        return os.path.join(self.root, type(self).__name__, "raw")

    def _find(self, filename: str) -> str | None:
        """The path of ``filename`` (e.g. ``t10k-images-idx3-ubyte.gz``), gzipped or not, or None."""
        stem = filename[:-3] if filename.endswith(".gz") else filename
        names = [stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"]
        for folder in (self.raw_folder, self.root):
            for name in names:
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    return path
        return None

    def _split_names(self, train: bool | None = None) -> list[str]:
        prefix = "train" if (self.train if train is None else train) else "t10k"
        return [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]

    def _check_exists(self, train: bool | None = None) -> bool:
        return all(self._find(name) is not None for name in self._split_names(train))

    def _split_files(self) -> tuple[str, str]:
        found = [self._find(name) for name in self._split_names()]
        if None not in found:
            return found[0], found[1]
        split = "train" if self.train else "test"
        missing = [name for name, path in zip(self._split_names(), found) if path is None]
        other = "test (t10k-*)" if self.train else "training (train-*)"
        hint = ""
        if self._check_exists(not self.train):
            hint = f" The {other} split is there: use train={not self.train} for it."
        raise RuntimeError(
            f"{type(self).__name__} {split} split not found: no {' or '.join(n[:-3] + '[.gz]' for n in missing)} "
            f"in {self.root} or {self.raw_folder}.{hint} Use download=True to fetch it, or "
            + self._fetch_by_hand(missing)
        )

    def _fetch_by_hand(self, names: Sequence[str]) -> str:
        md5s = dict(self.resources)
        mirror = (self._mirror_list(None) or ["<a mirror>"])[0]
        files = "".join(f"\n  {mirror}{n}  (md5 {md5s.get(n, '?')})" for n in names)
        return f"fetch these files by hand and put them (gzipped or not) in {self.raw_folder} or {self.root}:{files}"

    # --- download ---
    def _mirror_list(self, mirrors: Sequence[str] | None) -> list[str]:
        if mirrors is None:
            env = os.environ.get(f"MINITORCH_{type(self).__name__.upper()}_MIRRORS", "")
            mirrors = env.replace(",", " ").split() or self.mirrors
        elif isinstance(mirrors, str):
            mirrors = [mirrors]
        return [m if m.endswith("/") else m + "/" for m in mirrors]

    def download(self, mirrors: Sequence[str] | None = None, timeout: float = 30.0) -> None:
        """Fetch the missing files into ``raw_folder`` (nothing to do if this split is present).

        Each file is md5-checked and renamed into place only when complete; a partial file is
        resumed next time. Raises RuntimeError naming the files to fetch by hand if all mirrors fail.
        """
        if self._check_exists():
            return
        mirrors = self._mirror_list(mirrors)
        os.makedirs(self.raw_folder, exist_ok=True)
        dead: set = set()
        failed, errors = [], []
        for filename, md5 in self.resources:
            if self._find(filename) is not None:
                continue
            try:
                download_url(
                    [m + filename for m in mirrors],
                    os.path.join(self.raw_folder, filename),
                    md5,
                    timeout,
                    dead=dead,
                )
            except RuntimeError as e:
                failed.append(filename)
                errors.append(str(e))
        if failed:
            raise RuntimeError(
                f"Could not download {type(self).__name__} from {', '.join(mirrors)}:\n"
                + "\n".join(errors)
                + "\nTo use it offline, "
                + self._fetch_by_hand(failed)
            )

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST (Zalando): 70,000 28x28 grayscale clothing images in 10 classes, MNIST's format.

    Same arguments as ``MNIST``; files are looked up in ``root/`` and ``root/FashionMNIST/raw/``
    (so ``FashionMNIST("/usr/share/datasets/fashion-mnist")`` reads Debian's
    ``dataset-fashion-mnist`` package).
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
