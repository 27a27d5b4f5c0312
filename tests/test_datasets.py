"""minitorch.datasets: the IDX reader on generated files, MNIST/FashionMNIST file lookup, the
transforms against torch's arithmetic, the batched DataLoader path against the per-sample one,
and the embedded digits against scikit-learn. Tests on the real MNIST files read the directory
from $MINITORCH_MNIST_DIR and skip when it is unset."""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch.datasets import MNIST, Digits, FashionMNIST, load_digits, read_idx, transforms, write_idx
from minitorch.datasets.idx import read_image_file, read_label_file
from minitorch.utils.data import DataLoader, Subset, default_collate

MNIST_DIR = os.environ.get("MINITORCH_MNIST_DIR")
needs_mnist = pytest.mark.skipif(
    not MNIST_DIR, reason="set MINITORCH_MNIST_DIR to a directory with the MNIST t10k-* files (.ci/run does)"
)
FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def _idx_bytes(code: int, arr: np.ndarray, big_endian_dtype: str) -> bytes:
    """An IDX file built by hand with struct (independent of write_idx)."""
    head = struct.pack(">BBBB", 0, 0, code, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    return head + arr.astype(big_endian_dtype).tobytes()


def _write(path, data: bytes, gz: bool) -> str:
    path = str(path) + (".gz" if gz else "")
    with open(path, "wb") as f:
        f.write(gzip.compress(data) if gz else data)
    return path


def _fake_mnist(folder, n=12, prefix="t10k", gz=True, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    os.makedirs(folder, exist_ok=True)
    _write(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), _idx_bytes(0x08, images, ">u1"), gz)
    _write(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), _idx_bytes(0x08, labels, ">u1"), gz)
    return images, labels


# --- IDX reader ---
@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(
    "code,dtype,shape",
    [(0x08, ">u1", (7, 5, 3)), (0x08, ">u1", (9,)), (0x09, ">i1", (4, 2)), (0x0B, ">i2", (3, 4)),
     (0x0C, ">i4", (5,)), (0x0D, ">f4", (2, 3)), (0x0E, ">f8", (2, 2, 2))],
)  # fmt: skip
def test_read_idx_hand_built(tmp_path, gz, code, dtype, shape):
    rng = np.random.default_rng(1)
    arr = (rng.standard_normal(shape) * 100).astype(np.dtype(dtype).newbyteorder("="))
    path = _write(tmp_path / "a-idx", _idx_bytes(code, arr, dtype), gz)
    out = read_idx(path)
    assert out.dtype == arr.dtype and out.dtype.isnative and out.shape == shape
    np.testing.assert_array_equal(out, arr)
    assert out.flags.writeable


@pytest.mark.parametrize("name", ["x.gz", "x"])
def test_write_idx_roundtrip_matches_hand_built(tmp_path, name):
    arr = np.arange(24, dtype=np.int16).reshape(2, 3, 4) * 1000
    write_idx(tmp_path / name, arr)
    raw = (tmp_path / name).read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == name.endswith(".gz")
    assert (gzip.decompress(raw) if name.endswith(".gz") else raw) == _idx_bytes(0x0B, arr, ">i2")
    np.testing.assert_array_equal(read_idx(tmp_path / name), arr)


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_truncated(tmp_path, gz):
    data = _idx_bytes(0x08, np.zeros((10, 28, 28), np.uint8), ">u1")
    path = _write(tmp_path / "imgs-idx3-ubyte", data[:-100], gz)
    with pytest.raises(ValueError, match="truncated") as info:
        read_idx(path)
    assert path in str(info.value) and "7840" in str(info.value)  # says what it needed


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_truncated_header(tmp_path, gz):
    data = _idx_bytes(0x08, np.zeros((10, 28, 28), np.uint8), ">u1")
    path = _write(tmp_path / "h", data[:9], gz)
    with pytest.raises(ValueError, match="truncated IDX header") as info:
        read_idx(path)
    assert path in str(info.value)


def test_read_idx_cut_gzip_stream(tmp_path):
    data = gzip.compress(_idx_bytes(0x08, np.arange(5000, dtype=np.uint8).reshape(50, 100), ">u1"))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(
    "head", [b"\x89PNG\r\n\x1a\n", b"\x00\x01\x08\x03", b"\x00\x00\x07\x03", b"", b"\x00\x00"]
)
def test_read_idx_wrong_magic(tmp_path, gz, head):
    path = _write(tmp_path / "bad", head + b"\x00" * 64, gz)
    with pytest.raises(ValueError, match="not an IDX file") as info:
        read_idx(path)
    assert path in str(info.value)


