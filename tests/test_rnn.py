"""RNN, LSTM, GRU and their cells against torch (same weights): outputs, final states, grads
w.r.t. inputs, initial states and every parameter; repr, state_dict keys, init, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
from minitorch import nn

pytestmark = needs_torch

T, B, I, H = 4, 3, 5, 6


def _pair(kind: str, dtype=np.float64, *args, **kw):
    """The same layer in both frameworks, torch's weights copied into minitorch's."""
    tm = getattr(torch.nn, kind)(*args, **kw)
    mm = getattr(nn, kind)(*args, **kw)
    if dtype == np.float64:
        tm, mm = tm.double(), mm.double()
    assert list(mm.state_dict()) == list(tm.state_dict())
    mm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    return tm, mm


def _leaf(arr):
    return mt.tensor(arr.copy(), requires_grad=True), torch.tensor(arr.copy(), requires_grad=True)


def _backward_both(outs_mt, outs_t, rng):
    """Backward a random linear functional of every output in both frameworks."""
    loss_m, loss_t = 0, 0
    for om, ot in zip(outs_mt, outs_t):
        assert_close(om, ot)
        g = rng.standard_normal(tuple(ot.shape)).astype(om._data.dtype)
        loss_m = loss_m + (om * mt.tensor(g)).sum()
        loss_t = loss_t + (ot * torch.tensor(g)).sum()
    loss_m.backward()
    loss_t.backward()


def _check_param_grads(mm, tm):
    for name, p in tm.named_parameters():
        assert_close(mm.get_parameter(name).grad, p.grad)


CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bias=False),
    dict(batch_first=True),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
]


def _flat(h):
    return list(h) if isinstance(h, tuple) else [h]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "kw", CONFIGS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default"
)
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_rnn_layers_match_torch(kind, kw, dtype):
    with_state = CONFIGS.index(kw) % 2 == 1  # half the configurations start from a given state
    rng = np.random.default_rng(0)
    tm, mm = _pair(kind, dtype, I, H, **kw)
    shape = (B, T, I) if kw.get("batch_first") else (T, B, I)
    x, tx = _leaf(rng.standard_normal(shape).astype(dtype))
    states_m, states_t = [], []
    if with_state:
        n = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        for _ in range(2 if kind == "LSTM" else 1):
            s, ts = _leaf(rng.standard_normal((n, B, H)).astype(dtype))
            states_m.append(s)
            states_t.append(ts)
    hx_m = (tuple(states_m) if kind == "LSTM" else states_m[0]) if with_state else None
    hx_t = (tuple(states_t) if kind == "LSTM" else states_t[0]) if with_state else None
    out, h = mm(x, hx_m)
    tout, th = tm(tx, hx_t)
    _backward_both([out, *_flat(h)], [tout, *_flat(th)], rng)
    assert_close(x.grad, tx.grad)
    for s, ts in zip(states_m, states_t):
        assert_close(s.grad, ts.grad)
    _check_param_grads(mm, tm)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_input(kind, batch_first):
    rng = np.random.default_rng(1)
    tm, mm = _pair(kind, np.float64, I, H, num_layers=2, bidirectional=True, batch_first=batch_first)
    x, tx = _leaf(rng.standard_normal((T, I)))
    h0, th0 = _leaf(rng.standard_normal((4, H)))
    if kind == "LSTM":
        c0, tc0 = _leaf(rng.standard_normal((4, H)))
        out, (h, c) = mm(x, (h0, c0))
        tout, (th, tc) = tm(tx, (th0, tc0))
        _backward_both([out, h, c], [tout, th, tc], rng)
        assert_close(c0.grad, tc0.grad)
    else:
        out, h = mm(x, h0)
        tout, th = tm(tx, th0)
        _backward_both([out, h], [tout, th], rng)
    assert out.shape == (T, 2 * H)
    assert_close(x.grad, tx.grad)
    assert_close(h0.grad, th0.grad)
    # and without an initial state
    out, _ = mm(mt.tensor(x._data))
    assert_close(out, tm(torch.tensor(x._data))[0])


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_nonlinearity(nonlinearity):
    rng = np.random.default_rng(2)
    tm, mm = _pair("RNN", np.float64, I, H, num_layers=2, nonlinearity=nonlinearity)
    x, tx = _leaf(rng.standard_normal((T, B, I)))
    out, h = mm(x)
    tout, th = tm(tx)
    _backward_both([out, h], [tout, th], rng)
    assert_close(x.grad, tx.grad)
    _check_param_grads(mm, tm)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, bidirectional=True, batch_first=True)])
@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
def test_lstm_proj_size(kw, dtype):
    rng = np.random.default_rng(3)
    tm, mm = _pair("LSTM", dtype, I, H, proj_size=2, **kw)
    shape = (B, T, I) if kw.get("batch_first") else (T, B, I)
    x, tx = _leaf(rng.standard_normal(shape).astype(dtype))
    n = 2 * kw.get("num_layers", 1) if kw.get("bidirectional") else 1
    h0, th0 = _leaf(rng.standard_normal((n, B, 2)).astype(dtype))
    c0, tc0 = _leaf(rng.standard_normal((n, B, H)).astype(dtype))
    out, (h, c) = mm(x, (h0, c0))
    tout, (th, tc) = tm(tx, (th0, tc0))
    assert h.shape == (n, B, 2) and c.shape == (n, B, H)
    _backward_both([out, h, c], [tout, th, tc], rng)
    for a, b in ((x, tx), (h0, th0), (c0, tc0)):
        assert_close(a.grad, b.grad)
    _check_param_grads(mm, tm)


def test_dropout_between_layers():
    rng = np.random.default_rng(4)
    xa = rng.standard_normal((T, B, I))
    tm, mm = _pair("GRU", np.float64, I, H, num_layers=3, dropout=1.0)
    # p=1 zeroes the inputs of layers 2 and 3 in training: deterministic, so comparable
    out, h = mm(mt.tensor(xa))
    tout, th = tm(torch.tensor(xa))
    assert_close(out, tout)
    assert_close(h, th)
    # eval: no dropout
    mm.eval()
    tm.eval()
    assert_close(mm(mt.tensor(xa))[0], tm(torch.tensor(xa))[0])
    # 0 < p < 1: training differs from eval and follows the global generator
    _, mm = _pair("LSTM", np.float64, I, H, num_layers=2, dropout=0.5)
    mt.manual_seed(5)
    a = mm(mt.tensor(xa))[0]
    mt.manual_seed(5)
    b = mm(mt.tensor(xa))[0]
    np.testing.assert_array_equal(a._data, b._data)
    assert not np.allclose(a._data, mm.eval()(mt.tensor(xa))[0]._data)


def test_lstm_training_steps_match_torch():
    """An LSTM + Linear regressor trained a few SGD steps: same losses and weights."""
    rng = np.random.default_rng(6)
    xa, ya = rng.standard_normal((B, T, I)), rng.standard_normal((B, 1))

    def build(lib):
        class Model(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = lib.nn.LSTM(I, H, batch_first=True)
                self.head = lib.nn.Linear(H, 1)

            def forward(self, x):
                out, _ = self.lstm(x)
                return self.head(out[:, -1])

        return Model().double()

    tmodel, mmodel = build(torch), build(mt)
    mmodel.load_state_dict({k: v.numpy() for k, v in tmodel.state_dict().items()})
    # NOTE: torch's side is updated by hand: torch.optim's first step costs seconds of imports
    mopt = mt.optim.SGD(mmodel.parameters(), lr=0.1)
    for _ in range(3):
        tloss = ((tmodel(torch.tensor(xa)) - torch.tensor(ya)) ** 2).mean()
        mloss = ((mmodel(mt.tensor(xa)) - mt.tensor(ya)) ** 2).mean()
        assert_close(mloss, tloss)
        tmodel.zero_grad()
        tloss.backward()
        with torch.no_grad():
            for p in tmodel.parameters():
                p -= 0.1 * p.grad
        mopt.zero_grad()
        mloss.backward()
        mopt.step()
    for k, v in tmodel.state_dict().items():
        assert_close(mmodel.state_dict()[k], v)


def test_gradcheck_through_time():
    """float64 central differences w.r.t. the input and the initial states (double backward too)."""
    gru = nn.GRU(2, 3, bidirectional=True).double()
    x = mt.tensor(np.random.default_rng(7).standard_normal((3, 2, 2)), requires_grad=True)
    h0 = mt.tensor(np.random.default_rng(8).standard_normal((2, 2, 3)), requires_grad=True)
    assert mt.autograd.gradcheck(lambda x, h: gru(x, h)[0], (x, h0))
    lstm = nn.LSTM(2, 3).double()
    assert mt.autograd.gradcheck(lambda x: lstm(x)[1][1], (x,))
    cell = nn.LSTMCell(2, 3).double()
    assert mt.autograd.gradgradcheck(lambda x: cell(x)[0], (x[0],))


# --------------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------------
CELLS = [
    ("RNNCell", dict()),
    ("RNNCell", dict(nonlinearity="relu")),
    ("RNNCell", dict(bias=False)),
    ("LSTMCell", dict()),
    ("LSTMCell", dict(bias=False)),
    ("GRUCell", dict()),
    ("GRUCell", dict(bias=False)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind,kw", CELLS)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cells_match_torch(kind, kw, batched, with_state, dtype):
    rng = np.random.default_rng(9)
    tm, mm = _pair(kind, dtype, I, H, **kw)
    lead = (B,) if batched else ()
    x, tx = _leaf(rng.standard_normal(lead + (I,)).astype(dtype))
    states = [
        _leaf(rng.standard_normal(lead + (H,)).astype(dtype)) for _ in range(2 if kind == "LSTMCell" else 1)
    ]
    if with_state:
        hx_m = tuple(s for s, _ in states) if kind == "LSTMCell" else states[0][0]
        hx_t = tuple(t for _, t in states) if kind == "LSTMCell" else states[0][1]
        out, tout = mm(x, hx_m), tm(tx, hx_t)
    else:
        out, tout = mm(x), tm(tx)
    _backward_both(_flat(out), _flat(tout), rng)
    assert_close(x.grad, tx.grad)
    if with_state:
        for s, ts in states:
            assert_close(s.grad, ts.grad)
    _check_param_grads(mm, tm)


def test_cell_loop_equals_layer():
    """Running an LSTMCell over time gives the LSTM layer's output (shared weights)."""
    rng = np.random.default_rng(10)
    layer = nn.LSTM(I, H).double()
    cell = nn.LSTMCell(I, H).double()
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = mt.tensor(rng.standard_normal((T, B, I)))
    out, (h, c) = layer(x)
    state = None
    for t in range(T):
        state = cell(x[t], state)
        assert_close(state[0], out[t]._data)
    assert_close(state[1], c[0]._data)


