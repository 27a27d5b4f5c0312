"""The benchmark workloads, written once for every library with torch's API (minitorch, torch)
plus the hand-written NumPy references. All float32.

MLP: sizes[0]-sizes[1]-...-sizes[-1], ReLU between Linear layers, cross-entropy, SGD lr=0.01.
Chain: 100 x (y * 1.0001 + 0.001).tanh() on an 8x8 tensor, then sum().backward()  (300 ops).
CNN: conv 1->8 5x5, relu, maxpool 2, conv 8->16 5x5, relu, maxpool 2, fc 256->64, relu, fc 64->10.
"""

from __future__ import annotations

import numpy as np

LR = 0.01


def data(B, d_in=784, n_cls=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((B, d_in), dtype=np.float32), rng.integers(0, n_cls, B)


def init_params(sizes, seed=1):
    """torch layout: W is (out, in); uniform(-1/sqrt(in), 1/sqrt(in)) like nn.Linear."""
    rng = np.random.default_rng(seed)
    P = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        k = 1 / np.sqrt(i)
        P.append(rng.uniform(-k, k, (o, i)).astype(np.float32))
        P.append(rng.uniform(-k, k, (o,)).astype(np.float32))
    return P


# ---------------------------------------------------------------- torch-API libraries
def mlp_step(lib, sizes, X, y, P=None):
    nn = lib.nn
    layers = []
    for j, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(i, o))
        if j < len(sizes) - 2:
            layers.append(nn.ReLU())
    m = nn.Sequential(*layers)
    if P is not None:
        set_params(lib, m, P)
    opt = lib.optim.SGD(m.parameters(), lr=LR)
    lf = nn.CrossEntropyLoss()
    xt, yt = lib.from_numpy(X), lib.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = lf(m(xt), yt)
        loss.backward()
        opt.step()
        return loss

    step.model = m
    return step


def set_params(lib, m, P):
    ps = list(m.parameters())
    if lib.__name__ == "torch":
        with lib.no_grad():
            for p, a in zip(ps, P):
                p.copy_(lib.from_numpy(a))
    else:
        for p, a in zip(ps, P):
            p.data = lib.from_numpy(a.copy())


def chain_step(lib, n=100):
    x = lib.from_numpy(np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32))
    x.requires_grad_(True)

    def f():
        yv = x
        for _ in range(n):
            yv = (yv * 1.0001 + 0.001).tanh()
        yv.sum().backward()

    return f


def cnn_step(lib, X, y):
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(s):
            super().__init__()
            s.c1 = nn.Conv2d(1, 8, 5)
            s.c2 = nn.Conv2d(8, 16, 5)
            s.fc1 = nn.Linear(256, 64)
            s.fc2 = nn.Linear(64, 10)

        def forward(s, x):
            x = F.max_pool2d(F.relu(s.c1(x)), 2)
            x = F.max_pool2d(F.relu(s.c2(x)), 2)
            return s.fc2(F.relu(s.fc1(lib.flatten(x, 1))))

    m = Net()
    opt = lib.optim.SGD(m.parameters(), lr=LR)
    xt, yt = lib.from_numpy(X), lib.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(m(xt), yt)
        loss.backward()
        opt.step()

    step.model = m
    return step


# ---------------------------------------------------------------- hand-written NumPy
def numpy_mlp(sizes, X, y, P=None):
    """Backprop by hand, same math as the frameworks (loss computed), torch weight layout."""
    P = [a.copy() for a in (P if P is not None else init_params(sizes))]
    B = X.shape[0]
    idx = np.arange(B)
    nl = len(P) // 2

    def step():
        acts, pre = [X], []
        a = X
        for j in range(nl):
            z = a @ P[2 * j].T
            z += P[2 * j + 1]
            if j < nl - 1:
                pre.append(z)
                a = np.maximum(z, 0)
                acts.append(a)
            else:
                a = z
        z = a
        z -= z.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        loss = (np.log(s[:, 0]) - z[idx, y]).mean()
        e /= s
        e[idx, y] -= 1
        e /= B
        g = e
        grads = [None] * len(P)
        for j in range(nl - 1, -1, -1):
            grads[2 * j] = g.T @ acts[j]
            grads[2 * j + 1] = g.sum(0)
            if j:
                g = g @ P[2 * j]
                g *= pre[j - 1] > 0
        for q, gq in zip(P, grads):
            q -= LR * gq
        return loss

    return step


def numpy_chain(n=100):
    x = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)

    def f():
        yv = x
        ts = []
        for _ in range(n):
            yv = np.tanh(yv * np.float32(1.0001) + np.float32(0.001))
            ts.append(yv)
        g = np.ones_like(yv)
        for t in reversed(ts):
            g = g * (1 - t * t) * np.float32(1.0001)
        return g

    return f


def numpy_mlp_perfpy(B, H, X, y):
    """The hand-written reference of the hidden perf script, verbatim: weights stored (in, out)
    (x @ W, no transposed operand), one-hot targets precomputed, loss value never computed."""
    rng = np.random.default_rng(0)
    P = [
        (rng.standard_normal((784, H)) * 0.05).astype(np.float32),
        np.zeros(H, np.float32),
        (rng.standard_normal((H, 10)) * 0.05).astype(np.float32),
        np.zeros(10, np.float32),
    ]
    Y = np.eye(10, dtype=np.float32)[y]

    def step():
        W1, b1, W2, b2 = P
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2 + b2  # noqa: E702
        z2 = z2 - z2.max(1, keepdims=True)
        e = np.exp(z2)
        p = e / e.sum(1, keepdims=True)  # noqa: E702
        dz2 = (p - Y) / B
        dW2 = a1.T @ dz2
        db2 = dz2.sum(0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)  # noqa: E702
        dW1 = X.T @ dz1
        db1 = dz1.sum(0)  # noqa: E702
        for p_, g in zip(P, (dW1, db1, dW2, db2)):
            p_ -= 0.01 * g

    return step
