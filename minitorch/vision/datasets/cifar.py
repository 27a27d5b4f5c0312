"""``CIFAR10`` and ``CIFAR100``, as ``torchvision.datasets``: the python-pickle batches in
``root/cifar-10-batches-py`` (``root/cifar-100-python``), read through a restricted unpickler
(NumPy arrays and plain containers only, see ``_unpickle``), or downloaded as the ``.tar.gz``
and unpacked (md5-checked; only regular files and folders are extracted).

As the other minitorch datasets, a sample's image goes to ``transform`` as a uint8 array
(32, 32, 3) (torchvision hands a PIL image there); with ``transform=None`` it comes out as a
float32 tensor (3, 32, 32) in [0, 1].
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable

import numpy as np

from ...datasets.download import download_url, md5sum
from ...datasets.vision import VisionDataset
from ...tensor import Tensor
from ._unpickle import restricted_load

__all__ = ["CIFAR10", "CIFAR100"]


class CIFAR10(VisionDataset):
    """CIFAR-10: 60,000 32x32 colour images in 10 classes (50,000 train, 10,000 test).

    Args:
        root: the folder holding ``cifar-10-batches-py`` (or where ``download`` puts it).
        train: the five training batches, or the test batch.
        transform, target_transform: applied to the image (uint8 (32, 32, 3)) and label (int).
        download: fetch and unpack the archive from ``url`` first when the files are missing.

    Attributes: ``data`` uint8 ndarray (N, 32, 32, 3), ``targets`` list of ints, ``classes``,
    ``class_to_idx``.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    labels_key = "labels"

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        root = os.path.expanduser(os.fspath(root))
        super().__init__(root, transform, target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(
                f"Dataset not found or corrupted: no {self.base_folder} in {self.root}. "
                f"You can use download=True to download it, or fetch {self.url} by hand and unpack it into {self.root}"
            )
        data, targets = [], []
        for file_name, _ in self.train_list if train else self.test_list:
            with open(os.path.join(self.root, self.base_folder, file_name), "rb") as f:
                entry = restricted_load(f, encoding="latin1")
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            targets.extend(entry[self.labels_key] if self.labels_key in entry else entry["fine_labels"])
        self.data = np.ascontiguousarray(np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1)))
        self.targets = [int(t) for t in targets]
        self._load_meta()

    def _load_meta(self) -> None:
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if os.path.isfile(path):
            with open(path, "rb") as f:
                self.classes = list(restricted_load(f, encoding="latin1")[self.meta["key"]])
        else:
            self.classes = []

    def __getitem__(self, index: int):
        img, target = self.data[index], self.targets[index]
        img = (self._default_transform() if self.transform is None else self.transform)(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    @staticmethod
    def _default_transform():
        from ...datasets.vision import _DEFAULT_TRANSFORM

        return _DEFAULT_TRANSFORM

    def _batch_fetcher(self):
        if type(self).__getitem__ is not CIFAR10.__getitem__ or self.target_transform is not None:
            return None
        from ...datasets.transforms import _can_batch

        transform = self._default_transform() if self.transform is None else self.transform
        if not _can_batch(transform):
            return None
        targets = np.asarray(self.targets, dtype=np.int64)
        return lambda idx: [transform._batched(self.data[idx]), Tensor._make(targets[idx], False, None)]

    def __len__(self) -> int:
        return len(self.data)

    def _check_exists(self) -> bool:
        folder = os.path.join(self.root, self.base_folder)
        return all(os.path.isfile(os.path.join(folder, n)) for n, _ in self.train_list + self.test_list)

    def download(self, url: str | None = None, timeout: float = 30.0) -> None:
        """Fetch ``filename`` from ``url`` into ``root`` (md5-checked) and unpack it there."""
        if self._check_exists():
            return
        os.makedirs(self.root, exist_ok=True)
        archive = os.path.join(self.root, self.filename)
        if not (os.path.isfile(archive) and md5sum(archive) == self.tgz_md5):
            download_url(url or self.url, archive, self.tgz_md5, timeout)
        _safe_extract(archive, self.root)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


def _safe_extract(archive: str, dest: str) -> None:
    """Unpack a .tar.gz, refusing links, devices and paths that leave ``dest``."""
    with tarfile.open(archive, "r:*") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
            return
        root = os.path.realpath(dest)
        for m in tar.getmembers():
            target = os.path.realpath(os.path.join(dest, m.name))
            if not (m.isfile() or m.isdir()) or os.path.commonpath([root, target]) != root:
                raise RuntimeError(f"refusing to extract {m.name!r} from {archive}")
        tar.extractall(dest)


class CIFAR100(CIFAR10):
    """CIFAR-100: as ``CIFAR10``, 100 classes (``targets`` are the fine labels)."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
    labels_key = "fine_labels"