# --------------------------------------------------------------------------------------------
# construction: repr, state_dict keys, init, dtype
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind,kw",
    [
        ("RNN", dict()),
        ("RNN", dict(nonlinearity="relu", num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)),
        ("LSTM", dict(proj_size=2, bias=False)),
        ("LSTM", dict(num_layers=3, bidirectional=True)),
        ("GRU", dict(bias=False, dropout=0.25, num_layers=2)),
        ("RNNCell", dict(bias=False, nonlinearity="relu")),
        ("LSTMCell", dict()),
        ("GRUCell", dict(bias=False)),
    ],
)
def test_repr_and_state_dict_keys(kind, kw):
    tm, mm = getattr(torch.nn, kind)(I, H, **kw), getattr(nn, kind)(I, H, **kw)
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    assert [tuple(p.shape) for p in mm.parameters()] == [tuple(p.shape) for p in tm.parameters()]
    bound = 1 / np.sqrt(H)
    for p in mm.parameters():
        assert p.dtype == mt.float32 and p.requires_grad
        assert np.abs(p._data).max() <= bound and p._data.std() > 0.1 * bound
    if kind in ("RNN", "LSTM", "GRU"):
        assert mm._flat_weights_names == tm._flat_weights_names
        assert [[tuple(p.shape) for p in ps] for ps in mm.all_weights] == [
            [tuple(p.shape) for p in ps] for ps in tm.all_weights
        ]
        mm.flatten_parameters()


