"""minitorch.vision: RandomPerspective / functional.perspective (against torchvision's tensor kernel
rebuilt from torch ops, an independent NumPy rendering of Pillow's perspective formula, and
torch's generator for the parameter draws), and the SqueezeNet / DenseNet / AlexNet models
(torchvision's published parameter counts and state_dict names)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.vision import models, transforms
from minitorch.vision.transforms import functional as F
from minitorch.vision.transforms.functional import _get_perspective_coeffs
from tests.test_vision import _img, _t, needs_pil

BILINEAR, NEAREST = transforms.InterpolationMode.BILINEAR, transforms.InterpolationMode.NEAREST


def _corners(w, h):
    return [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]


# ----------------------------------------------------------------- torchvision's code, in torch
def _tv_coeffs(startpoints, endpoints):
    """torchvision.transforms.functional._get_perspective_coeffs."""
    a_matrix = torch.zeros(2 * len(startpoints), 8, dtype=torch.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        a_matrix[2 * i, :] = torch.tensor([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]])
        a_matrix[2 * i + 1, :] = torch.tensor([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])
    b_matrix = torch.tensor(startpoints, dtype=torch.float64).view(8)
    return torch.linalg.lstsq(a_matrix, b_matrix, driver="gels").solution.to(torch.float32).tolist()


def _tv_perspective_torch(img, coeffs, mode, fill):
    """torchvision's tensor ``perspective``: ``_perspective_grid`` + ``_apply_grid_transform``."""
    n, c, oh, ow = img.shape
    theta1 = torch.tensor([[[coeffs[0], coeffs[1], coeffs[2]], [coeffs[3], coeffs[4], coeffs[5]]]])
    theta2 = torch.tensor([[[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]]])
    base = torch.empty(1, oh, ow, 3)
    base[..., 0].copy_(torch.linspace(0.5, ow * 1.0 + 0.5 - 1.0, steps=ow))
    base[..., 1].copy_(torch.linspace(0.5, oh * 1.0 + 0.5 - 1.0, steps=oh).unsqueeze_(-1))
    base[..., 2].fill_(1)
    g1 = base.view(1, oh * ow, 3).bmm(theta1.transpose(1, 2) / torch.tensor([0.5 * ow, 0.5 * oh]))
    g2 = base.view(1, oh * ow, 3).bmm(theta2.transpose(1, 2))
    grid = (g1 / g2 - 1.0).view(1, oh, ow, 2).expand(n, oh, ow, 2)
    x = img.float()
    if fill is not None:
        x = torch.cat((x, torch.ones(n, 1, oh, ow)), dim=1)
    x = torch.nn.functional.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask, x = x[:, -1:].expand(n, c, oh, ow), x[:, :-1]
        fill_img = torch.tensor(fill, dtype=x.dtype).view(1, -1, 1, 1).expand_as(x)
        if mode == "nearest":
            m = mask < 0.5
            x = x.clone()
            x[m] = fill_img[m]
        else:
            x = x * mask + (1.0 - mask) * fill_img
    if img.dtype == torch.uint8:
        x = x.round().to(torch.uint8)
    return x.numpy()


def _tv_get_params_torch(width, height, distortion_scale):
    """torchvision's RandomPerspective.get_params, drawing from torch's generator."""
    half_height, half_width = height // 2, width // 2
    dx, dy = int(distortion_scale * half_width), int(distortion_scale * half_height)

    def r(lo, hi):
        return int(torch.randint(lo, hi, size=(1,)).item())

    topleft = [r(0, dx + 1), r(0, dy + 1)]
    topright = [r(width - dx - 1, width), r(0, dy + 1)]
    botright = [r(width - dx - 1, width), r(height - dy - 1, height)]
    botleft = [r(0, dx + 1), r(height - dy - 1, height)]
    return _corners(width, height), [topleft, topright, botright, botleft]


def _numpy_perspective_bilinear(img, coeffs):
    """An independent float64 rendering of Pillow's formula: output pixel center (x + .5, y + .5)
    samples the input at ((ax + by + c) / (gx + hy + 1), (dx + ey + f) / (gx + hy + 1)) (pixel
    centers at k + .5), bilinearly, with zeros outside."""
    a, b, c, d, e, f, g, h = coeffs
    ch, hh, ww = img.shape
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float64) + 0.5
    den = g * xx + h * yy + 1
    sx, sy = (a * xx + b * yy + c) / den - 0.5, (d * xx + e * yy + f) / den - 0.5
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    out = np.zeros(img.shape, np.float64)
    for oy in (0, 1):
        for ox in (0, 1):
            xi, yi = x0 + ox, y0 + oy
            wgt = (1 - np.abs(sx - xi)) * (1 - np.abs(sy - yi))
            ok = (xi >= 0) & (xi < ww) & (yi >= 0) & (yi < hh)
            out += img[:, np.clip(yi, 0, hh - 1), np.clip(xi, 0, ww - 1)] * (wgt * ok)
    return out