def test_read_idx_extra_bytes_and_dims(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = _write(tmp_path / "lab", _idx_bytes(0x08, labels, ">u1") + b"\x00", gz=False)
    with pytest.raises(ValueError, match="extra bytes"):
        read_idx(path)
    path = _write(tmp_path / "lab2", _idx_bytes(0x08, labels, ">u1"), gz=True)
    with pytest.raises(ValueError, match="1 dimensions.*expected 3"):
        read_image_file(path)  # labels where images belong
    assert read_label_file(path).dtype == np.int64
    path = _write(tmp_path / "f", _idx_bytes(0x0D, np.zeros((2, 2, 2), np.float32), ">f4"), gz=False)
    with pytest.raises(ValueError, match="uint8"):
        read_image_file(path)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


# --- MNIST / FashionMNIST on generated files ---
@pytest.mark.parametrize("layout", ["root", "torchvision"])
@pytest.mark.parametrize("gz", [False, True])
def test_mnist_finds_files(tmp_path, layout, gz):
    folder = tmp_path if layout == "root" else tmp_path / "MNIST" / "raw"
    images, labels = _fake_mnist(folder, gz=gz, prefix="train")
    ds = MNIST(tmp_path)  # train=True by default
    assert len(ds) == len(images)
    assert ds.data.dtype == mt.uint8 and ds.data.shape == (12, 28, 28)
    assert ds.targets.dtype == mt.int64
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[3]
    assert type(target) is int and target == labels[3]
    assert img.shape == (1, 28, 28) and img.dtype == mt.float32


@needs_torch
def test_default_image_is_totensor(tmp_path):
    images, _ = _fake_mnist(tmp_path)
    ds = MNIST(tmp_path, train=False)
    for i in (0, 5, 11):
        assert_close(ds[i][0], torch.from_numpy(images[i]).float().div(255).unsqueeze(0))


def test_mnist_missing_split_says_what_to_do(tmp_path):
    _fake_mnist(tmp_path, prefix="t10k")
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path, train=True)
    msg = str(info.value)
    for part in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        str(tmp_path),
        "train=False",
        "download=True",
    ):
        assert part in msg
    assert len(MNIST(tmp_path, train=False)) == 12
    with pytest.raises(RuntimeError, match="FashionMNIST test split not found"):
        FashionMNIST(tmp_path / "empty", train=False)


def test_mnist_count_mismatch(tmp_path):
    _fake_mnist(tmp_path, n=5)
    labels = np.zeros(4, np.uint8)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(0x08, labels, ">u1"), gz=True)
    with pytest.raises(ValueError, match="5 images but .* 4 labels"):
        MNIST(tmp_path, train=False)


def test_fashion_mnist_torchvision_layout_and_classes(tmp_path):
    _fake_mnist(tmp_path / "FashionMNIST" / "raw", prefix="train")
    ds = FashionMNIST(tmp_path)
    assert len(ds) == 12 and len(ds.classes) == 10 and ds.class_to_idx["Trouser"] == 1
    assert "Split: Train" in repr(ds) and "FashionMNIST" in repr(ds)
    with pytest.raises(RuntimeError):
        MNIST(tmp_path)  # MNIST does not look in FashionMNIST/raw


def test_transform_and_target_transform(tmp_path):
    images, labels = _fake_mnist(tmp_path)
    seen = []
    ds = MNIST(
        tmp_path,
        train=False,
        transform=lambda im: seen.append(im) or "img",
        target_transform=lambda t: t * 10,
    )
    assert ds[2] == ("img", labels[2] * 10)
    assert isinstance(seen[0], np.ndarray) and seen[0].dtype == np.uint8 and seen[0].shape == (28, 28)


# --- transforms vs torch arithmetic ---
@needs_torch
@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 3)])
def test_to_tensor(shape):
    arr = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    expected = torch.from_numpy(arr if arr.ndim == 3 else arr[:, :, None]).permute(2, 0, 1).float().div(255)
    assert_close(transforms.ToTensor()(arr), expected)
    floats = np.random.default_rng(0).random(shape)  # not uint8: no scaling, dtype kept
    out = transforms.ToTensor()(floats)
    assert out.dtype == mt.float64 and out.shape[0] == (1 if len(shape) == 2 else 3)


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        transforms.ToTensor()(mt.zeros(2, 2))
    with pytest.raises(ValueError, match="2/3 dimensional"):
        transforms.ToTensor()(np.zeros((1, 2, 2, 2), np.uint8))