def test_dtype_argument_and_double():
    m = nn.GRU(I, H, dtype=mt.float64)
    assert all(p.dtype == mt.float64 for p in m.parameters())
    out, h = m(mt.randn(T, B, I, dtype=mt.float64))
    assert out.dtype == mt.float64 and h.dtype == mt.float64
    assert nn.LSTMCell(I, H, dtype=mt.float64).weight_ih.dtype == mt.float64


def test_no_grad_builds_no_graph():
    m = nn.LSTM(I, H)
    with mt.no_grad():
        out, (h, c) = m(mt.randn(T, B, I, requires_grad=True))
    assert not out.requires_grad and out.grad_fn is None and not h.requires_grad


# --------------------------------------------------------------------------------------------
# errors, as torch
# --------------------------------------------------------------------------------------------
def _same_error(fn_mt, fn_t):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(type(et.value)) as em:
        fn_mt()
    assert str(em.value) == str(et.value).replace("torch.", "minitorch.")


@pytest.mark.parametrize(
    "args",
    [
        (I, H, 1, "sigmoid"),  # nonlinearity
        (I, 0),
        (I, H, 0),
        (I, H, 1, "tanh", True, False, 1.5),  # dropout out of range
    ],
)
def test_constructor_errors(args):
    _same_error(lambda: nn.RNN(*args), lambda: torch.nn.RNN(*args))


