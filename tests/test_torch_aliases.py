"""torch.* spellings of existing ops (constants, comparison and arithmetic aliases, the
nn.functional ops at the top level, in-place function forms, signal windows,
set_default_tensor_type), against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def _pair(arr):
    return mt.tensor(arr), torch.tensor(arr)


def test_constants_and_aliases_as_torch():
    for name in ("pi", "e", "inf"):
        assert getattr(mt, name) == getattr(torch, name)
    assert np.isnan(mt.nan) and mt.newaxis is torch.newaxis is None
    x = np.array([[0.5, -1.0, 2.0]], np.float32)
    a, b = _pair(x)
    for name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
        np.testing.assert_array_equal(getattr(mt, name)(a, 0.5).numpy(), getattr(torch, name)(b, 0.5).numpy())
    for name in ("multiply", "divide", "subtract"):
        assert_close(getattr(mt, name)(a, 2.0), getattr(torch, name)(b, 2.0))
    assert_close(mt.rsub(a, 3.0), torch.rsub(b, 3.0))
    assert_close(mt.rsub(a, a, alpha=2), torch.rsub(b, b, alpha=2))
    assert_close(mt.fill(a, 5.0), torch.fill(b, 5.0))
    assert_close(mt.scalar_tensor(3), torch.scalar_tensor(3))
    assert mt.is_signed(a) and mt.get_device(a) == torch.get_device(b) == -1


@pytest.mark.parametrize("name", ["relu_", "sigmoid_", "exp_", "abs_", "neg_", "floor_", "sin_", "clamp_"])
def test_in_place_function_forms(name):
    x = np.array([0.5, -1.25, 2.0], np.float32)
    a, b = _pair(x)
    args = (0.0, 1.0) if name == "clamp_" else ()
    assert getattr(mt, name)(a, *args) is a
    getattr(torch, name)(b, *args)
    assert_close(a, b)


def test_functional_ops_at_the_top_level_as_torch():
    rng = np.random.default_rng(0)
    x, w = (
        rng.standard_normal((1, 2, 5, 5)).astype(np.float32),
        rng.standard_normal((3, 2, 3, 3)).astype(np.float32),
    )
    (a, b), (wa, wb) = _pair(x), _pair(w)
    assert_close(mt.conv2d(a, wa, None, 1, 1), torch.conv2d(b, wb, None, 1, 1), rtol=1e-5, atol=1e-5)
    assert_close(mt.max_pool2d(a, 2), torch.max_pool2d(b, 2))
    assert_close(mt.layer_norm(a, (5,)), torch.layer_norm(b, (5,)), rtol=1e-5, atol=1e-5)
    assert_close(
        mt.pixel_shuffle(a[:, :1].repeat(1, 4, 1, 1), 2), torch.pixel_shuffle(b[:, :1].repeat(1, 4, 1, 1), 2)
    )
    assert_close(mt.cosine_similarity(a, a, 1), torch.cosine_similarity(b, b, 1))
    assert_close(mt.dropout(a, 0.5, False), torch.dropout(b, 0.5, False))
    assert float(mt.dropout(a, 1.0, True).abs().sum()) == 0.0
    emb = rng.standard_normal((4, 3)).astype(np.float32)
    assert_close(
        mt.embedding(mt.tensor(emb), mt.tensor([3, 0])),
        torch.embedding(torch.tensor(emb), torch.tensor([3, 0])),
    )


@pytest.mark.parametrize(
    "name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]
)
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_as_torch(name, periodic):
    for n in (0, 1, 2, 5, 16):
        assert_close(getattr(mt, name)(n, periodic), getattr(torch, name)(n, periodic), rtol=1e-6, atol=1e-6)
    assert_close(
        getattr(mt, name)(8, periodic, dtype=mt.float64),
        getattr(torch, name)(8, periodic, dtype=torch.float64),
    )


def test_set_default_tensor_type_as_torch():
    with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):
        mt.set_default_tensor_type(mt.FloatTensor)
    try:
        for lib in (mt, torch):  # (torch warns once per process)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lib.set_default_tensor_type(lib.DoubleTensor)
                assert lib.ones(1).dtype == lib.float64 and lib.tensor([1.5]).dtype == lib.float64
                lib.set_default_tensor_type("torch.FloatTensor")
                assert lib.ones(1).dtype == lib.float32
                with pytest.raises(TypeError, match="torch.cuda.FloatTensor not available"):
                    lib.set_default_tensor_type("torch.cuda.FloatTensor")
    finally:
        mt.set_default_dtype(mt.float32)
        torch.set_default_dtype(torch.float32)
