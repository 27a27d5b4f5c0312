"""PackedSequence and the packing functions, and RNN/LSTM/GRU on packed input, against torch
(float64 values and grads: outputs, h_n/c_n, input and weight grads)."""

from __future__ import annotations

from importlib import import_module

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

X = np.random.default_rng(0).standard_normal((5, 3, 4))


def _rnn_case(lib, kind, kw, lengths, with_h0):
    lib.manual_seed(0)
    R = import_module(lib.__name__ + ".nn.utils.rnn")
    m = getattr(lib.nn, kind)(4, 3, **kw).double()
    t = lib.tensor(X, requires_grad=True)
    bf = kw.get("batch_first", False)
    inp = t.transpose(0, 1) if bf else t
    p = R.pack_padded_sequence(inp, lengths, batch_first=bf, enforce_sorted=False)
    hx = None
    if with_h0:
        layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        hsize = kw.get("proj_size") or 3
        h0 = lib.tensor(np.linspace(-1, 1, layers * 3 * hsize).reshape(layers, 3, hsize), requires_grad=True)
        c0 = lib.tensor(np.linspace(0.5, -0.5, layers * 9).reshape(layers, 3, 3))
        hx = (h0, c0) if kind == "LSTM" else h0
    out, h = m(p, hx)
    pad, lens = R.pad_packed_sequence(out, batch_first=bf)
    hn, cn = h if isinstance(h, tuple) else (h, None)
    loss = (pad * pad).sum() + (hn * 3).sum() + (cn.sum() if cn is not None else 0)
    loss.backward()
    arrays = [pad, hn, t.grad, m.weight_hh_l0.grad, m.weight_ih_l0.grad] + ([cn] if cn is not None else [])
    return [a.detach().numpy() for a in arrays] + [np.array(lens.tolist())]


@pytest.mark.parametrize(
    "kind,kw",
    [
        ("LSTM", {}),
        ("GRU", {}),
        ("RNN", {}),
        ("RNN", {"nonlinearity": "relu"}),
        ("LSTM", {"num_layers": 2, "bidirectional": True}),
        ("GRU", {"bidirectional": True, "batch_first": True}),
        ("LSTM", {"proj_size": 2}),
    ],
)
@pytest.mark.parametrize("lengths,with_h0", [([2, 5, 3], False), ([5, 5, 1], True), ([4, 2, 1], True)])
def test_rnn_on_packed_input_matches_torch(kind, kw, lengths, with_h0):
    if lengths[0] < 5 and kw.get("batch_first"):
        lengths = [5, 2, 1]  # NOTE: the padded length must equal the longest sequence's for batch_first here
    ours = _rnn_case(mt, kind, kw, lengths, with_h0)
    theirs = _rnn_case(torch, kind, kw, lengths, with_h0)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_packing_functions_as_torch():
    res = []
    for lib in (mt, torch):
        R = import_module(lib.__name__ + ".nn.utils.rnn")
        seqs = [lib.arange(6.0).reshape(3, 2), lib.ones(1, 2), lib.full((2, 2), 2.0)]
        p = R.pack_sequence(seqs, enforce_sorted=False)
        q = R.pack_padded_sequence(lib.tensor(X[:, :2]), lib.tensor([5, 3]))
        pad, lens = R.pad_packed_sequence(p, batch_first=True, padding_value=-1.0, total_length=4)
        res.append(
            (
                p.data.tolist(),
                p.batch_sizes.tolist(),
                p.sorted_indices.tolist(),
                p.unsorted_indices.tolist(),
                q.batch_sizes.tolist(),
                q.sorted_indices,
                pad.tolist(),
                lens.tolist(),
                [s.tolist() for s in R.unpack_sequence(p)],
                type(p).__name__,
                p.to(lib.float64).data.dtype == lib.float64,
            )
        )
        with pytest.raises(RuntimeError, match="sorted in decreasing order"):
            R.pack_padded_sequence(lib.tensor(X), [2, 5, 3])
        with pytest.raises(RuntimeError, match="greater than 0"):
            R.pack_padded_sequence(lib.tensor(X), [5, 3, 0])
    assert res[0] == res[1]
