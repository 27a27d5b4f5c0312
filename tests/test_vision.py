"""minitorch.vision (torchvision on minitorch): transforms against torch-computed oracles (torchvision
itself cannot be installed here, so its tensor kernels are rebuilt from torch ops where they are
more than one call), datasets (CIFAR batches through the restricted unpickler, ImageFolder,
FakeData), utils.make_grid/save_image, io.read_image, and the official Quickstart run unmodified
under ``python -m minitorch`` with ``torchvision`` aliased."""

from __future__ import annotations

import importlib.util
import io
import math
import os
import pickle
import subprocess
import sys
import tarfile
import textwrap

import numpy as np
import pytest
import torch

import minitorch
from minitorch.datasets.idx import write_idx
from minitorch.vision import datasets, transforms, utils
from minitorch.vision.datasets._unpickle import restricted_load
from minitorch.vision.transforms import functional as F

HAS_PIL = importlib.util.find_spec("PIL") is not None
needs_pil = pytest.mark.skipif(not HAS_PIL, reason="Pillow is not installed")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _t(a):
    return minitorch.tensor(a)


def _img(shape, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape).astype(np.uint8)
    return rng.random(shape).astype(dtype)


# ----------------------------------------------------------------- resize
@pytest.mark.parametrize(
    "hw,out", [((17, 23), (5, 7)), ((8, 8), (16, 20)), ((10, 12), (10, 5)), ((31, 9), (7, 30))]
)
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_resize_bilinear_bicubic_match_interpolate(hw, out, antialias, mode):
    x = _img((2, 3, *hw))
    ref = torch.nn.functional.interpolate(
        torch.from_numpy(x), size=out, mode=mode, align_corners=False, antialias=antialias
    ).numpy()
    got = F.resize(_t(x), list(out), transforms.InterpolationMode(mode), antialias=antialias)
    assert tuple(got.shape) == ref.shape
    np.testing.assert_allclose(got._data, ref, atol=3e-6, rtol=0)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_resize_nearest_matches_interpolate(mode):
    x = _img((3, 13, 9))
    for out in [(5, 4), (26, 18), (7, 20)]:
        ref = torch.nn.functional.interpolate(torch.from_numpy(x)[None], size=out, mode=mode)[0].numpy()
        got = transforms.Resize(out, interpolation=transforms.InterpolationMode(mode))(_t(x))
        np.testing.assert_array_equal(got._data, ref)


def test_resize_int_size_uint8_and_array_input():
    x = _img((3, 20, 30), dtype=np.uint8)
    got = transforms.Resize(10)(_t(x))  # the smaller edge -> 10, aspect kept: (10, 15)
    assert tuple(got.shape) == (3, 10, 15) and got.dtype == minitorch.uint8
    ref = torch.nn.functional.interpolate(
        torch.from_numpy(x)[None].float(), size=(10, 15), mode="bilinear", align_corners=False, antialias=True
    )[0]
    np.testing.assert_array_equal(got._data, ref.round().to(torch.uint8).numpy())
    hwc = np.ascontiguousarray(x.transpose(1, 2, 0))  # an array image (H, W, C) stays an array
    out = transforms.Resize((10, 15))(hwc)
    assert isinstance(out, np.ndarray) and out.shape == (10, 15, 3)
    np.testing.assert_array_equal(out, got._data.transpose(1, 2, 0))
    same = _t(x)
    assert transforms.Resize(20)(same) is same  # already the requested size: returned as is


# ----------------------------------------------------------------- crops, flips, pad
def test_crops_flips_pad_by_hand():
    x = np.arange(2 * 5 * 6, dtype=np.float32).reshape(2, 5, 6)
    np.testing.assert_array_equal(transforms.CenterCrop(3)(_t(x))._data, x[:, 1:4, 2:5])
    np.testing.assert_array_equal(transforms.CenterCrop((2, 4))(_t(x))._data, x[:, 2:4, 1:5])
    big = transforms.CenterCrop((7, 8))(_t(x))._data  # larger than the image: zero padding
    np.testing.assert_array_equal(big, np.pad(x, [(0, 0), (1, 1), (1, 1)]))
    np.testing.assert_array_equal(F.hflip(_t(x))._data, x[..., ::-1])
    np.testing.assert_array_equal(F.vflip(_t(x))._data, x[:, ::-1])
    for mode in ["constant", "edge", "reflect", "symmetric"]:
        got = transforms.Pad((1, 2, 3, 0), fill=7, padding_mode=mode)(_t(x))._data
        kw = {"constant_values": 7} if mode == "constant" else {}
        np.testing.assert_array_equal(got, np.pad(x, [(0, 0), (2, 0), (1, 3)], mode=mode, **kw))
        if mode != "symmetric":  # (torch has no symmetric padding; torchvision builds it by hand)
            ref = torch.nn.functional.pad(torch.from_numpy(x), (1, 3, 2, 0), mode={"edge": "replicate"}.get(mode, mode),
                                          **({"value": 7.0} if mode == "constant" else {}))  # fmt: skip
            np.testing.assert_array_equal(got, ref.numpy())
    hwc = np.arange(4 * 3 * 3, dtype=np.uint8).reshape(4, 3, 3)  # ndarray image (H, W, C)
    np.testing.assert_array_equal(F.hflip(hwc), hwc[:, ::-1])
    np.testing.assert_array_equal(F.pad(hwc, 1, fill=(1, 2, 3))[0, 0], [1, 2, 3])