def test_constructor_checks():
    _same_error(lambda: nn.LSTM(I, H, proj_size=H), lambda: torch.nn.LSTM(I, H, proj_size=H))
    _same_error(lambda: nn.GRU(I, H, bias=1), lambda: torch.nn.GRU(I, H, bias=1))
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(I, H, dropout=0.5)


def _as(lib, a):
    """An array (or a tuple of them, or None) as ``lib`` tensors."""
    if a is None:
        return None
    if isinstance(a, tuple):
        return tuple(lib.tensor(h) for h in a)
    return lib.tensor(a)


_X = np.zeros((T, B, I), np.float32)
_Z = np.zeros


@pytest.mark.parametrize(
    "kind,x,hx",
    [
        *[(k, np.zeros((T, B, I + 1), np.float32), None) for k in ("RNN", "LSTM", "GRU")],  # input_size
        *[(k, np.zeros((2, T, B, I), np.float32), None) for k in ("RNN", "LSTM", "GRU")],  # 4-D input
        *[(k, _X.astype(np.float64), None) for k in ("RNN", "LSTM", "GRU")],  # dtype mismatch
        *[(k, _X, _Z((1, B + 1, H), np.float32)) for k in ("RNN", "GRU")],  # batch of h0
        *[(k, _X, _Z((B, H), np.float32)) for k in ("RNN", "GRU")],  # rank of h0
        ("LSTM", _X, (_Z((1, B + 1, H), np.float32), _Z((1, B, H), np.float32))),
        ("LSTM", _X, (_Z((1, B, H), np.float32), _Z((1, B, H + 1), np.float32))),
        ("LSTM", _X, (_Z((B, H), np.float32), _Z((B, H), np.float32))),
    ],
)
def test_forward_errors(kind, x, hx):
    tm, mm = _pair(kind, np.float32, I, H)
    _same_error(lambda: mm(_as(mt, x), _as(mt, hx)), lambda: tm(_as(torch, x), _as(torch, hx)))


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize(
    "x,hs", [((B, I + 1), (B, H)), ((B, I), (B + 1, H)), ((B, I), (B, H + 1)), ((2, B, I), (B, H))]
)
def test_cell_errors(kind, x, hs):
    tm, mm = _pair(kind, np.float32, I, H)

    def state(lib):
        s = lib.zeros(*hs)
        return (s, s) if kind == "LSTMCell" else s

    _same_error(lambda: mm(mt.zeros(*x), state(mt)), lambda: tm(torch.zeros(*x), state(torch)))
