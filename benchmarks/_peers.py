"""Adapters for the libraries users would pick instead of minitorch, each optional.

Each maker returns ``(step, None)``, or ``(None, reason)`` when the library is not installed, fails
to run, or computes other numbers than minitorch (``pip install 'minitorch[benchmarks]'``
installs them; tinygrad on the CPU also needs ``clang``). The MLP is the same 784-128-10 ReLU
network, cross-entropy and SGD lr 0.01 step as ``_workloads.mlp_step``, from the same weights; every
maker checks its loss at steps 0 and 1 against minitorch's before it is timed (and prints both).
Each library is limited to the benchmark's thread count (``PERF_THREADS``) where it has a knob.
"""

from __future__ import annotations

import importlib
import math
import os

import numpy as np

LR = 0.01
RTOL, ATOL = 1e-4, 1e-5  # float32 losses of the same math in another order of operations
_THREADS = os.environ.get("PERF_THREADS", "1")
if _THREADS == "1":  # set before the libraries load (they read them at import)
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("NUM_CPU_THREADS", _THREADS)  # tinygrad's CPU device


def _try(name):
    try:
        return importlib.import_module(name), None
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        return None, f"{name} not installed: {type(e).__name__}"


def _minitorch_losses(sizes, X, y, P, n=2):
    import _workloads as W

    import minitorch as mt

    step = W.mlp_step(mt, sizes, X, y, P)
    return [float(step().item()) for _ in range(n)]


def _checked(name, make, loss_of, sizes, X, y, P):
    """``make()`` -> step; run it twice (the warm-up) and compare the losses with minitorch's."""
    try:
        step = make()
        got = [float(loss_of(step())) for _ in range(2)]
    except Exception as e:  # noqa: BLE001 - a peer that fails to run is skipped, saying why
        return None, f"failed: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
    want = _minitorch_losses(sizes, X, y, P)
    shown = f"loss at steps 0, 1: {got[0]:.7f}, {got[1]:.7f} (minitorch {want[0]:.7f}, {want[1]:.7f})"
    if not all(math.isclose(g, w, rel_tol=RTOL, abs_tol=ATOL) for g, w in zip(got, want)):
        return None, f"wrong numbers: {shown}"
    print(f"  check {name}: {shown}", flush=True)
    return step, None


def _functional_loss(np_, X, y, B):
    """Cross-entropy of the MLP written against a NumPy-like namespace (autograd.numpy, jax.numpy)."""
    rows = np.arange(B)

    def loss(P):
        a = X
        nl = len(P) // 2
        for j in range(nl):
            a = a @ P[2 * j].T + P[2 * j + 1]
            if j < nl - 1:
                a = np_.maximum(a, 0)
        a = a - a.max(1, keepdims=True)
        lse = np_.log(np_.exp(a).sum(1))
        return (lse - a[rows, y]).mean()

    return loss


def hips_autograd(sizes, X, y, P):
    ag, why = _try("autograd")
    if ag is None:
        return None, why

    def make():
        anp = importlib.import_module("autograd.numpy")
        Ps = [p.copy() for p in P]
        vg = ag.value_and_grad(_functional_loss(anp, X, y, X.shape[0]))

        def step():
            loss, gs = vg(Ps)
            for i, gi in enumerate(gs):
                Ps[i] = Ps[i] - LR * gi
            return loss

        return step

    return _checked("HIPS autograd", make, float, sizes, X, y, P)


def _jax(sizes, X, y, P, jit):
    jax, why = _try("jax")
    if jax is None:
        return None, why

    def make():
        jnp = jax.numpy
        loss = _functional_loss(jnp, jnp.asarray(X), jnp.asarray(y), X.shape[0])
        vg = jax.value_and_grad(loss)

        def upd(Ps):
            value, gs = vg(Ps)
            return value, [p - LR * gi for p, gi in zip(Ps, gs)]

        f = jax.jit(upd) if jit else upd
        state = [[jnp.asarray(p) for p in P]]

        def step():
            value, state[0] = f(state[0])
            jax.block_until_ready(state[0])
            return value

        return step

    return _checked("JAX jit" if jit else "JAX eager", make, float, sizes, X, y, P)


def jax_eager(sizes, X, y, P):
    return _jax(sizes, X, y, P, jit=False)


def jax_jit(sizes, X, y, P):
    return _jax(sizes, X, y, P, jit=True)