def test_random_flip_and_crop_draw_order():
    x = _t(np.arange(3 * 8 * 10, dtype=np.float32).reshape(3, 8, 10))
    minitorch.manual_seed(3)
    draws = [float(minitorch.rand(1)) for _ in range(6)]
    minitorch.manual_seed(3)
    flip = transforms.RandomHorizontalFlip(p=0.5)
    for d in draws:
        out = flip(x)
        expect = x._data[..., ::-1] if d < 0.5 else x._data
        np.testing.assert_array_equal(out._data, expect)
    minitorch.manual_seed(5)
    i = minitorch.randint(0, 8 + 4 - 6 + 1, size=(1,)).item()
    j = minitorch.randint(0, 10 + 4 - 5 + 1, size=(1,)).item()
    minitorch.manual_seed(5)
    got = transforms.RandomCrop((6, 5), padding=2)(x)._data
    np.testing.assert_array_equal(got, np.pad(x._data, [(0, 0), (2, 2), (2, 2)])[:, i : i + 6, j : j + 5])
    got = transforms.RandomCrop((10, 12), pad_if_needed=True, padding_mode="edge")(x)
    assert tuple(got.shape) == (3, 10, 12)
    with pytest.raises(ValueError, match="larger than input image size"):
        transforms.RandomCrop(20)(x)


def test_random_resized_crop_params_follow_torchvision():
    x = _t(_img((3, 40, 50)))
    minitorch.manual_seed(11)
    i, j, h, w = transforms.RandomResizedCrop.get_params(x, (0.08, 1.0), (3 / 4, 4 / 3))
    minitorch.manual_seed(11)  # the same draws, by hand, in torchvision's order
    area = 40 * 50
    log_ratio = [math.log(3 / 4), math.log(4 / 3)]
    while True:
        target = area * minitorch.empty(1).uniform_(0.08, 1.0).item()
        ar = math.exp(minitorch.empty(1).uniform_(np.float32(log_ratio[0]), np.float32(log_ratio[1])).item())
        ww, hh = int(round(math.sqrt(target * ar))), int(round(math.sqrt(target / ar)))
        if 0 < ww <= 50 and 0 < hh <= 40:
            break
    assert (h, w) == (hh, ww)
    assert (i, j) == (
        minitorch.randint(0, 40 - hh + 1, (1,)).item(),
        minitorch.randint(0, 50 - ww + 1, (1,)).item(),
    )
    out = transforms.RandomResizedCrop(16)(x)
    assert tuple(out.shape) == (3, 16, 16)


# ----------------------------------------------------------------- rotate (torchvision's tensor kernel in torch)
def _tv_rotate_torch(img, angle, mode, fill, matrix=None):
    """torchvision.transforms.functional.rotate (or affine, given its inverse matrix) on a tensor,
    written with torch ops."""
    from minitorch.vision.transforms.functional import _get_inverse_affine_matrix

    c, h, w = img.shape
    if matrix is None:
        matrix = _get_inverse_affine_matrix([0.0, 0.0], -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    theta = torch.tensor(matrix, dtype=torch.float32).reshape(1, 2, 3)
    base = torch.empty(1, h, w, 3)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, steps=w))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, steps=h).unsqueeze_(-1))
    base[..., 2].fill_(1)
    grid = (
        base.view(1, h * w, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])).view(1, h, w, 2)
    )
    x = torch.cat((img[None], torch.ones(1, 1, h, w)), dim=1)
    x = torch.nn.functional.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    mask, x = x[:, -1:], x[:, :-1]
    fill_img = torch.tensor(fill, dtype=torch.float32).view(1, -1, 1, 1).expand_as(x)
    if mode == "nearest":
        m = (mask < 0.5).expand_as(x)
        x = x.clone()
        x[m] = fill_img[m]
    else:
        x = x * mask + (1.0 - mask) * fill_img
    return x[0].numpy()


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_rotate_matches_torch_grid_sample(mode):
    x = _img((3, 9, 12))
    for angle, fill in [(33.0, [0.0, 0.0, 0.0]), (-71.5, [0.2, 0.5, 1.0])]:
        got = F.rotate(_t(x), angle, transforms.InterpolationMode(mode), fill=fill)._data
        ref = _tv_rotate_torch(torch.from_numpy(x), angle, mode, fill)
        if mode == "bilinear":
            np.testing.assert_allclose(got, ref, atol=1e-5)
        else:
            np.testing.assert_array_equal(got, ref)
    # affine: rotation, translation, scale and shear through the same grid
    from minitorch.vision.transforms.functional import _get_inverse_affine_matrix

    matrix = _get_inverse_affine_matrix([0.0, 0.0], 20.0, [1.0, -2.0], 0.8, [10.0, 5.0])
    got = F.affine(
        _t(x), 20.0, [1, -2], 0.8, [10.0, 5.0], transforms.InterpolationMode(mode), fill=[0.5] * 3
    )._data
    ref = _tv_rotate_torch(torch.from_numpy(x), None, mode, [0.5] * 3, matrix=matrix)
    np.testing.assert_allclose(got, ref, atol=1e-5)
    sq = _img((1, 6, 6))
    np.testing.assert_array_equal(F.rotate(_t(sq), 90.0)._data, np.rot90(sq, 1, axes=(1, 2)))
    minitorch.manual_seed(0)
    angle = minitorch.empty(1).uniform_(-30.0, 30.0).item()
    minitorch.manual_seed(0)
    got = transforms.RandomRotation(30, interpolation=transforms.InterpolationMode.BILINEAR)(_t(x))._data
    np.testing.assert_allclose(
        got, _tv_rotate_torch(torch.from_numpy(x), angle, "bilinear", [0.0] * 3), atol=1e-5
    )


