"""Module bookkeeping against torch: registration and names, repr, train/eval, state_dict and
load_state_dict (round trips, failed loads leave the model unchanged, strict=False), dtype
conversion keeping the same Parameter objects, hooks (forward and full backward), Parameter,
and the containers Sequential / ModuleList / ModuleDict."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from helpers import assert_close, needs_torch, torch

import minitorch as mt
import minitorch.nn as nn
import minitorch.nn.functional as F


def build(lib):
    """The same architecture from minitorch.nn or torch.nn."""

    class Block(lib.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.Linear(4, 4)
            self.act = lib.LeakyReLU(0.2)
            self.register_buffer("running", (mt if lib is nn else torch).zeros(4))
            self.register_buffer("scratch", (mt if lib is nn else torch).ones(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) + self.running

    class Net(lib.Module):
        def __init__(self):
            super().__init__()
            self.embed = lib.Embedding(10, 4, padding_idx=0)
            self.blocks = lib.ModuleList([Block(), Block()])
            self.heads = lib.ModuleDict(
                {"cls": lib.Linear(4, 3), "reg": lib.Sequential(lib.Linear(4, 2, bias=False), lib.Tanh())}
            )
            self.drop = lib.Dropout(0.1)
            self.scale = lib.Parameter((mt if lib is nn else torch).ones(1))

        def forward(self, idx):
            h = self.embed(idx).mean(1)
            for b in self.blocks:
                h = b(h)
            h = self.drop(h) * self.scale
            return self.heads["cls"](h), self.heads["reg"](h)

    return Net()


# --- registration and names ---
@needs_torch
def test_names_match_torch():
    m, t = build(nn), build(torch.nn)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    assert list(m.state_dict()) == list(t.state_dict())
    assert [n for n, _ in m.named_parameters(prefix="model")] == [
        n for n, _ in t.named_parameters(prefix="model")
    ]
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["scale"]
    assert len(list(m.parameters())) == len(list(t.parameters()))
    assert len(list(m.modules())) == len(list(t.modules()))


@needs_torch
def test_repr_matches_torch():
    assert repr(build(nn)) == repr(build(torch.nn))
    for lib_args in [
        lambda lib: lib.Sequential(lib.Linear(4, 3), lib.ReLU()),
        lambda lib: lib.Sequential(OrderedDict(fc=lib.Linear(2, 2), act=lib.GELU(approximate="tanh"))),
        lambda lib: lib.ModuleList(
            [lib.Linear(2, 2) for _ in range(3)] + [lib.ReLU(), lib.ReLU(), lib.Tanh()]
        ),
        lambda lib: lib.ModuleList(),
        lambda lib: lib.Sequential(),
        lambda lib: lib.ModuleDict(),
        lambda lib: lib.Sequential(
            lib.Flatten(),
            lib.Unflatten(1, (2, 3)),
            lib.Softmax(dim=1),
            lib.LogSoftmax(1),
            lib.ELU(alpha=0.5, inplace=True),
            lib.Dropout2d(0.3),
            lib.Identity(),
        ),
        lambda lib: lib.Sequential(
            lib.CrossEntropyLoss(), lib.MSELoss(), lib.BCEWithLogitsLoss(), lib.NLLLoss()
        ),
    ]:
        assert repr(lib_args(nn)) == repr(lib_args(torch.nn))
    assert repr(nn.Sequential(nn.Linear(4, 3), nn.ReLU())) == (
        "Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): ReLU()\n)"
    )


def test_extra_repr_multiline_and_custom():
    class Custom(nn.Module):
        def extra_repr(self):
            return "a=1,\nb=2"

    class Single(nn.Module):
        def extra_repr(self):
            return "k=3"

    outer = nn.Sequential(Custom(), Single())
    assert repr(Single()) == "Single(k=3)"
    assert repr(outer) == "Sequential(\n  (0): Custom(\n    a=1,\n    b=2\n  )\n  (1): Single(k=3)\n)"


def test_register_parameter_none_and_attribute_routing():
    lin = nn.Linear(3, 2, bias=False)
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    assert list(lin.state_dict()) == ["weight"]
    lin.bias = nn.Parameter(mt.zeros(2))
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]
    with pytest.raises(TypeError, match="cannot assign 'minitorch.FloatTensor' as parameter 'bias'"):
        lin.bias = mt.zeros(2)
    lin.bias = None
    assert "bias" in lin._parameters and lin.bias is None
    del lin.weight
    assert "weight" not in dict(lin.named_parameters())
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'weight'"):
        _ = lin.weight


def test_registration_errors_like_torch():
    m = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", None)
    with pytest.raises(TypeError, match="cannot assign 'minitorch.FloatTensor' object to parameter 'w'"):
        m.register_parameter("w", mt.zeros(1))
    with pytest.raises(TypeError, match="parameter name should be a string"):
        m.register_parameter(1, None)
    m.x = 5
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", mt.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("c", 3)
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'w'"):
        m.register_parameter("w", _nonleaf_param())
    m.register_buffer("buf", mt.zeros(2))
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'buf'"):
        m.buf = 3
    m.buf = mt.ones(2)
    assert np.all(m.buf._data == 1)

    class NoInit(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(mt.ones(1))

    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__\\(\\) call"):
        NoInit()


def _nonleaf_param():
    p = nn.Parameter(mt.ones(1))
    p.grad_fn = (mt.ones(1, requires_grad=True) * 2).grad_fn
    return p


def test_reassigning_kind_moves_between_registries():
    m = nn.Module()
    m.register_buffer("a", mt.zeros(1))
    m.a = nn.Parameter(mt.ones(1))
    assert "a" in m._parameters and "a" not in m._buffers
    with pytest.raises(TypeError, match="cannot assign 'Linear' as parameter 'a'"):
        m.a = nn.Linear(1, 1)  # as torch: a parameter slot takes a Parameter or None
    m.b = nn.Linear(1, 1)
    m.b = nn.Parameter(mt.ones(1))
    assert "b" in m._parameters and "b" not in m._modules
    assert "a" in dir(m) and "training" in dir(m)


def test_get_submodule_parameter_buffer():
    m = build(nn)
    assert m.get_submodule("blocks.1.fc") is m.blocks[1].fc
    assert m.get_parameter("heads.cls.bias") is m.heads["cls"].bias
    assert m.get_buffer("blocks.0.running") is m.blocks[0].running
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        m.get_submodule("blocks.nope")


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


# --- train / eval / grads / apply ---
def test_train_eval_propagates():
    m = build(nn)
    assert all(x.training for x in m.modules())
    assert m.eval() is m
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    m.blocks.train(False)
    assert m.training and not m.blocks[0].fc.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("yes")


def test_zero_grad_and_requires_grad_():
    lin = nn.Linear(3, 2)
    lin(mt.randn(4, 3)).sum().backward()
    g = lin.weight.grad
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is g and np.all(g._data == 0)
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None
    lin.requires_grad_(False)
    assert not any(p.requires_grad for p in lin.parameters())
    assert not lin(mt.randn(1, 3)).requires_grad


@needs_torch
def test_apply_visits_modules_in_torch_order():
    seen_m, seen_t = [], []
    build(nn).apply(lambda mod: seen_m.append(type(mod).__name__))
    build(torch.nn).apply(lambda mod: seen_t.append(type(mod).__name__))
    assert seen_m == seen_t


def test_apply_custom_init():
    def init(mod):
        if isinstance(mod, nn.Linear):
            nn.init.constant_(mod.weight, 0.5)

    m = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Sequential(nn.Linear(2, 1)))
    assert m.apply(init) is m
    assert np.all(m[0].weight._data == 0.5) and np.all(m[2][0].weight._data == 0.5)


# --- dtype conversion ---
def test_double_float_keep_parameter_objects():
    m = build(nn)
    params = list(m.parameters())
    m(mt.tensor([[1, 2]]))[0].sum().backward()
    assert m.double() is m
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    assert all(p.dtype == mt.float64 for p in m.parameters())
    assert all(b.dtype == mt.float64 for b in m.buffers())
    assert all(p.grad.dtype == mt.float64 for p in m.parameters() if p.grad is not None)
    assert all(p.requires_grad and p.is_leaf for p in m.parameters())
    out = m(mt.tensor([[1, 2]]))[0]
    assert out.dtype == mt.float64
    m.float()
    assert all(p.dtype == mt.float32 for p in m.parameters())
    m.to(mt.float64)
    assert all(p.dtype == mt.float64 for p in params)
    m.to("cpu")
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        m.to(mt.int64)


def test_integer_buffers_untouched_by_double():
    m = nn.Module()
    m.register_buffer("count", mt.tensor(3))
    m.double()
    assert m.count.dtype == mt.int64


# --- state_dict ---
@needs_torch
def test_state_dict_round_trip_from_torch_gives_same_outputs():
    t = build(torch.nn).eval()
    m = build(nn).eval()
    res = m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    assert (
        res.missing_keys == []
        and res.unexpected_keys == []
        and repr(res) == "<All keys matched successfully>"
    )
    idx = np.array([[1, 2, 3], [0, 4, 9]])
    for a, b in zip(m(mt.tensor(idx)), t(torch.tensor(idx))):
        assert_close(a, b)
    back = {k: torch.from_numpy(v.numpy().copy()) for k, v in m.state_dict().items()}
    t2 = build(torch.nn).eval()
    t2.load_state_dict(back)
    for a, b in zip(t2(torch.tensor(idx)), t(torch.tensor(idx))):
        assert torch.equal(a, b)


def test_state_dict_tensors_detached_and_sharing_memory():
    lin = nn.Linear(3, 2)
    sd = lin.state_dict()
    assert isinstance(sd, OrderedDict)
    assert type(sd["weight"]) is mt.Tensor and not sd["weight"].requires_grad
    sd["weight"][0, 0] = 42.0
    assert lin.weight._data[0, 0] == 42.0
    kv = lin.state_dict(keep_vars=True)
    assert kv["weight"] is lin.weight


def test_state_dict_round_trip_between_minitorch_models():
    a, b = build(nn), build(nn)
    b.load_state_dict({k: v.clone() for k, v in a.state_dict().items()})
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb and np.array_equal(pa._data, pb._data)
    assert "blocks.0.scratch" not in a.state_dict()


def _snapshot(m):
    return {k: v._data.copy() for k, v in m.state_dict().items()}


def _unchanged(m, snap):
    return all(np.array_equal(v._data, snap[k]) for k, v in m.state_dict().items())


@needs_torch
@pytest.mark.parametrize("case", ["missing", "unexpected", "size", "all", "nonarray"])
def test_failed_load_leaves_model_unchanged_with_torch_message(case):
    t_src, t_dst = torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    m_dst = nn.Linear(4, 3)
    sd = {k: v.detach().clone() for k, v in t_src.state_dict().items()}
    if case in ("missing", "all"):
        del sd["bias"]
    if case in ("unexpected", "all"):
        sd["extra.weight"] = torch.zeros(2)
        sd["foo"] = torch.zeros(1)
    if case in ("size", "all"):
        sd["weight"] = torch.zeros(3, 5)
    if case == "nonarray":
        sd["weight"] = "oops"
    with pytest.raises(RuntimeError) as te:
        t_dst.load_state_dict(sd)
    snap = _snapshot(m_dst)
    m_sd = {k: (v.numpy() if isinstance(v, torch.Tensor) else v) for k, v in sd.items()}
    with pytest.raises(RuntimeError) as me:
        m_dst.load_state_dict(m_sd)
    expected = str(te.value).replace("torch.Size", "minitorch.Size")
    if case == "nonarray":
        assert str(me.value).startswith(
            'Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight"'
        )
    else:
        assert str(me.value) == expected
    assert _unchanged(m_dst, snap)


@needs_torch
def test_strict_false_returns_incompatible_keys_like_torch():
    t, m = (
        torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)),
        nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1)),
    )
    sd = {k: v.detach().clone() for k, v in t.state_dict().items()}
    del sd["1.bias"]
    sd["2.weight"] = torch.zeros(1)
    sd["0.extra"] = torch.zeros(1)
    res_t = t.load_state_dict(sd, strict=False)
    res_m = m.load_state_dict({k: v.numpy() for k, v in sd.items()}, strict=False)
    assert res_m.missing_keys == res_t.missing_keys
    assert res_m.unexpected_keys == res_t.unexpected_keys
    assert res_m == (res_m.missing_keys, res_m.unexpected_keys)
    assert_close(m[0].weight.detach(), t[0].weight)  # the matching keys were loaded


def test_strict_false_still_refuses_size_mismatch_and_changes_nothing():
    m = nn.Linear(4, 3)
    snap = _snapshot(m)
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        m.load_state_dict(
            {"weight": np.zeros((3, 5), np.float32), "bias": np.ones(3, np.float32)}, strict=False
        )
    assert _unchanged(m, snap)


def test_load_state_dict_copies_in_place_and_converts_dtype():
    m = nn.Linear(2, 2)
    w = m.weight
    m.load_state_dict({"weight": np.ones((2, 2)), "bias": mt.zeros(2, dtype=mt.float64)})
    assert m.weight is w and w.dtype == mt.float32 and np.all(w._data == 1) and np.all(m.bias._data == 0)
    assert w.requires_grad and w.is_leaf
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.load_state_dict([("weight", np.ones((2, 2)))])


def test_load_state_dict_assign():
    m = nn.Linear(2, 2)
    new_w = mt.ones(2, 2, dtype=mt.float64)
    m.load_state_dict({"weight": new_w, "bias": mt.zeros(2)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.dtype == mt.float64 and m.weight.requires_grad


def test_load_state_dict_buffers():
    a, b = build(nn), build(nn)
    with mt.no_grad():
        a.blocks[0].running.fill_(3.0)
    b.load_state_dict(a.state_dict())
    assert np.all(b.blocks[0].running._data == 3.0)


# --- hooks ---
def test_forward_pre_hook_and_forward_hook():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(
        lambda mod, args, out: calls.append((mod, args[0]._data.copy())) or out + 1
    )
    out = lin(mt.ones(1, 2))
    assert np.allclose(out._data, lin.bias._data + 1)
    assert calls[0][0] is lin and np.all(calls[0][1] == 0)
    h1.remove()
    h2.remove()
    out = lin(mt.ones(1, 2))
    assert np.allclose(out._data, lin.weight._data.sum(1) + lin.bias._data)


def test_forward_hooks_with_kwargs_and_prepend():
    class M(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    m = M()
    order = []
    m.register_forward_hook(lambda mod, args, out: order.append("a"))
    m.register_forward_hook(lambda mod, args, out: order.append("b"), prepend=True)
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}), with_kwargs=True)
    h = m.register_forward_hook(lambda mod, args, kwargs, out: out + kwargs["scale"], with_kwargs=True)
    out = m(mt.ones(2), scale=2.0)
    assert np.all(out._data == 6.0) and order == ["b", "a"]
    with h:
        pass
    assert np.all(m(mt.ones(2))._data == 3.0)


@needs_torch
def test_full_backward_hook_sees_torch_grads():
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    m.load_state_dict({k: v.detach().numpy() for k, v in t.state_dict().items()})
    rec_t, rec_m = [], []
    for mod, rec in ((t[1], rec_t), (t, rec_t), (m[1], rec_m), (m, rec_m)):
        mod.register_full_backward_hook(lambda mod, gi, go, rec=rec: rec.append((gi, go)))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    xt, xm = torch.tensor(x, requires_grad=True), mt.tensor(x, requires_grad=True)
    t(xt).pow(2).sum().backward()
    m(xm).pow(2).sum().backward()
    assert len(rec_m) == len(rec_t) == 2
    for (gi_m, go_m), (gi_t, go_t) in zip(rec_m, rec_t):
        assert len(gi_m) == len(gi_t) and len(go_m) == len(go_t)
        for a, b in zip(gi_m + go_m, gi_t + go_t):
            assert_close(a, b)
    assert_close(xm.grad, xt.grad)


@needs_torch
def test_full_backward_hook_can_replace_grad_input_and_pre_hook_grad_output():
    def run(lib, T):
        torch.manual_seed(0)
        lin_t = torch.nn.Linear(3, 2)
        seq = lib.Sequential(lib.Linear(3, 3), lib.Sigmoid(), lib.Linear(3, 2))
        if lib is nn:
            seq[2].load_state_dict({k: v.detach().numpy() for k, v in lin_t.state_dict().items()})
            seq[0].load_state_dict({"weight": np.eye(3, dtype=np.float32), "bias": np.zeros(3, np.float32)})
        else:
            seq[2].load_state_dict(lin_t.state_dict())
            seq[0].load_state_dict({"weight": torch.eye(3), "bias": torch.zeros(3)})
        seq[1].register_full_backward_hook(lambda mod, gi, go: (gi[0] * 3,))
        seq[2].register_full_backward_pre_hook(lambda mod, go: (go[0] * -1,))
        x = T.tensor(np.arange(6, dtype=np.float32).reshape(2, 3) / 6, requires_grad=True)
        seq(x).sum().backward()
        return x.grad, seq[2].weight.grad

    for a, b in zip(run(nn, mt), run(torch.nn, torch)):
        assert_close(a, b)


def test_full_backward_hook_without_input_grad_and_removal():
    lin = nn.Linear(2, 2)
    seen = []
    h = lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go)))
    out = lin(mt.ones(1, 2))
    assert out.grad_fn.name() == "BackwardHookFunctionBackward"
    out.sum().backward()
    assert seen[0][0] == (None,) and np.all(seen[0][1][0]._data == 1)
    h.remove()
    lin(mt.ones(1, 2)).sum().backward()
    assert len(seen) == 1


# --- Parameter ---
@needs_torch
def test_parameter_basics_and_repr():
    t = mt.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, mt.Tensor) and p.requires_grad and p.is_leaf
    assert p._data is t._data
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    q = p * 2
    assert type(q) is mt.Tensor
    assert type(p.detach()) is mt.Tensor


def test_parameter_deepcopy_and_pickle():
    m = nn.Sequential(nn.Linear(2, 2))
    c = copy.deepcopy(m)
    assert isinstance(c[0].weight, nn.Parameter) and c[0].weight.requires_grad
    assert c[0].weight is not m[0].weight and np.array_equal(c[0].weight._data, m[0].weight._data)
    c[0].weight._data[0, 0] = 99
    assert m[0].weight._data[0, 0] != 99
    # a copy made after backward has its own autograd bookkeeping: its grads stay its own
    m(mt.ones(1, 2)).sum().backward()
    c2 = copy.deepcopy(m)
    assert c2[0].weight.grad is not m[0].weight.grad and np.array_equal(
        c2[0].weight.grad._data, m[0].weight.grad._data
    )
    m.zero_grad()
    c2.zero_grad()
    c2(mt.ones(1, 2)).sum().backward()
    assert m[0].weight.grad is None and c2[0].weight.grad is not None
    p2 = pickle.loads(pickle.dumps(m[0].weight))
    assert isinstance(p2, nn.Parameter) and p2.requires_grad and np.array_equal(p2._data, m[0].weight._data)
    m2 = pickle.loads(pickle.dumps(m))
    assert np.array_equal(m2(mt.ones(1, 2))._data, m(mt.ones(1, 2))._data)


def test_parameter_of_integer_tensor_raises():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(mt.tensor([1, 2]))


# --- containers ---
def test_sequential_indexing_slicing_and_mutation():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid()]
    s = nn.Sequential(*layers)
    assert len(s) == 4 and list(s) == layers
    assert s[0] is layers[0] and s[-1] is layers[3]
    sub = s[1:3]
    assert isinstance(sub, nn.Sequential) and list(sub) == layers[1:3]
    assert list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        s[4]
    s.append(nn.Tanh())
    assert len(s) == 5 and isinstance(s[4], nn.Tanh)
    s.insert(1, nn.Identity())
    assert isinstance(s[1], nn.Identity) and list(s._modules) == [str(i) for i in range(6)]
    s.extend([nn.ReLU()])
    assert len(s) == 7
    popped = s.pop(1)
    assert isinstance(popped, nn.Identity) and len(s) == 6 and s[1] is layers[1]
    del s[-1]
    assert len(s) == 5
    s[0] = nn.Linear(2, 3)
    assert s[0] is not layers[0]
    out = nn.Sequential(*layers)(mt.randn(4, 2))
    assert out.shape == (4, 1)


@needs_torch
def test_sequential_ordereddict_and_add():
    s = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert s.fc is s[0] and list(s._modules) == ["fc", "act"]
    both = s + nn.Sequential(nn.Tanh())
    assert len(both) == 3 and list(both._modules) == ["0", "1", "2"]
    ts = torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(2, 2)), ("act", torch.nn.ReLU())]))
    assert repr(s) == repr(ts)
    assert repr(s[1:]) == repr(ts[1:])


def test_module_list():
    ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
    ml.append(nn.Tanh())
    ml.extend([nn.Sigmoid()])
    ml += [nn.Identity()]
    assert len(ml) == 5 and isinstance(ml[-1], nn.Identity)
    ml.insert(0, nn.ELU())
    assert isinstance(ml[0], nn.ELU) and isinstance(ml[1], nn.Linear)
    assert isinstance(ml[1:3], nn.ModuleList) and len(ml[1:3]) == 2
    del ml[0]
    assert isinstance(ml[0], nn.Linear) and list(ml._modules) == [str(i) for i in range(5)]
    assert len(list(ml.parameters())) == 2
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        ml(mt.ones(1))
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(nn.ReLU())


def test_module_dict():
    md = nn.ModuleDict({"a": nn.Linear(1, 2)})
    md["b"] = nn.ReLU()
    md.update([("c", nn.Tanh())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert md.pop("b").__class__ is nn.ReLU and "b" not in md
    assert [k for k, _ in md.items()] == ["a", "c"] and len(list(md.values())) == 2
    assert list(iter(md)) == ["a", "c"]
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]
    md.clear()
    assert len(md) == 0
    with pytest.raises(ValueError, match="has length 3; 2 is required"):
        md.update([("x", nn.ReLU(), 1)])


def test_call_runs_forward_and_missing_forward_errors():
    class Double(nn.Module):
        def forward(self, x):
            return x * 2

    assert np.all(Double()(mt.ones(2))._data == 2)
    with pytest.raises(
        NotImplementedError, match=r'Module \[Module\] is missing the required "forward" function'
    ):
        nn.Module()(mt.ones(1))
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        nn.Module(foo=1)


def test_module_trains_with_cross_entropy():
    mt.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    x = mt.randn(64, 2)
    y = (x[:, 0] > 0).long()
    first = None
    for _ in range(60):
        loss = F.cross_entropy(model(x), y)
        first = loss.item() if first is None else first
        model.zero_grad()
        loss.backward()
        with mt.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
    assert loss.item() < 0.5 * first


@needs_torch
def test_batchnorm_state_dict_without_num_batches_tracked_as_torch():
    """A state dict from before ``num_batches_tracked`` (no metadata, or version < 2) loads and
    keeps the module's count; with torch's version-2 metadata the key is missing, as torch."""
    for lib in (mt, torch):
        m = lib.nn.Sequential(lib.nn.BatchNorm1d(3))
        m[0].num_batches_tracked.fill_(4)
        sd = {k: v for k, v in m.state_dict().items() if "num_batches" not in k}
        assert not m.load_state_dict(sd).missing_keys and int(m[0].num_batches_tracked) == 4
        old = OrderedDict(sd)
        old._metadata = {"": {"version": 1}, "0": {"version": 1}}
        assert not m.load_state_dict(old).missing_keys
        new = OrderedDict(sd)
        new._metadata = {"": {"version": 1}, "0": {"version": 2}}
        assert m.load_state_dict(new, strict=False).missing_keys == ["0.num_batches_tracked"]
