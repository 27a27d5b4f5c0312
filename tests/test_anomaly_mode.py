"""``autograd.detect_anomaly`` / ``set_detect_anomaly``: the node that returns NaN is named, with the
forward traceback of the line that created it (issue 13)."""

import warnings

import pytest

import minitorch
from tests.helpers import needs_torch, torch

pytestmark = needs_torch


def _nan_backward(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x.sqrt() * 0  # the forward line the traceback must point at
    return y.sqrt().sum()


@pytest.mark.parametrize("how", ["context", "set"])
def test_first_nan_node_is_named(how):
    for lib in (torch, minitorch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if how == "context":
                with lib.autograd.detect_anomaly():
                    assert lib.is_anomaly_enabled() if lib is torch else lib.autograd.is_anomaly_enabled()
                    out = _nan_backward(lib)
                    with pytest.raises(
                        RuntimeError, match="Function 'MulBackward0' returned nan values in its 0th output."
                    ):
                        out.backward()
            else:
                lib.autograd.set_detect_anomaly(True)
                try:
                    out = _nan_backward(lib)
                    with pytest.raises(
                        RuntimeError, match="Function 'MulBackward0' returned nan values in its 0th output."
                    ):
                        out.backward()
                finally:
                    lib.autograd.set_detect_anomaly(False)
        msgs = [str(w.message) for w in caught]
        detected = [m for m in msgs if m.startswith("Error detected in MulBackward0")]
        assert detected and "y = x.sqrt() * 0" in detected[0], msgs
        assert "tensor_methods" not in detected[0]  # the user's frames only, as torch's
    assert not minitorch.autograd.is_anomaly_enabled()


def test_without_anomaly_mode_nan_flows_silently():
    for lib in (torch, minitorch):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x.sqrt() * 0).sqrt().sum().backward()
        assert x.grad[0].item() != x.grad[0].item()  # NaN, as torch


def test_anomaly_mode_is_restored_and_decorates():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @minitorch.autograd.detect_anomaly()
        def f():
            return minitorch.autograd.is_anomaly_enabled()

        assert f()
    assert not minitorch.autograd.is_anomaly_enabled()
    assert minitorch.autograd.anomaly_mode.set_detect_anomaly is minitorch.autograd.set_detect_anomaly
    assert minitorch.autograd.is_anomaly_check_nan_enabled()


def test_finite_backward_unaffected():
    for lib in (torch, minitorch):
        x = lib.tensor([1.0, 4.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                x.sqrt().sum().backward()
        assert x.grad.tolist() == [0.5, 0.25]