# ----------------------------------------------------------------- color
def test_grayscale_and_color_adjustments():
    x = _img((3, 5, 4), dtype=np.uint8)
    tx = torch.from_numpy(x)
    ref = (0.2989 * tx[0] + 0.587 * tx[1] + 0.114 * tx[2]).to(torch.uint8)
    np.testing.assert_array_equal(transforms.Grayscale()(_t(x))._data[0], ref.numpy())
    g3 = transforms.Grayscale(3)(_t(x))._data
    assert g3.shape == (3, 5, 4) and (g3 == ref.numpy()).all()
    f = _img((3, 5, 4))
    np.testing.assert_allclose(F.adjust_brightness(_t(f), 1.7)._data, np.clip(f * 1.7, 0, 1), rtol=1e-6)
    gray = 0.2989 * f[0] + 0.587 * f[1] + 0.114 * f[2]
    np.testing.assert_allclose(
        F.adjust_contrast(_t(f), 0.3)._data, np.clip(0.3 * f + 0.7 * gray.mean(), 0, 1), rtol=1e-5
    )
    np.testing.assert_allclose(
        F.adjust_saturation(_t(f), 0.0)._data, np.broadcast_to(gray, f.shape), rtol=1e-5, atol=1e-6
    )
    red = np.zeros((3, 2, 2), np.float32)
    red[0] = 1.0
    np.testing.assert_allclose(F.adjust_hue(_t(red), 1 / 3)._data, red[[2, 0, 1]], atol=1e-6)  # red -> green
    np.testing.assert_allclose(F.adjust_hue(_t(f), 0.0)._data, f, atol=1e-6)
    minitorch.manual_seed(1)
    out = transforms.ColorJitter(0.4, 0.4, 0.4, 0.1)(_t(x))
    assert out.dtype == minitorch.uint8 and tuple(out.shape) == (3, 5, 4)
    assert transforms.ColorJitter().brightness is None
    with pytest.raises(ValueError):
        transforms.ColorJitter(hue=0.7)


def test_convert_image_dtype():
    x = np.array([[[0, 1, 128, 255]]], dtype=np.uint8)
    f = F.convert_image_dtype(_t(x), minitorch.float32)._data
    np.testing.assert_allclose(f, x / 255.0, rtol=1e-6)
    back = transforms.ConvertImageDtype(minitorch.uint8)(_t(f))._data
    np.testing.assert_array_equal(back, x)