# ----------------------------------------------------------------- coefficients
def test_perspective_coeffs_follow_torchvisions_solve():
    w, h = 13, 9
    cases = [
        (_corners(w, h), _corners(w, h)),
        (_corners(w, h), [[2, 1], [14, 1], [14, 9], [2, 9]]),
        (_corners(w, h), [[1, 2], [11, 0], [12, 7], [2, 8]]),
        (_corners(w, h), [[0.5, 2.25], [11, 0.1], [12, 7], [2, 8]]),  # float points: float32 rows, as torch
    ]
    for sp, ep in cases:
        np.testing.assert_allclose(_get_perspective_coeffs(sp, ep), _tv_coeffs(sp, ep), rtol=2e-7, atol=1e-12)
    # the coefficients map the endpoints back onto the startpoints
    sp, ep = cases[2]
    a, b, c, d, e, f, g, hh = _get_perspective_coeffs(sp, ep)
    for (x, y), (u, v) in zip(ep, sp):
        den = g * x + hh * y + 1
        assert abs((a * x + b * y + c) / den - u) < 1e-4 and abs((d * x + e * y + f) / den - v) < 1e-4
    with pytest.raises(ValueError, match="exactly four corners"):
        _get_perspective_coeffs(sp[:3], ep[:3])


# ----------------------------------------------------------------- tensor path
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_perspective_tensor_matches_torchvision_kernel(mode):
    x = _img((2, 3, 9, 13))
    sp, ep = _corners(13, 9), [[1, 2], [11, 0], [12, 7], [2, 8]]
    coeffs = _tv_coeffs(sp, ep)
    for fill in [None, [0.25, 0.5, 1.0]]:
        got = F.perspective(_t(x), sp, ep, transforms.InterpolationMode(mode), fill=fill)
        assert tuple(got.shape) == x.shape and got.dtype == minitorch.float32
        ref = _tv_perspective_torch(torch.from_numpy(x), coeffs, mode, fill)
        np.testing.assert_allclose(got._data, ref, atol=1e-5)
    # one (C, H, W) image, uint8 (computed in float32, rounded back)
    u = _img((3, 9, 13), seed=1, dtype=np.uint8)
    got = F.perspective(_t(u), sp, ep, transforms.InterpolationMode(mode), fill=[9.0, 9.0, 9.0])
    assert got.dtype == minitorch.uint8 and tuple(got.shape) == (3, 9, 13)
    ref = _tv_perspective_torch(torch.from_numpy(u)[None], coeffs, mode, [9.0, 9.0, 9.0])[0]
    assert np.abs(got._data.astype(int) - ref.astype(int)).max() <= 1


def test_perspective_tensor_matches_numpy_formula():
    x = _img((3, 11, 14), seed=2)
    sp, ep = _corners(14, 11), [[2, 1], [12, 2], [13, 9], [0, 10]]
    coeffs = _get_perspective_coeffs(sp, ep)
    got = F.perspective(_t(x), sp, ep)._data  # bilinear, fill None -> zeros outside
    np.testing.assert_allclose(got, _numpy_perspective_bilinear(x.astype(np.float64), coeffs), atol=2e-5)


def test_perspective_identity_and_translation_tensor():
    x = _img((3, 8, 10), seed=3)
    u = _img((1, 3, 8, 10), seed=4, dtype=np.uint8)
    sp = _corners(10, 8)
    for mode in (NEAREST, BILINEAR):
        np.testing.assert_allclose(F.perspective(_t(x), sp, sp, mode)._data, x, atol=1e-5)
        np.testing.assert_array_equal(F.perspective(_t(u), sp, sp, mode)._data, u)
    # endpoints = startpoints moved by (+2, +1): pixel (y, x) comes from (y - 1, x - 2), fill elsewhere
    ep = [[px + 2, py + 1] for px, py in sp]
    for mode in (NEAREST, BILINEAR):
        got = F.perspective(_t(x), sp, ep, mode, fill=[5.0, 6.0, 7.0])._data
        np.testing.assert_allclose(got[:, 1:, 2:], x[:, :-1, :-2], atol=1e-5)
        fills = np.array([5.0, 6.0, 7.0]).reshape(3, 1, 1)
        np.testing.assert_allclose(got[:, :1, :], np.broadcast_to(fills, (3, 1, 10)), atol=1e-5)
        np.testing.assert_allclose(got[:, :, :2], np.broadcast_to(fills, (3, 8, 2)), atol=1e-5)
        gu = F.perspective(_t(u), sp, ep, mode)._data  # fill None: zeros
        np.testing.assert_array_equal(gu[..., 1:, 2:], u[..., :-1, :-2])
        assert (gu[..., 0, :] == 0).all() and (gu[..., :2] == 0).all()
    # an ndarray (H, W, C) image goes through the tensor kernel and stays an ndarray
    hwc = np.ascontiguousarray(u[0].transpose(1, 2, 0))
    out = F.perspective(hwc, sp, ep, NEAREST)
    assert isinstance(out, np.ndarray) and out.shape == hwc.shape
    np.testing.assert_array_equal(out[1:, 2:], hwc[:-1, :-2])


