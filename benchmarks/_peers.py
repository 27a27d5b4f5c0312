"""Adapters for the libraries users would pick instead of minitorch, each optional.

Each maker returns ``(step, None)`` or ``(None, reason)`` when the library is not installed
(``pip install 'minitorch[benchmarks]'`` installs them). The MLP is the same 784-128-10 ReLU
network, cross-entropy and SGD lr 0.01 step as ``_workloads.mlp_step``, from the same weights.
"""

from __future__ import annotations

import importlib

import numpy as np

LR = 0.01


def _try(name):
    try:
        return importlib.import_module(name), None
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        return None, f"{name} not installed: {type(e).__name__}"


def _functional_loss(np_, P, X, y, B):
    """Cross-entropy of the MLP written against a NumPy-like namespace (autograd.numpy, jax.numpy)."""

    def loss(P):
        a = X
        nl = len(P) // 2
        for j in range(nl):
            a = a @ P[2 * j].T + P[2 * j + 1]
            if j < nl - 1:
                a = np_.maximum(a, 0)
        a = a - a.max(1, keepdims=True)
        lse = np_.log(np_.exp(a).sum(1))
        return (lse - a[np.arange(B), y]).mean()

    return loss


def hips_autograd(sizes, X, y, P):
    ag, why = _try("autograd")
    if ag is None:
        return None, why
    anp = importlib.import_module("autograd.numpy")
    P = [p.copy() for p in P]
    g = ag.grad(_functional_loss(anp, P, X, y, X.shape[0]))

    def step():
        gs = g(P)
        for i, gi in enumerate(gs):
            P[i] = P[i] - LR * gi

    return step, None


def _jax(sizes, X, y, P, jit):
    jax, why = _try("jax")
    if jax is None:
        return None, why
    jnp = jax.numpy
    Pj = [jnp.asarray(p) for p in P]
    loss = _functional_loss(jnp, Pj, jnp.asarray(X), jnp.asarray(y), X.shape[0])

    def upd(P):
        gs = jax.grad(loss)(P)
        return [p - LR * gi for p, gi in zip(P, gs)]

    f = jax.jit(upd) if jit else upd
    state = [Pj]

    def step():
        state[0] = f(state[0])
        jax.block_until_ready(state[0])

    return step, None


def jax_eager(sizes, X, y, P):
    return _jax(sizes, X, y, P, jit=False)


def jax_jit(sizes, X, y, P):
    return _jax(sizes, X, y, P, jit=True)


def mygrad(sizes, X, y, P):
    mg, why = _try("mygrad")
    if mg is None:
        return None, why
    Ps = [mg.tensor(p.copy()) for p in P]
    B = X.shape[0]

    def step():
        a = X
        nl = len(Ps) // 2
        for j in range(nl):
            a = mg.matmul(a, Ps[2 * j].T) + Ps[2 * j + 1]
            if j < nl - 1:
                a = mg.maximum(a, 0)
        a = a - a.max(axis=1, keepdims=True)
        loss = (mg.log(mg.exp(a).sum(axis=1)) - a[np.arange(B), y]).mean()
        loss.backward()
        for p in Ps:
            p.data -= LR * p.grad
            p.null_grad()

    return step, None


def tinygrad(sizes, X, y, P):
    tg, why = _try("tinygrad")
    if tg is None:
        return None, why
    T = tg.Tensor
    Ps = [T(p.copy(), requires_grad=True) for p in P]
    opt = tg.nn.optim.SGD(Ps, lr=LR)
    xt, yt = T(X), T(y.astype(np.int32))

    def step():
        with T.train():
            opt.zero_grad()
            a = xt
            nl = len(Ps) // 2
            for j in range(nl):
                a = a.linear(Ps[2 * j].T, Ps[2 * j + 1])
                if j < nl - 1:
                    a = a.relu()
            loss = a.sparse_categorical_crossentropy(yt)
            loss.backward()
            opt.step()
            loss.realize()

    return step, None


MLP = {
    "MyGrad": mygrad,
    "HIPS autograd": hips_autograd,
    "JAX eager": jax_eager,
    "JAX jit": jax_jit,
    "tinygrad": tinygrad,
}


def micrograd_chain(n=100):
    """The chain on micrograd's scalar Values (64 scalars: 8x8); micrograd has no tanh on
    Value in every release, so fall back to a skip when it lacks one."""
    eng, why = _try("micrograd.engine")
    if eng is None:
        return None, why
    if not hasattr(eng.Value, "tanh"):
        return None, "micrograd.engine.Value has no tanh"
    x0 = np.random.default_rng(0).standard_normal(64).tolist()

    def f():
        xs = [eng.Value(v) for v in x0]
        ys = xs
        for _ in range(n):
            ys = [(v * 1.0001 + 0.001).tanh() for v in ys]
        s = ys[0]
        for v in ys[1:]:
            s = s + v
        s.backward()

    return f, None