@needs_torch
@pytest.mark.parametrize("inplace", [False, True])
def test_normalize(inplace):
    arr = np.random.default_rng(0).random((3, 4, 5), dtype=np.float32)
    mean, std = (0.1, 0.5, 0.9), (0.2, 0.3, 0.4)
    expected = (torch.from_numpy(arr) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    x = mt.tensor(arr)
    out = transforms.Normalize(mean, std, inplace=inplace)(x)
    assert_close(out, expected)
    assert (out is x) == inplace
    batch = mt.tensor(np.stack([arr, arr]))  # (N, C, H, W) works too
    assert_close(transforms.Normalize(mean, std)(batch)[1], expected)


def test_normalize_errors():
    with pytest.raises(TypeError, match="float tensor"):
        transforms.Normalize((0.5,), (0.5,))(mt.zeros(1, 2, 2, dtype=mt.uint8))
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        transforms.Normalize((0.5,), (0.5,))(mt.zeros(2, 2))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        transforms.Normalize((0.5,), (0.0,))(mt.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="Tensor Image"):
        transforms.Normalize((0.5,), (0.5,))(np.zeros((1, 2, 2)))


def test_compose_and_lambda():
    t = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x * 2)])
    out = t(np.full((2, 2), 255, np.uint8))
    np.testing.assert_array_equal(out.numpy(), np.full((1, 2, 2), 2, np.float32))
    assert "ToTensor()" in repr(t)
    with pytest.raises(TypeError, match="should be callable"):
        transforms.Lambda(3)


# --- DataLoader: the batched path equals the per-sample path ---
@pytest.mark.parametrize(
    "transform",
    [
        None,
        transforms.ToTensor(),
        transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.13,), (0.31,))]),
    ],
)
def test_batched_fetch_matches_per_sample(tmp_path, transform):
    _fake_mnist(tmp_path, n=50)
    ds = MNIST(tmp_path, train=False, transform=transform)
    assert ds._batch_fetcher() is not None
    for data in (ds, Subset(ds, list(range(3, 40)))):
        fast = DataLoader(data, batch_size=8, shuffle=True, generator=mt.Generator().manual_seed(3))
        slow = DataLoader(
            data,
            batch_size=8,
            shuffle=True,
            generator=mt.Generator().manual_seed(3),
            collate_fn=lambda b: default_collate(b),
        )
        pairs = list(zip(fast, slow))
        assert len(pairs) == len(slow)
        for (xf, yf), (xs, ys) in pairs:
            assert xf.dtype == xs.dtype and yf.dtype == ys.dtype == mt.int64
            np.testing.assert_array_equal(xf.numpy(), xs.numpy())
            np.testing.assert_array_equal(yf.numpy(), ys.numpy())


def test_no_batched_fetch_with_custom_transforms(tmp_path):
    _fake_mnist(tmp_path)
    assert MNIST(tmp_path, train=False, transform=transforms.Lambda(lambda x: x))._batch_fetcher() is None
    assert MNIST(tmp_path, train=False, target_transform=lambda t: t)._batch_fetcher() is None
    xb, yb = next(
        iter(DataLoader(MNIST(tmp_path, train=False, target_transform=lambda t: t + 1), batch_size=4))
    )
    assert xb.shape == (4, 1, 28, 28) and yb.dtype == mt.int64


# --- embedded digits ---
def test_load_digits_matches_sklearn():
    sk = pytest.importorskip("sklearn.datasets")
    images, targets = load_digits()
    ref = sk.load_digits()
    assert images.dtype == np.uint8 and targets.dtype == np.int64
    np.testing.assert_array_equal(images, ref.images)
    np.testing.assert_array_equal(targets, ref.target)


def test_digits_dataset_split():
    images, targets = load_digits()
    train, test = Digits(train=True), Digits(train=False)
    assert len(train) + len(test) == len(images) and len(test) == len(images[4::5])
    np.testing.assert_array_equal(test.targets.numpy(), targets[4::5])
    scaled = test.data.numpy().astype(np.float64) / 255
    np.testing.assert_allclose(scaled, images[4::5] / 16, atol=0.5 / 255)
    x, y = train[0]
    assert x.shape == (1, 8, 8) and x.dtype == mt.float32 and y == targets[0]
    assert float(x.max()) <= 1.0 and set(np.unique(train.targets.numpy())) == set(range(10))


# --- the real files ---
@needs_mnist
def test_real_mnist_test_split():
    ds = MNIST(MNIST_DIR, train=False)
    with gzip.open(os.path.join(MNIST_DIR, "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    expected = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28)
    np.testing.assert_array_equal(ds.data.numpy(), expected)
    with gzip.open(os.path.join(MNIST_DIR, "t10k-labels-idx1-ubyte.gz")) as f:
        np.testing.assert_array_equal(ds.targets.numpy(), np.frombuffer(f.read(), np.uint8, offset=8))
    assert set(np.unique(ds.targets.numpy())) == set(range(10))
    xb, yb = next(iter(DataLoader(ds, batch_size=32)))
    assert xb.shape == (32, 1, 28, 28) and yb.shape == (32,)


@pytest.mark.skipif(
    not os.path.isdir(FASHION_DIR), reason="apt-get install dataset-fashion-mnist for this test"
)
def test_debian_fashion_mnist_dir():
    test = FashionMNIST(FASHION_DIR, train=False)
    assert test.data.shape[1:] == (28, 28) and len(test) == len(test.targets)