def test_perspective_errors():
    x = _t(_img((3, 6, 6)))
    sp = _corners(6, 6)
    with pytest.raises(ValueError, match="unsupported with Tensor input"):
        F.perspective(x, sp, sp, transforms.InterpolationMode.BICUBIC)
    with pytest.raises(ValueError, match="cannot broadcast"):
        F.perspective(x, sp, sp, fill=[1.0, 2.0])
    with pytest.raises(TypeError, match="InterpolationMode"):
        F.perspective(x, sp, sp, interpolation="bilinear")
    with pytest.raises(NotImplementedError, match="would not propagate gradients"):
        F.perspective(minitorch.rand(3, 6, 6, requires_grad=True), sp, sp)
    assert transforms.v2.functional.perspective is F.perspective


# ----------------------------------------------------------------- PIL path
@needs_pil
def test_perspective_pil_identity_translation_and_fill():
    from PIL import Image

    a = _img((9, 11, 3), seed=5, dtype=np.uint8)
    pil = Image.fromarray(a)
    sp = _corners(11, 9)
    np.testing.assert_array_equal(np.asarray(F.perspective(pil, sp, sp, NEAREST)), a)
    # bilinear: Pillow's fixed-point rounding of the float32 coefficients' ~1e-15 noise may move a value by 1
    assert np.abs(np.asarray(F.perspective(pil, sp, sp)).astype(int) - a).max() <= 1
    ep = [[px + 2, py + 1] for px, py in sp]
    for mode in (NEAREST, BILINEAR):
        out = F.perspective(pil, sp, ep, mode, fill=[10, 20, 30])
        assert isinstance(out, Image.Image) and out.size == pil.size and out.mode == "RGB"
        o = np.asarray(out).astype(int)
        assert np.abs(o[1:, 2:] - a[:-1, :-2]).max() <= 1
        assert (o[0] == [10, 20, 30]).all() and (o[:, :2] == [10, 20, 30]).all()
    # torchvision's fill parsing: a number for every band; one value repeated; fill=None is 0
    gray = pil.convert("L")
    assert (np.asarray(F.perspective(gray, sp, ep, NEAREST, fill=[7]))[0] == 7).all()
    assert (np.asarray(F.perspective(pil, sp, ep, NEAREST, fill=5))[0] == 5).all()
    assert (np.asarray(F.perspective(pil, sp, ep, NEAREST))[0] == 0).all()
    with pytest.raises(ValueError, match="does not match the number of channels"):
        F.perspective(pil, sp, ep, fill=[1, 2])
    # Pillow and the tensor kernel agree away from the border (nearest: the same sampled pixel)
    ep = [[1, 2], [9, 0], [10, 7], [2, 8]]
    got = np.asarray(F.perspective(pil, sp, ep, NEAREST)).transpose(2, 0, 1)
    ten = F.perspective(_t(a.transpose(2, 0, 1).copy()), sp, ep, NEAREST)._data
    assert (got == ten).all(axis=0).mean() > 0.95