def mygrad(sizes, X, y, P):
    mg, why = _try("mygrad")
    if mg is None:
        return None, why

    def make():
        Ps = [mg.tensor(p.copy()) for p in P]
        rows = np.arange(X.shape[0])

        def step():
            a = X
            nl = len(Ps) // 2
            for j in range(nl):
                a = mg.matmul(a, Ps[2 * j].T) + Ps[2 * j + 1]
                if j < nl - 1:
                    a = mg.maximum(a, 0)
            a = a - a.max(axis=1, keepdims=True)
            loss = (mg.log(mg.exp(a).sum(axis=1)) - a[rows, y]).mean()
            loss.backward()
            for p in Ps:
                p.data -= LR * p.grad
                p.null_grad()
            return loss

        return step

    return _checked("MyGrad", make, lambda t: t.item(), sizes, X, y, P)


def _tinygrad(sizes, X, y, P, jit):
    tg, why = _try("tinygrad")
    if tg is None:
        return None, why

    def make():
        from tinygrad.helpers import Context
        from tinygrad.nn.optim import SGD

        T = tg.Tensor
        Ps = [T(p.copy()) for p in P]
        opt = SGD(Ps, lr=LR)
        xt, yt = T(X), T(y.astype(np.int32))

        def one():
            # tinygrad (0.14) has no requires_grad: grads of the weights only, then one schedule
            # realizing the loss and the update; TRAINING=1 is what its optimizer asks for
            with Context(TRAINING=1):
                opt.zero_grad()
                a = xt
                nl = len(Ps) // 2
                for j in range(nl):
                    a = a.linear(Ps[2 * j].T, Ps[2 * j + 1])
                    if j < nl - 1:
                        a = a.relu()
                loss = a.sparse_categorical_crossentropy(yt)
                for p, g in zip(Ps, loss.gradient(*Ps)):
                    p.grad = g
                T.realize(loss, *opt.schedule_step())
                return loss

        return tg.TinyJit(one) if jit else one

    return _checked("tinygrad TinyJit" if jit else "tinygrad", make, lambda t: t.item(), sizes, X, y, P)


def tinygrad(sizes, X, y, P):
    return _tinygrad(sizes, X, y, P, jit=False)


def tinygrad_jit(sizes, X, y, P):
    return _tinygrad(sizes, X, y, P, jit=True)


MLP = {
    "MyGrad": mygrad,
    "HIPS autograd": hips_autograd,
    "JAX eager": jax_eager,
    "JAX jit": jax_jit,
    "tinygrad": tinygrad,
    "tinygrad TinyJit": tinygrad_jit,
}


def _minitorch_chain_value(x0, n):
    import minitorch as mt

    x = mt.tensor(np.asarray(x0, dtype=np.float64).reshape(8, 8), requires_grad=True)
    yv = x
    for _ in range(n):
        yv = (yv * 1.0001 + 0.001).tanh()
    s = yv.sum()
    s.backward()
    return float(s.item()), x.grad.numpy().reshape(-1)


def micrograd_chain(n=100):
    """The chain on micrograd's scalar Values (64 scalars: 8x8). The PyPI release's Value has no
    tanh, so it is added as in micrograd's lecture (one Value, one closure, like its other ops).
    Checked against minitorch in float64 (micrograd computes in Python floats)."""
    eng, why = _try("micrograd.engine")
    if eng is None:
        return None, why
    Value = eng.Value
    if not hasattr(Value, "tanh"):

        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")

            def _backward():
                self.grad += (1 - t * t) * out.grad

            out._backward = _backward
            return out

        Value.tanh = tanh
    x0 = np.random.default_rng(0).standard_normal(64).tolist()
    last = {}

    def f():
        xs = [Value(v) for v in x0]
        ys = xs
        for _ in range(n):
            ys = [(v * 1.0001 + 0.001).tanh() for v in ys]
        s = ys[0]
        for v in ys[1:]:
            s = s + v
        s.backward()
        last["s"], last["xs"] = s, xs

    f()
    value, grad = _minitorch_chain_value(x0, n)
    got = np.array([v.grad for v in last["xs"]])
    shown = (
        f"sum {last['s'].data:.10f} (minitorch {value:.10f}), max |dx diff| {np.abs(got - grad).max():.1e}"
    )
    if not (
        math.isclose(last["s"].data, value, rel_tol=1e-9) and np.allclose(got, grad, rtol=1e-9, atol=1e-12)
    ):
        return None, f"wrong numbers: {shown}"
    print(f"  check micrograd: {shown}", flush=True)
    return f, None