# ----------------------------------------------------------------- blur, erasing, apply/choice
def test_gaussian_blur_matches_conv2d():
    x = _img((3, 11, 13))
    k, sigma = (5, 3), (1.3, 0.7)
    got = F.gaussian_blur(_t(x), list(k), list(sigma))._data

    def k1(n, s):
        t = torch.linspace(-(n - 1) * 0.5, (n - 1) * 0.5, steps=n)
        p = torch.exp(-0.5 * (t / s).pow(2))
        return p / p.sum()

    kern = torch.mm(k1(k[1], sigma[1])[:, None], k1(k[0], sigma[0])[None, :]).expand(3, 1, k[1], k[0])
    xp = torch.nn.functional.pad(
        torch.from_numpy(x)[None], [k[0] // 2, k[0] // 2, k[1] // 2, k[1] // 2], mode="reflect"
    )
    ref = torch.nn.functional.conv2d(xp, kern, groups=3)[0].numpy()
    np.testing.assert_allclose(got, ref, atol=1e-6)
    minitorch.manual_seed(2)
    s = minitorch.empty(1).uniform_(0.1, 2.0).item()
    minitorch.manual_seed(2)
    np.testing.assert_allclose(transforms.GaussianBlur(3)(_t(x))._data, F.gaussian_blur(_t(x), 3, s)._data)


def test_random_erasing_and_random_apply_choice():
    x = _t(np.ones((3, 20, 20), np.float32))
    minitorch.manual_seed(4)
    out = transforms.RandomErasing(p=1.0, value=0.5)(x)._data
    erased = out == 0.5
    assert erased.any() and (out[~erased] == 1.0).all()
    rows, cols = np.nonzero(erased[0])
    assert erased[0][rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].all()  # one rectangle
    assert (x._data == 1).all()  # not inplace
    assert (transforms.RandomErasing(p=0.0)(x)._data == 1).all()
    noisy = transforms.RandomErasing(p=1.0, value="random")(x)._data
    assert (noisy != 1).any()
    flip_all = transforms.RandomApply([transforms.RandomHorizontalFlip(p=1.0)], p=1.0)
    y = _t(np.arange(6, dtype=np.float32).reshape(1, 2, 3))
    np.testing.assert_array_equal(flip_all(y)._data, y._data[..., ::-1])
    assert transforms.RandomApply([transforms.RandomHorizontalFlip(p=1.0)], p=0.0)(y) is y
    pick = transforms.RandomChoice(
        [transforms.RandomHorizontalFlip(p=1.0), transforms.RandomVerticalFlip(p=1.0)], p=[0, 1]
    )
    np.testing.assert_array_equal(pick(y)._data, y._data[:, ::-1])


def test_transforms_are_modules_and_v2_alias():
    from minitorch.vision.transforms import v2

    assert isinstance(transforms.Resize(4), minitorch.nn.Module)
    assert v2.Resize is transforms.Resize and v2.ToTensor is transforms.ToTensor
    img = np.full((4, 4, 3), 255, np.uint8)
    out = v2.Compose([v2.ToImage(), v2.ToDtype(minitorch.float32, scale=True)])(img)
    assert out.dtype == minitorch.float32 and tuple(out.shape) == (3, 4, 4) and (out._data == 1).all()
    # the datasets' ToTensor/Normalize are the same classes, so DataLoader's batched path still applies
    from minitorch.datasets import transforms as dt

    assert transforms.ToTensor is dt.ToTensor and transforms.Normalize is dt.Normalize


# ----------------------------------------------------------------- PIL
@needs_pil
def test_pil_inputs_and_conversions():
    from PIL import Image

    arr = _img((6, 8, 3), dtype=np.uint8)
    pil = Image.fromarray(arr)
    np.testing.assert_array_equal(np.asarray(F.hflip(pil)), arr[:, ::-1])
    np.testing.assert_array_equal(np.asarray(transforms.CenterCrop(4)(pil)), arr[1:5, 2:6])
    assert transforms.Resize((3, 4))(pil).size == (4, 3)
    assert transforms.Grayscale()(pil).mode == "L"
    t = transforms.PILToTensor()(pil)
    assert t.dtype == minitorch.uint8 and (t._data == arr.transpose(2, 0, 1)).all()
    back = transforms.ToPILImage()(transforms.ToTensor()(pil))
    np.testing.assert_array_equal(np.asarray(back), arr)
    padded = F.pad(pil, 2, padding_mode="reflect")
    np.testing.assert_array_equal(np.asarray(padded), np.pad(arr, [(2, 2), (2, 2), (0, 0)], mode="reflect"))
    assert transforms.RandomRotation(10)(pil).size == pil.size
    assert transforms.GaussianBlur(3)(pil).size == pil.size


# ----------------------------------------------------------------- utils, io
def _grid_by_hand(x, nrow, padding, pad_value):
    b, c, h, w = x.shape
    if c == 1:
        x = np.concatenate([x] * 3, 1)
    xm = min(nrow, b)
    ym = -(-b // xm)
    grid = np.full((3, (h + padding) * ym + padding, (w + padding) * xm + padding), pad_value, np.float32)
    for k in range(b):
        r, q = divmod(k, xm)
        y0, x0 = r * (h + padding) + padding, q * (w + padding) + padding
        grid[:, y0 : y0 + h, x0 : x0 + w] = x[k]
    return grid


def test_make_grid_against_numpy():
    x = _img((5, 3, 4, 6)) * 4 - 1
    for nrow, padding, pad_value in [(2, 2, 0.0), (8, 0, 1.0), (3, 1, 0.5)]:
        got = utils.make_grid(_t(x), nrow=nrow, padding=padding, pad_value=pad_value)._data
        np.testing.assert_array_equal(got, _grid_by_hand(x, nrow, padding, pad_value))
    gray = _img((3, 1, 4, 4))
    np.testing.assert_array_equal(utils.make_grid(_t(gray), nrow=2)._data, _grid_by_hand(gray, 2, 2, 0.0))
    norm = utils.make_grid(_t(x), normalize=True, padding=0)._data
    np.testing.assert_allclose(norm, _grid_by_hand((x - x.min()) / (x.max() - x.min()), 8, 0, 0.0), rtol=1e-6)
    each = utils.make_grid(_t(x), normalize=True, scale_each=True, padding=0, nrow=5)._data
    lo, hi = x[1].min(), x[1].max()
    np.testing.assert_allclose(each[:, :, 6:12], (x[1] - lo) / (hi - lo), rtol=1e-5, atol=1e-6)
    ranged = utils.make_grid(_t(x), normalize=True, value_range=(0.0, 2.0), padding=0)._data
    np.testing.assert_allclose(ranged, _grid_by_hand(np.clip(x, 0, 2) / 2, 8, 0, 0.0), rtol=1e-6)
    assert tuple(utils.make_grid(_t(x[:1])).shape) == (3, 4, 6)
    assert tuple(utils.make_grid([_t(x[0]), _t(x[1])]).shape) == (3, 8, 18)


@needs_pil
def test_save_image_and_read_image(tmp_path):
    from minitorch.vision.io import ImageReadMode, read_image

    x = _img((4, 3, 5, 5))
    path = tmp_path / "grid.png"
    utils.save_image(_t(x), str(path), nrow=2, padding=1)
    img = read_image(str(path))
    expect = np.clip(_grid_by_hand(x, 2, 1, 0.0) * 255 + 0.5, 0, 255).astype(np.uint8)
    assert img.dtype == minitorch.uint8 and (img._data == expect).all()
    assert tuple(read_image(path, ImageReadMode.GRAY).shape) == (1, 13, 13)


# ----------------------------------------------------------------- datasets
def _cifar_batch(n, seed, labels_key="labels"):
    rng = np.random.default_rng(seed)
    return {"batch_label": "fake", labels_key: [int(v) for v in rng.integers(0, 10, n)],
            "data": rng.integers(0, 256, (n, 3072)).astype(np.uint8), "filenames": [f"f{i}.png" for i in range(n)]}  # fmt: skip


def _write_cifar(root, n=4):
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    batches = {}
    for k, name in enumerate([f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]):
        batches[name] = _cifar_batch(n, k)
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(batches[name], f, protocol=2)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        names = "airplane automobile bird cat deer dog frog horse ship truck".split()
        pickle.dump({"label_names": names}, f)
    return batches


def test_cifar10_reads_fabricated_batches(tmp_path):
    batches = _write_cifar(str(tmp_path))
    train = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(train) == 20 and train.classes[3] == "cat"
    expect = np.vstack([batches[f"data_batch_{i}"]["data"] for i in range(1, 6)]).reshape(-1, 3, 32, 32)
    img, label = train[6]
    assert isinstance(img, minitorch.Tensor) and tuple(img.shape) == (3, 32, 32)
    np.testing.assert_allclose(img._data, expect[6] / np.float32(255), rtol=1e-6)
    assert label == batches["data_batch_2"]["labels"][2]
    raw = datasets.CIFAR10(str(tmp_path), train=False, transform=lambda a: a)
    arr, _ = raw[1]
    np.testing.assert_array_equal(arr, batches["test_batch"]["data"][1].reshape(3, 32, 32).transpose(1, 2, 0))
    loader = minitorch.utils.data.DataLoader(train, batch_size=8)
    xb, yb = next(iter(loader))
    assert tuple(xb.shape) == (8, 3, 32, 32) and yb.tolist() == train.targets[:8]
    aug = datasets.CIFAR10(str(tmp_path), transform=transforms.Compose([transforms.RandomCrop(32, padding=4),
                           transforms.RandomHorizontalFlip(), transforms.ToTensor()]))  # fmt: skip
    assert tuple(aug[0][0].shape) == (3, 32, 32)
    with pytest.raises(RuntimeError, match="download=True"):
        datasets.CIFAR10(str(tmp_path / "nothing"))


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_restricted_unpickler_refuses_code():
    ok = restricted_load(pickle.dumps({"data": np.arange(6, dtype=np.uint8), "labels": [1, 2]}, protocol=2))
    assert ok["labels"] == [1, 2] and ok["data"].dtype == np.uint8
    for payload in [pickle.dumps(_Evil()), pickle.dumps({"data": _Evil()}, protocol=2)]:
        with pytest.raises(pickle.UnpicklingError, match="refusing to load global"):
            restricted_load(payload)


def test_cifar_download_from_local_server(tmp_path):
    import http.server
    import threading

    src = tmp_path / "src"
    batches = _write_cifar(str(src), n=2)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(str(src / "cifar-10-batches-py"), arcname="cifar-10-batches-py")
    body = buf.getvalue()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        import hashlib

        class Local(datasets.CIFAR10):
            url = f"http://127.0.0.1:{srv.server_address[1]}/cifar-10-python.tar.gz"
            tgz_md5 = hashlib.md5(body).hexdigest()

        ds = Local(str(tmp_path / "dl"), train=False, download=True)
        assert ds.targets == batches["test_batch"]["labels"]
    finally:
        srv.shutdown()
        srv.server_close()


@needs_pil
def test_image_folder(tmp_path):
    from PIL import Image

    arrays = {}
    for cls, n in [("dog", 2), ("cat", 3)]:
        os.makedirs(tmp_path / cls / "sub")
        for i in range(n):
            a = _img((5, 7, 3), seed=len(arrays), dtype=np.uint8)
            name = tmp_path / cls / ("sub" if i == 2 else "") / f"{i}.png"
            Image.fromarray(a).save(name)
            arrays[str(name)] = a
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert [os.path.relpath(p, tmp_path) for p, _ in ds.samples] == [
        "cat/0.png", "cat/1.png", "cat/sub/2.png", "dog/0.png", "dog/1.png"]  # fmt: skip
    assert ds.targets == [0, 0, 0, 1, 1] and ds.imgs is ds.samples
    x, y = ds[2]
    np.testing.assert_allclose(
        x._data, arrays[ds.samples[2][0]].transpose(2, 0, 1) / np.float32(255), rtol=1e-6
    )
    raw, _ = datasets.ImageFolder(str(tmp_path))[0]
    assert raw.mode == "RGB" and raw.size == (7, 5)
    os.makedirs(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(str(tmp_path))


def test_fake_data_is_deterministic_per_index():
    ds = datasets.FakeData(size=4, image_size=(3, 8, 6), num_classes=5)
    minitorch.manual_seed(0)
    before = minitorch.rand(3)
    minitorch.manual_seed(0)
    a, la = ds[1]
    after = minitorch.rand(3)
    assert (before._data == after._data).all()  # the global generator state is restored
    b, lb = ds[1]
    assert tuple(a.shape) == (3, 8, 6) and (a._data == b._data).all() and la == lb and 0 <= la < 5
    with pytest.raises(IndexError):
        ds[4]


# ----------------------------------------------------------------- the official Quickstart, unmodified
QUICKSTART = """
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

training_data = datasets.FashionMNIST(root=ROOT, train=True, download=False, transform=ToTensor())
test_data = datasets.FashionMNIST(root=ROOT, train=False, download=False, transform=ToTensor())

batch_size = 64
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    break

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = NeuralNetwork().to(device)
print(model)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 100 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \\n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \\n")

epochs = 2
for t in range(epochs):
    print(f"Epoch {t+1}\\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

torch.save(model.state_dict(), "model.pth")
print("Saved PyTorch Model State to model.pth")

model = NeuralNetwork().to(device)
model.load_state_dict(torch.load("model.pth", weights_only=True))
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')
"""


def test_quickstart_runs_under_python_m_minitorch(tmp_path):
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in [("train", 130), ("t10k", 70)]:
        images = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        write_idx(str(raw / f"{prefix}-images-idx3-ubyte"), images)
        write_idx(str(raw / f"{prefix}-labels-idx1-ubyte.gz"), labels)
    script = tmp_path / "quickstart.py"
    script.write_text(f"ROOT = {str(tmp_path / 'data')!r}\n" + textwrap.dedent(QUICKSTART))
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "minitorch", str(script)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert "Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])" in out
    assert "Shape of y: torch.Size([64]) torch.int64" in out
    assert "Using cpu device" in out
    losses = [float(line.split()[1]) for line in out.splitlines() if line.startswith("loss:")]
    assert len(losses) == 2 and all(0 < v < 10 for v in losses)  # one printed loss per epoch
    assert out.count("Test Error:") == 2 and "Done!" in out and 'Predicted: "' in out


# ----------------------------------------------------------------- models
def test_models_have_torchvision_names_and_sizes():
    from minitorch.vision import models

    m = models.mobilenet_v2()
    assert sum(p.numel() for p in m.parameters()) == 3504872  # torchvision's mobilenet_v2
    keys = m.state_dict()
    assert tuple(keys["features.0.0.weight"].shape) == (32, 3, 3, 3)
    assert "features.1.conv.0.1.running_var" in keys and "features.18.1.num_batches_tracked" in keys
    assert tuple(keys["classifier.1.weight"].shape) == (1000, 1280)
    small = models.ResNet(models.BasicBlock, [1, 1, 1, 1], num_classes=10)
    sk = small.state_dict()
    for k in ["conv1.weight", "bn1.running_mean", "layer1.0.conv2.weight", "layer2.0.downsample.0.weight",
              "layer4.0.downsample.1.num_batches_tracked", "fc.bias"]:  # fmt: skip
        assert k in sk, k
    small.eval()
    assert tuple(small(minitorch.randn(2, 3, 32, 32)).shape) == (2, 10)
    b = models.Bottleneck(64, 16)
    assert tuple(b(minitorch.randn(1, 64, 4, 4)).shape) == (1, 64, 4, 4)


def test_model_weights_load_from_hub_cache_or_raise(tmp_path):
    from minitorch import hub
    from minitorch.vision import models

    old = hub._hub_dir
    hub.set_dir(str(tmp_path))
    try:
        with pytest.raises(RuntimeError, match="cannot download pretrained weights"):
            models.mobilenet_v2(weights=models.MobileNet_V2_Weights.DEFAULT)
        src = models.mobilenet_v2(num_classes=1000)
        os.makedirs(tmp_path / "checkpoints")
        torch.save({k: torch.from_numpy(v._data.copy()) for k, v in src.state_dict().items()},
                   tmp_path / "checkpoints" / "mobilenet_v2-7ebf99e0.pth")  # fmt: skip
        got = models.mobilenet_v2(weights="DEFAULT")
        w1, w2 = src.state_dict(), got.state_dict()
        assert all((w1[k]._data == w2[k]._data).all() for k in w1)
    finally:
        hub._hub_dir = old


def test_torchvision_submodules_resolve_under_the_runner(tmp_path):
    script = tmp_path / "imports.py"
    script.write_text(
        textwrap.dedent(
            """
            import torch, torchvision
            import torchvision.transforms.functional as TF
            import torchvision.transforms.v2 as v2
            import torchvision.transforms.v2.functional as F2
            from torchvision import models, utils, io
            from torchvision.datasets import CIFAR10, ImageFolder
            from torchvision.transforms import InterpolationMode
            x = torch.rand(3, 8, 8)
            print(torchvision.__name__, TF.hflip(x).shape, F2.vflip(x).shape, v2.RandomCrop(4)(x).shape)
            print(utils.make_grid(torch.rand(4, 3, 2, 2), nrow=2).shape, InterpolationMode.BILINEAR.value)
            try:
                import torchvision.nothing_here
            except ModuleNotFoundError as e:
                print("missing:", e.name)
            """
        )
    )
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "minitorch", str(script)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert lines[0] == "minitorch.vision torch.Size([3, 8, 8]) torch.Size([3, 8, 8]) torch.Size([3, 4, 4])"
    assert lines[1] == "torch.Size([3, 10, 10]) bilinear"
    assert lines[2] == "missing: torchvision.nothing_here"


def test_invert_posterize_solarize_autocontrast_sharpness_fivecrop():
    x = _img((3, 7, 9), dtype=np.uint8)
    t = _t(x)
    np.testing.assert_array_equal(F.invert(t)._data, 255 - x)
    np.testing.assert_array_equal(F.invert(_t(x / np.float32(255)))._data, 1 - x / np.float32(255))
    np.testing.assert_array_equal(F.posterize(t, 3)._data, x & 0xE0)
    np.testing.assert_array_equal(F.solarize(t, 128)._data, np.where(x >= 128, 255 - x, x))
    lo, hi = (
        x.min(axis=(1, 2), keepdims=True).astype(np.float32),
        x.max(axis=(1, 2), keepdims=True).astype(np.float32),
    )
    expect = np.clip((x - lo) * (np.float32(255) / (hi - lo)), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(F.autocontrast(t)._data, expect)
    tx = torch.from_numpy(x).float()
    k = torch.ones(3, 3)
    k[1, 1] = 5
    k /= k.sum()
    degenerate = tx.clone()
    degenerate[..., 1:-1, 1:-1] = torch.nn.functional.conv2d(tx[None], k.expand(3, 1, 3, 3), groups=3)[
        0
    ].round()
    ref = (1.7 * tx + (1 - 1.7) * degenerate).clamp(0, 255).to(torch.uint8).numpy()
    np.testing.assert_array_equal(F.adjust_sharpness(t, 1.7)._data, ref)
    crops = transforms.FiveCrop(4)(t)
    np.testing.assert_array_equal(crops[1]._data, x[:, :4, 5:])
    np.testing.assert_array_equal(crops[4]._data, x[:, 2:6, 2:6])
    ten = transforms.TenCrop(4)(t)
    assert len(ten) == 10
    np.testing.assert_array_equal(ten[5]._data, x[:, :4, ::-1][:, :, :4])
    minitorch.manual_seed(0)
    d = minitorch.rand(1).item()
    minitorch.manual_seed(0)
    out = transforms.RandomInvert(p=0.5)(t)._data
    np.testing.assert_array_equal(out, 255 - x if d < 0.5 else x)


def test_pillow_missing_gives_an_install_hint(monkeypatch, tmp_path):
    from minitorch.vision import _pil
    from minitorch.vision.datasets import folder

    monkeypatch.setattr(_pil, "_try", lambda: None)
    with pytest.raises(ImportError, match="pip install pillow"):
        folder.pil_loader(str(tmp_path / "x.png"))
    with pytest.raises(ImportError, match="pip install pillow"):
        utils.save_image(_t(_img((3, 4, 4))), str(tmp_path / "x.png"))
    with pytest.raises(ImportError, match="pip install pillow"):
        transforms.ToPILImage()(_t(_img((3, 4, 4))))
    # arrays and tensors do not need it
    assert tuple(transforms.Resize(2)(_t(_img((3, 4, 4)))).shape) == (3, 2, 2)


def test_kmnist_reads_mnist_layout(tmp_path):
    raw = tmp_path / "KMNIST" / "raw"
    raw.mkdir(parents=True)
    images = _img((5, 28, 28), dtype=np.uint8)
    write_idx(str(raw / "t10k-images-idx3-ubyte.gz"), images)
    write_idx(str(raw / "t10k-labels-idx1-ubyte.gz"), np.arange(5, dtype=np.uint8))
    ds = datasets.KMNIST(str(tmp_path), train=False, transform=transforms.Compose([transforms.ToTensor()]))
    assert len(ds) == 5 and ds.classes[1] == "ki" and ds[3][1] == 3
    np.testing.assert_allclose(ds[2][0]._data[0], images[2] / np.float32(255), rtol=1e-6)


def test_vision_dataset_has_torchvisions_constructor():
    class Pairs(datasets.VisionDataset):
        def __init__(self, root, transform=None, target_transform=None):
            super().__init__(root, transform=transform, target_transform=target_transform)
            self.items = [(np.full((2, 2), i, np.uint8), i) for i in range(3)]

        def __getitem__(self, i):
            return self.transforms(*self.items[i])

        def __len__(self):
            return len(self.items)

    ds = Pairs("nowhere", transform=transforms.ToTensor(), target_transform=lambda y: y * 10)
    x, y = ds[2]
    assert y == 20 and tuple(x.shape) == (1, 2, 2) and ds.root == "nowhere"
    with pytest.raises(ValueError, match="Only transforms or transform"):
        datasets.VisionDataset("r", transforms=lambda a, b: (a, b), transform=lambda a: a)


@needs_pil
def test_equalize_matches_pillow_and_autoaugment_family_runs():
    from PIL import Image, ImageOps

    a = (np.random.default_rng(3).random((20, 30, 3)) ** 2 * 255).astype(np.uint8)
    np.testing.assert_array_equal(F.equalize(a), np.asarray(ImageOps.equalize(Image.fromarray(a))))
    np.testing.assert_array_equal(
        F.equalize(_t(a.transpose(2, 0, 1)))._data,
        np.asarray(ImageOps.equalize(Image.fromarray(a))).transpose(2, 0, 1),
    )
    x = _t(_img((3, 16, 16), dtype=np.uint8))
    augs = [transforms.AutoAugment(p) for p in transforms.AutoAugmentPolicy]
    augs += [transforms.RandAugment(), transforms.TrivialAugmentWide()]
    for seed in range(8):
        minitorch.manual_seed(seed)
        for t in augs:
            y = t(x)
            assert y.dtype == minitorch.uint8 and tuple(y.shape) == (3, 16, 16)
    # TrivialAugmentWide's draws, by hand, in torchvision's order: op, magnitude bin, sign
    from minitorch.vision.transforms.autoaugment import _apply_op, _space

    for seed in range(6):
        minitorch.manual_seed(seed)
        space = _space(31, None, wide=True)
        name = list(space)[int(minitorch.randint(len(space), (1,)).item())]
        mags, signed = space[name]
        mag = float(mags[int(minitorch.randint(len(mags), (1,)).item())]) if mags.ndim else 0.0
        if signed and minitorch.randint(2, (1,)).item():
            mag = -mag
        expect = _apply_op(x, name, mag, transforms.InterpolationMode.NEAREST, None)
        minitorch.manual_seed(seed)
        np.testing.assert_array_equal(transforms.TrivialAugmentWide()(x)._data, expect._data)


def test_grad_tensors_flip_crop_differentiably_and_refuse_numpy_paths():
    x = minitorch.rand(3, 6, 6, requires_grad=True)
    out = F.hflip(F.crop(F.vflip(x), 1, 2, 3, 3))
    out.sum().backward()
    expect = np.zeros((3, 6, 6), np.float32)
    expect[:, 2:5, 2:5] = 1  # rows 1..3 of the flipped image are rows 4..2 of x
    np.testing.assert_array_equal(x.grad._data, expect)
    with pytest.raises(NotImplementedError, match="would not propagate gradients"):
        F.resize(x, [3, 3])
    with minitorch.no_grad():
        assert tuple(F.resize(x, [3, 3]).shape) == (3, 3, 3)
