"""Module and Tensor methods that public scripts call, against torch: extra state in state_dict,
load_state_dict post hooks, bfloat16()/to_empty()/compile(); index_put(_), masked_scatter(_),
storage_offset/nbytes/itemsize, apply_/map_, resize_."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt

pytestmark = needs_torch


def _module_with_extra_state(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)
            self.count = 3

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]

    return M


def test_extra_state_and_load_post_hooks_as_torch():
    out = []
    for lib in (torch, mt):
        M = _module_with_extra_state(lib)
        sd = M().state_dict()
        m2, calls = M(), []
        m2.count = 0
        m2.register_load_state_dict_post_hook(
            lambda mod, keys, calls=calls: calls.append(list(keys.missing_keys))
        )
        res = m2.load_state_dict(sd)
        del sd["_extra_state"]
        with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "_extra_state"'):
            m2.load_state_dict(sd)
        loose = m2.load_state_dict(sd, strict=False)
        with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "_extra_state"'):
            lib.nn.Linear(2, 2).load_state_dict({**lib.nn.Linear(2, 2).state_dict(), "_extra_state": 1})
        out.append((list(M().state_dict()), repr(res), m2.count, calls, list(loose.missing_keys)))
    assert out[0] == out[1]


def test_bfloat16_to_empty_and_compile():
    pytest.importorskip("ml_dtypes")
    m = mt.nn.Sequential(mt.nn.Linear(2, 3), mt.nn.BatchNorm1d(3))
    m.bfloat16()
    assert m[0].weight.dtype == mt.bfloat16 and m[1].num_batches_tracked.dtype == mt.int64
    e = mt.nn.Linear(4, 2).to_empty(device="cpu")
    assert isinstance(e.weight, mt.nn.Parameter) and e.weight.requires_grad and e.weight.shape == (2, 4)
    assert mt.nn.Linear(2, 2).compile() is None


def _index_put_case(lib):
    x = lib.arange(12.0).reshape(3, 4).requires_grad_()
    y = x * 1
    z = y.index_put(
        (lib.tensor([0, 2, 0]), lib.tensor([1, 3, 1])), lib.tensor([10.0, 20.0, 30.0]), accumulate=True
    )
    w = y.index_put((lib.tensor([0, 2]), lib.tensor([1, 3])), lib.tensor(5.0))
    m = y.masked_scatter(y > 6, lib.arange(100.0, 112.0))
    v = lib.zeros(5)
    v.index_put_((lib.tensor([1, 1, 3]),), lib.tensor([1.0, 2.0, 3.0]), accumulate=True)
    (z.sum() + (w * 2).sum() + (m * 3).sum()).backward()
    return [t.detach().numpy() for t in (z, w, m, v, x.grad)]


def test_index_put_and_masked_scatter_values_and_grads_as_torch():
    for a, b in zip(_index_put_case(mt), _index_put_case(torch)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(RuntimeError, match="at least as many elements"):
        mt.zeros(4).masked_scatter_(mt.ones(4, dtype=mt.bool), mt.ones(2))


def test_storage_questions_and_python_callbacks_as_torch():
    res = []
    for lib in (mt, torch):
        t = lib.arange(10.0)[2:]
        a = lib.arange(6.0).reshape(2, 3)
        a.apply_(lambda v: v * 2)
        a.map_(lib.ones(3), lambda u, v: u + v)
        r = lib.arange(6.0)
        r.resize_(2, 2)
        first = r.tolist()
        r.resize_(3)
        res.append(
            (
                t.storage_offset(),
                t.nbytes,
                t.itemsize,
                lib.ones(2, 3).t().storage_offset(),
                a.tolist(),
                first,
                r.tolist(),
            )
        )
        with pytest.raises(RuntimeError):
            lib.ones(2, requires_grad=True).resize_(3)
    assert res[0] == res[1]


def test_post_accumulate_grad_hook_as_torch():
    res = []
    for lib in (torch, mt):
        w = lib.ones(3, requires_grad=True)
        seen = []
        h = w.register_post_accumulate_grad_hook(lambda p, seen=seen: seen.append(p.grad.tolist()))
        (w * 2).sum().backward()
        (w * 3).sum().backward()
        h.remove()
        (w * 1).sum().backward()
        m = lib.nn.Linear(2, 1)
        opts = {p: lib.optim.SGD([p], lr=0.1) for p in m.parameters()}

        def step(p, opts=opts):  # the optimizer-in-backward pattern
            opts[p].step()
            opts[p].zero_grad()

        for p in m.parameters():
            p.register_post_accumulate_grad_hook(step)
        with lib.no_grad():
            m.weight.fill_(1.0)
            m.bias.fill_(0.0)
        m(lib.ones(1, 2)).sum().backward()
        with pytest.raises(RuntimeError, match="non-leaf"):
            (w * 2).register_post_accumulate_grad_hook(print)
        res.append((seen, m.weight.tolist(), m.bias.tolist(), m.weight.grad))
    assert res[0] == res[1]
