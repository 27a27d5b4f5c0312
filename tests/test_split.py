"""split / chunk / unbind: one backward node for all the pieces (no per-piece scatter into a
full-size zero tensor), gradients and node names as torch's, unused pieces count as zero, and
modifying a piece in place is refused as torch refuses it."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt

pytestmark = needs_torch

CASES = [
    ("split-int", lambda x: x.split(2, 1)),
    ("split-sizes", lambda x: x.split([1, 3, 1], 1)),
    ("chunk", lambda x: x.chunk(3, 1)),
    ("unbind", lambda x: x.unbind(1)),
    ("unbind-neg", lambda x: x.unbind(-1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_pieces_grads_and_node_names_match_torch(name, fn, dtype):
    arr = np.random.default_rng(0).standard_normal((3, 5, 4)).astype(dtype)
    x, tx = mt.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
    pieces, tpieces = fn(x), fn(tx)
    assert len(pieces) == len(tpieces)
    assert all(p.grad_fn is pieces[0].grad_fn for p in pieces), "one node for all the pieces"
    assert type(pieces[0].grad_fn).__name__ == type(tpieces[0].grad_fn).__name__
    for p, tp in zip(pieces, tpieces):
        assert_close(p, tp)
    # use only some pieces, with different weights: unused ones contribute zero
    loss = sum((i + 1) * (p * p).sum() for i, p in enumerate(pieces) if i != 1)
    tloss = sum((i + 1) * (p * p).sum() for i, p in enumerate(tpieces) if i != 1)
    loss.backward()
    tloss.backward()
    assert_close(x.grad, tx.grad)


def test_pieces_are_views_sharing_the_version_counter():
    x = mt.randn(4, 3)
    a, b = x.split(2)
    assert np.shares_memory(a._data, x._data) and a._version == x._version
    x.add_(1)
    assert a._version == x._version == 1


def test_double_backward_through_split():
    x = mt.randn(4, 3, dtype=mt.float64, requires_grad=True)
    assert mt.autograd.gradgradcheck(
        lambda t: t.split([1, 3])[1].exp().sum() + t.unbind(1)[0].pow(3).sum(), (x,)
    )


def test_inplace_on_a_piece_is_refused_like_torch():
    x = mt.randn(4, 3, requires_grad=True) * 1
    tx = torch.randn(4, 3, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="returns multiple views"):
        tx.chunk(2)[0].add_(1)
    with pytest.raises(RuntimeError, match="returns multiple views"):
        x.chunk(2)[0].add_(1)
    with mt.no_grad():  # allowed when nothing is recorded, as in torch
        x.chunk(2)[0].add_(1)
