"""The modules scripts import at the top even on a CPU (issue 10, item 2): ``cuda``, ``amp``,
``backends``, ``distributed``, ``nn.parallel``, ``jit``, ``onnx``, ``compile``; each answers
as torch's CPU build does, and ``GradScaler('cpu')`` follows torch's steps and scale exactly."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import nn

pytestmark = needs_torch


def _answers(lib) -> dict:
    return {
        "cuda.is_available": lib.cuda.is_available(),
        "cuda.device_count": lib.cuda.device_count(),
        "cuda.is_initialized": lib.cuda.is_initialized(),
        "cuda.memory_allocated": lib.cuda.memory_allocated(),
        "cudnn.is_available": lib.backends.cudnn.is_available(),
        "cudnn.enabled": lib.backends.cudnn.enabled,
        "cudnn.benchmark": lib.backends.cudnn.benchmark,
        "cudnn.deterministic": lib.backends.cudnn.deterministic,
        "cudnn.allow_tf32": lib.backends.cudnn.allow_tf32,
        "cudnn.version": lib.backends.cudnn.version(),
        "mps.is_available": lib.backends.mps.is_available(),
        "mps.is_built": lib.backends.mps.is_built(),
        "cuda.is_built": lib.backends.cuda.is_built(),
        "matmul.allow_tf32": lib.backends.cuda.matmul.allow_tf32,
        "matmul.fp16_reduced": lib.backends.cuda.matmul.allow_fp16_reduced_precision_reduction,
        "flash_sdp": lib.backends.cuda.flash_sdp_enabled(),
        "dist.is_initialized": lib.distributed.is_initialized(),
        "jit.is_scripting": lib.jit.is_scripting(),
        "autocast_enabled": lib.is_autocast_enabled(),
    }


def test_queries_answer_as_torch_cpu_build():
    ours, ref = _answers(mt), _answers(torch)
    assert ours == ref
    # torch's CPU wheel ships gloo; minitorch has no communication backend at all
    assert mt.distributed.is_available() is False


def test_calls_that_need_a_gpu_raise_torch_error():
    for name in ("current_device", "synchronize", "get_device_name"):
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            getattr(mt.cuda, name)()
        with pytest.raises(AssertionError):
            getattr(torch.cuda, name)()
    mt.cuda.manual_seed_all(0)
    mt.cuda.empty_cache()


def test_flags_keep_what_a_script_sets():
    mt.backends.cudnn.benchmark = True
    mt.backends.cuda.matmul.allow_tf32 = True
    try:
        assert mt.backends.cudnn.benchmark and mt.backends.cuda.matmul.allow_tf32
    finally:
        mt.backends.cudnn.benchmark = False
        mt.backends.cuda.matmul.allow_tf32 = False
    with mt.backends.cuda.sdp_kernel(enable_flash=False):
        assert not mt.backends.cuda.flash_sdp_enabled()
    assert mt.backends.cuda.flash_sdp_enabled()


def test_distributed_needs_a_process_group():
    for lib in (mt, torch):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            lib.distributed.get_rank()
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            lib.nn.parallel.DistributedDataParallel(lib.nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="one process"):
        mt.distributed.init_process_group("gloo")


def test_data_parallel_wraps_and_calls_the_module():
    lin, tlin = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    dp, tdp = nn.DataParallel(lin), torch.nn.DataParallel(tlin)
    assert nn.parallel.DataParallel is nn.DataParallel
    assert list(dp.state_dict()) == list(tdp.state_dict()) == ["module.weight", "module.bias"]
    assert repr(dp) == repr(tdp) and dp.device_ids == tdp.device_ids == []
    dp.load_state_dict({k: v.detach().numpy() for k, v in tdp.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(
        dp(mt.tensor(x)).detach().numpy(), tdp(torch.tensor(x)).detach().numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(
        nn.parallel.data_parallel(lin, mt.tensor(x)).detach().numpy(), dp(mt.tensor(x)).detach().numpy()
    )
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.DataParallel(lin, device_ids=[0, 1])


def test_jit_compile_return_what_they_get():
    lin = nn.Linear(2, 2)
    assert mt.jit.script(lin) is lin and mt.jit.trace(lin, mt.ones(1, 2)) is lin
    assert mt.compile(lin) is lin

    @mt.compile(mode="reduce-overhead")
    def f(x):
        return x * 2

    @mt.jit.ignore
    def g(x):
        return x + 1

    @mt.jit.ignore(drop=True)
    def h(x):
        return x - 1

    assert f(3) == 6 and g(3) == 4 and h(3) == 2 and mt.jit.unused(g) is g
    with pytest.raises(NotImplementedError, match="TorchScript"):
        mt.jit.save(lin, "model.pt")


def test_onnx_export_raises_a_clear_error(tmp_path):
    with pytest.raises(NotImplementedError, match="ONNX"):
        mt.onnx.export(nn.Linear(2, 2), (mt.ones(1, 2),), str(tmp_path / "m.onnx"))
    assert not (tmp_path / "m.onnx").exists()


def _warning_texts(fn) -> list[str]:
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in rec]


@pytest.mark.parametrize("make", ["amp_cuda", "cuda_amp"])
def test_cuda_grad_scaler_disables_itself_as_torch(make):
    def build(lib):
        return lib.amp.GradScaler("cuda") if make == "amp_cuda" else lib.cuda.amp.GradScaler()

    ours, ref = _warning_texts(lambda: build(mt)), _warning_texts(lambda: build(torch))
    assert ours == ref
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s, ts = build(mt), build(torch)
    assert s.is_enabled() is ts.is_enabled() is False
    assert s.get_scale() == ts.get_scale() == 1.0 and s.state_dict() == ts.state_dict() == {}
    loss = mt.ones(2, requires_grad=True).sum()
    assert s.scale(loss) is loss


def test_autocast_warnings_and_state_match_torch():
    def cpu_f32(lib):
        with lib.autocast(device_type="cpu", dtype=lib.float32):
            assert not lib.is_autocast_enabled("cpu")

    def cuda(lib):
        with lib.autocast(device_type="cuda"):
            assert not lib.is_autocast_enabled("cuda")

    def disabled(lib):
        with lib.autocast(device_type="cpu", enabled=False):
            assert not lib.is_autocast_enabled("cpu")

    for fn in (cpu_f32, cuda, disabled):
        assert _warning_texts(functools.partial(fn, mt)) == _warning_texts(functools.partial(fn, torch))
    for lib in (mt, torch):
        with pytest.raises(ValueError, match="device_type"):
            lib.autocast(device_type=lib.device("cpu"))


def _autocast_case(lib):
    F = lib.nn.functional
    x = lib.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))
    w = lib.tensor(np.linspace(0.5, -0.5, 15, dtype=np.float32).reshape(5, 3), requires_grad=True)
    xb = x.to(lib.bfloat16)
    ops = {
        "linear": lambda: F.linear(x, w),
        "matmul": lambda: x @ w.T,
        "bmm": lambda: lib.bmm(x[None], w.T[None]),
        "conv2d": lambda: F.conv2d(x[None, None], w[None, None, :2, :2]),
        "conv1d": lambda: F.conv1d(x.T[None], w[:2, :, None]),
        "cross_entropy": lambda: F.cross_entropy(xb, lib.tensor([0, 1, 2, 0])),
        "mse_loss": lambda: F.mse_loss(xb, xb * 0),
        "add_mixed": lambda: xb + x,
    }
    out = []
    with lib.autocast("cpu"):
        assert lib.is_autocast_enabled("cpu")
        for name, f in ops.items():
            y = f()
            out.append((name, str(y.dtype).split(".")[1], np.round(y.detach().float().numpy(), 4).tolist()))
        loss = F.cross_entropy(F.linear(x, w), lib.tensor([0, 1, 2, 3]))
    assert not lib.is_autocast_enabled("cpu")
    loss.backward()
    out.append((str(loss.dtype).split(".")[1], round(loss.item(), 5), str(w.grad.dtype).split(".")[1]))
    return out, w.grad.numpy()


def test_cpu_autocast_casts_as_torch():
    """matmul/linear/conv run in bfloat16, losses in float32, grads reach float32 weights."""
    ours, theirs = _autocast_case(mt), _autocast_case(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6, atol=1e-7)
    x = mt.ones(2, 2)
    with mt.autocast("cpu", enabled=False):
        assert (x @ x).dtype == mt.float32

    @mt.autocast("cpu", enabled=False)
    def inside():
        return mt.is_autocast_enabled("cpu")

    assert inside() is False


def _train_with_scaler(lib, w0, xs, growth_interval):
    """A tiny regression trained with GradScaler('cpu'); step 2's grads are made inf."""
    lin = lib.nn.Linear(3, 1)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(w0[:, :3]))
        lin.bias.copy_(lib.tensor(w0[:, 3]))
    opt = lib.optim.SGD(lin.parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=growth_interval)
    scales, results = [], []
    for i, x in enumerate(xs):
        opt.zero_grad()
        loss = ((lin(lib.tensor(x)) - 1.0) ** 2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        if i == 2:
            lin.weight.grad[0, 0] = float("inf")
        if i == 4:
            scaler.unscale_(opt)
            results.append(lin.weight.grad.detach().numpy().copy())
        results.append(scaler.step(opt))
        scaler.update()
        scales.append(scaler.get_scale())
    return lin.weight.detach().numpy(), scales, results, scaler.state_dict(), float(scaled.detach())


@pytest.mark.parametrize("growth_interval", [2, 2000])
def test_cpu_grad_scaler_matches_torch(growth_interval):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((1, 4)).astype(np.float32)
    xs = [rng.standard_normal((5, 3)).astype(np.float32) for _ in range(7)]
    ours = _train_with_scaler(mt, w0, xs, growth_interval)
    ref = _train_with_scaler(torch, w0, xs, growth_interval)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5)
    assert ours[1] == ref[1]
    np.testing.assert_allclose(ours[2][4], ref[2][4], rtol=1e-5)
    assert ours[3] == ref[3]
    assert ours[4] == pytest.approx(ref[4], rel=1e-5)


def test_grad_scaler_misuse_raises_as_torch():
    for lib in (mt, torch):
        lin = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(lin.parameters(), lr=0.1)
        s = lib.amp.GradScaler("cpu")
        with pytest.raises(AssertionError, match="scaler.scale"):
            s.step(opt)
        s.scale(lin(lib.ones(1, 2)).sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError, match="already been called"):
            s.unscale_(opt)
        s.step(opt)
        with pytest.raises(RuntimeError, match="already been called since the last update"):
            s.step(opt)
        with pytest.raises(RuntimeError, match="Closure"):
            s.update()
            s.scale(lin(lib.ones(1, 2)).sum()).backward()
            s.step(opt, closure=lambda: 0)
        s2 = lib.amp.GradScaler("cpu")
        s2.load_state_dict(s.state_dict())
        assert s2.get_scale() == s.get_scale()
