"""Grad mode is per thread, as torch's: a ``no_grad`` evaluator thread running beside a training
loop must not switch recording off in the loop (issue 13)."""

import threading

import numpy as np
import pytest

import minitorch
from tests.helpers import assert_close, needs_torch, torch


def _in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


@pytest.mark.parametrize(
    "ctx",
    [
        minitorch.no_grad,
        minitorch.inference_mode,
        lambda: minitorch.set_grad_enabled(False),
    ],
)
def test_new_thread_starts_with_grad_enabled(ctx):
    with ctx():
        assert not minitorch.is_grad_enabled()
        assert _in_thread(minitorch.is_grad_enabled)
        x = minitorch.ones(2, requires_grad=True)
        assert _in_thread(lambda: (x * 2).requires_grad)
    assert minitorch.is_grad_enabled()


def test_no_grad_in_another_thread_does_not_leak():
    entered, release = threading.Event(), threading.Event()

    def evaluator():
        with minitorch.no_grad():
            entered.set()
            release.wait(10)

    t = threading.Thread(target=evaluator)
    t.start()
    entered.wait(10)
    try:
        assert minitorch.is_grad_enabled()
        assert (minitorch.ones(2, requires_grad=True) * 2).requires_grad
        with minitorch.enable_grad():
            pass
    finally:
        release.set()
        t.join()


@needs_torch
def test_training_loop_beside_no_grad_evaluator_thread():
    """Both libraries train the same model while an evaluator thread loops under no_grad."""
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    w0 = rng.normal(size=(3, 1))

    def train(lib, stop):
        w = lib.tensor(w0.copy(), requires_grad=True)
        x, y = lib.tensor(xs), lib.tensor(ys)
        losses = []
        for _ in range(40):
            loss = ((x @ w - y) ** 2).mean()
            assert loss.requires_grad
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
            w.grad = None
            losses.append(loss.item())
        stop.set()
        return w.detach(), losses

    def run(lib):
        stop = threading.Event()
        evals = []

        def evaluator():
            w = lib.tensor(w0.copy(), requires_grad=True)
            while not stop.is_set():
                with lib.no_grad():
                    evals.append((lib.tensor(xs) @ w).requires_grad)

        t = threading.Thread(target=evaluator)
        t.start()
        try:
            out = train(lib, stop)
        finally:
            stop.set()
            t.join()
        assert not any(evals)
        return out

    (w_mt, l_mt), (w_t, l_t) = run(minitorch), run(torch)
    assert_close(w_mt, w_t)
    np.testing.assert_allclose(l_mt, l_t, rtol=1e-10)