# ----------------------------------------------------------------- RandomPerspective
def test_random_perspective_get_params_match_torch_draws_and_ranges():
    for seed, (w, h, d) in enumerate([(32, 24, 0.5), (17, 40, 0.9), (5, 5, 1.0), (64, 48, 0.0)]):
        minitorch.manual_seed(seed)
        got = transforms.RandomPerspective.get_params(w, h, d)
        torch.manual_seed(seed)
        assert got == _tv_get_params_torch(w, h, d)  # minitorch's generator is torch's
        minitorch.manual_seed(seed)
        assert transforms.RandomPerspective.get_params(w, h, d) == got
    w, h, d = 30, 20, 0.6
    dx, dy = int(d * (w // 2)), int(d * (h // 2))
    for s in range(40):
        minitorch.manual_seed(100 + s)
        sp, (tl, tr, br, bl) = transforms.RandomPerspective.get_params(w, h, d)
        assert sp == _corners(w, h)
        assert 0 <= tl[0] <= dx and 0 <= tl[1] <= dy and 0 <= bl[0] <= dx
        assert w - dx - 1 <= tr[0] <= w - 1 and w - dx - 1 <= br[0] <= w - 1 and 0 <= tr[1] <= dy
        assert h - dy - 1 <= br[1] <= h - 1 and h - dy - 1 <= bl[1] <= h - 1


def test_random_perspective_forward_draw_order_p_and_fill():
    x = _t(_img((3, 12, 16), seed=6))
    t0 = transforms.RandomPerspective(p=0.0)
    assert t0(x) is x
    arr = _img((12, 16, 3), dtype=np.uint8)
    assert transforms.RandomPerspective(p=0)(arr) is arr
    # rand(1) < p first, then get_params' eight randint draws, as torchvision
    for seed in range(6):
        minitorch.manual_seed(seed)
        applied = float(minitorch.rand(1)) < 0.5
        if applied:
            sp, ep = transforms.RandomPerspective.get_params(16, 12, 0.5)
        minitorch.manual_seed(seed)
        got = transforms.RandomPerspective()(x)
        if applied:
            expect = F.perspective(x, sp, ep, BILINEAR, fill=[0.0, 0.0, 0.0])._data
            np.testing.assert_array_equal(got._data, expect)
        else:
            assert got is x
    # the tensor fill becomes one value per channel; nearest on a constant image shows it
    t = transforms.RandomPerspective(distortion_scale=1.0, p=1.0, interpolation=NEAREST, fill=2.0)
    minitorch.manual_seed(0)
    minitorch.rand(1)
    sp, ep = transforms.RandomPerspective.get_params(16, 12, 1.0)
    expect = F.perspective(_t(np.ones((3, 12, 16), np.float32)), sp, ep, NEAREST, fill=[2.0] * 3)._data
    minitorch.manual_seed(0)
    got = t(_t(np.ones((3, 12, 16), np.float32)))._data
    np.testing.assert_array_equal(got, expect)
    assert set(np.unique(got)) <= {1.0, 2.0}
    assert transforms.RandomPerspective(interpolation=0).interpolation is NEAREST
    assert repr(transforms.RandomPerspective(p=0.3)) == "RandomPerspective(p=0.3)"
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number"):
        transforms.RandomPerspective(fill=object())
    assert isinstance(transforms.RandomPerspective(), minitorch.nn.Module)
    assert transforms.v2.RandomPerspective is transforms.RandomPerspective


@needs_pil
def test_random_perspective_on_pil():
    from PIL import Image

    pil = Image.fromarray(_img((20, 24, 3), seed=7, dtype=np.uint8))
    minitorch.manual_seed(1)
    minitorch.rand(1)
    sp, ep = transforms.RandomPerspective.get_params(24, 20, 0.5)
    minitorch.manual_seed(1)
    out = transforms.RandomPerspective(p=1.0, fill=(1, 2, 3))(pil)
    assert isinstance(out, Image.Image) and out.size == (24, 20)
    np.testing.assert_array_equal(
        np.asarray(out), np.asarray(F.perspective(pil, sp, ep, BILINEAR, (1, 2, 3)))
    )


# ----------------------------------------------------------------- models
def _nparams(m):
    return sum(p.numel() for p in m.parameters())


@pytest.fixture
def no_init(monkeypatch):
    """Build models without drawing their initial values (only their shapes are checked)."""
    from minitorch.nn.modules.conv import _ConvBase

    monkeypatch.setattr(minitorch.nn.Linear, "reset_parameters", lambda self: None)
    monkeypatch.setattr(_ConvBase, "reset_parameters", lambda self: None)
    for name in ("kaiming_normal_", "kaiming_uniform_", "normal_"):
        monkeypatch.setattr(minitorch.nn.init, name, lambda t, *a, **k: t)


def test_model_sizes_without_init(no_init):
    assert _nparams(models.alexnet()) == 61_100_840
    ak = models.alexnet(num_classes=10).state_dict()
    assert tuple(ak["features.0.weight"].shape) == (64, 3, 11, 11) and tuple(
        ak["classifier.6.bias"].shape
    ) == (10,)
    assert tuple(ak["classifier.6.weight"].shape) == (10, 4096) and "classifier.4.weight" in ak
    assert _nparams(models.densenet161()) == 28_681_000
    assert _nparams(models.densenet169()) == 14_149_480
    assert _nparams(models.densenet201()) == 20_013_928
    sd = models.densenet161().state_dict()
    assert tuple(sd["features.conv0.weight"].shape) == (96, 3, 7, 7)
    assert tuple(sd["classifier.weight"].shape) == (1000, 2208)
    assert "features.denseblock3.denselayer36.conv2.weight" in sd and "features.transition3.pool" not in sd


def test_squeezenet_and_alexnet_match_torchvision():
    m0, m1 = models.squeezenet1_0(), models.squeezenet1_1()
    assert _nparams(m0) == 1_248_424 and _nparams(m1) == 1_235_496
    for m in (m0, m1):
        sd = m.state_dict()
        for k in ["features.0.weight", "features.3.squeeze.weight", "features.3.expand1x1.bias",
                  "features.12.expand3x3.weight", "classifier.1.weight", "classifier.1.bias"]:  # fmt: skip
            assert k in sd, k
        assert tuple(sd["classifier.1.weight"].shape) == (1000, 512, 1, 1)
        # torchvision's init: biases 0, the final conv N(0, 0.01), the others kaiming_uniform
        assert all((v._data == 0).all() for k, v in sd.items() if k.endswith("bias"))
        assert 0.008 < sd["classifier.1.weight"]._data.std() < 0.012
        w = sd["features.3.squeeze.weight"]._data
        assert np.abs(w).max() <= np.sqrt(6 / w[0].size) + 1e-6
    assert tuple(sd["features.0.weight"].shape) == (64, 3, 3, 3)  # 1_1's stem
    small = models.squeezenet1_1(num_classes=7).eval()
    assert tuple(small(minitorch.randn(2, 3, 48, 48)).shape) == (2, 7)
    assert tuple(models.squeezenet1_0(num_classes=3).eval()(minitorch.randn(1, 3, 64, 64)).shape) == (1, 3)
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version"):
        models.SqueezeNet("2_0")


def test_densenet_matches_torchvision():
    m = models.densenet121()
    assert _nparams(m) == 7_978_856
    sd = m.state_dict()
    assert len(sd) == 727
    for k in ["features.conv0.weight", "features.norm0.running_var", "features.denseblock1.denselayer1.norm1.weight",
              "features.denseblock1.denselayer6.conv2.weight", "features.transition3.conv.weight",
              "features.denseblock4.denselayer16.norm2.num_batches_tracked", "features.norm5.bias",
              "classifier.weight", "classifier.bias"]:  # fmt: skip
        assert k in sd, k
    assert tuple(sd["features.denseblock1.denselayer2.conv1.weight"].shape) == (128, 96, 1, 1)
    assert tuple(sd["classifier.weight"].shape) == (1000, 1024)
    assert (sd["features.norm5.weight"]._data == 1).all() and (sd["classifier.bias"]._data == 0).all()
    small = models.densenet121(num_classes=10).eval()
    with minitorch.no_grad():
        assert tuple(small(minitorch.randn(1, 3, 64, 64)).shape) == (1, 10)
    tiny = models.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, drop_rate=0.2,
                           num_classes=5, memory_efficient=True)  # fmt: skip
    out = tiny(minitorch.randn(2, 3, 16, 16))
    out.sum().backward()
    assert tuple(out.shape) == (2, 5) and tiny.features.conv0.weight.grad is not None


def test_densenet_weights_rename_old_keys(monkeypatch):
    from minitorch.vision.models import _api

    src = models.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, num_classes=1000)
    old = {}
    for k, v in src.state_dict().items():  # the published files' keys: ...denselayer1.norm.1.weight
        if k.endswith("num_batches_tracked"):  # (files from before BatchNorm had it)
            continue
        for part in ("norm1", "norm2", "conv1", "conv2"):
            k = k.replace(f".{part}.", f".{part[:-1]}.{part[-1]}.") if "denselayer" in k else k
        old[k] = v
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    monkeypatch.setattr(_api, "load_weights", lambda w: dict(old))
    monkeypatch.setattr(
        models.densenet, "DenseNet", lambda g, b, n, **kw: models.DenseNet(4, (2, 2), 8, **kw)
    )
    got = models.densenet121(weights=models.DenseNet121_Weights.DEFAULT)
    for k, v in src.state_dict().items():
        np.testing.assert_array_equal(got.state_dict()[k]._data, v._data)
