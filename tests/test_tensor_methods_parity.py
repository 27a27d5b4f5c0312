"""Tensor methods public scripts reach for (index_copy_, put_, addmm_, msort, nanmedian, the
in-place view ops, sum_to_size, memory_format=, char/short/bfloat16), torch.cpu and
is_inference_mode_enabled, against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minitorch as mt
from tests.helpers import assert_close, needs_torch, torch

pytestmark = needs_torch


def _pair(arr, grad=False):
    return mt.tensor(arr, requires_grad=grad), torch.tensor(arr, requires_grad=grad)


def _grads_agree(fn, *arrays):
    ms = [mt.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    om, ot = fn(mt, *ms), fn(torch, *ts)
    assert_close(om, ot)
    w = np.random.default_rng(0).standard_normal(tuple(ot.shape)).astype(np.float32)
    (om * mt.tensor(w)).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    for m, t in zip(ms, ts):
        assert_close(m.grad, t.grad)


def test_index_copy_and_put_values_and_grads():
    rng = np.random.default_rng(1)
    x, src = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((4, 2)).astype(np.float32)
    _grads_agree(lambda lib, a, s: a.index_copy(1, lib.tensor([2, 0]), s), x, src)
    _grads_agree(lambda lib, a, s: a.put(lib.tensor([-1, 0, 5]), s[0, :1].expand(3)), x, src)
    _grads_agree(lambda lib, a, s: a.put(lib.tensor([1, 1]), s[0], accumulate=True), x, src)
    for lib in (mt, torch):
        z = lib.zeros(5)
        assert z.index_copy_(0, lib.tensor([0, 4]), lib.tensor([1.0, 2.0])) is z
        z.put_(lib.tensor([2]), lib.tensor([7.0]))
        np.testing.assert_array_equal(z.numpy(), [1, 0, 7, 0, 2])


@pytest.mark.parametrize(
    "name,shapes",
    [
        ("addmm_", [(2, 2), (2, 3), (3, 2)]),
        ("addmv_", [(2,), (2, 3), (3,)]),
        ("addr_", [(2, 3), (2,), (3,)]),
        ("baddbmm_", [(2, 2, 2), (2, 2, 3), (2, 3, 2)]),
        ("addbmm_", [(2, 2), (4, 2, 3), (4, 3, 2)]),
    ],
)
def test_in_place_matrix_products(name, shapes):
    rng = np.random.default_rng(2)
    arrs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    res = []
    for lib in (mt, torch):
        t = lib.tensor(arrs[0])
        assert getattr(t, name)(lib.tensor(arrs[1]), lib.tensor(arrs[2]), beta=0.5, alpha=2) is t
        res.append(t)
    assert_close(*res)


def test_msort_and_nanmedian_as_torch():
    x = np.array([[np.nan, np.nan, np.nan], [1, 2, 3], [4, np.nan, 1], [2, 2, 1]], np.float32)
    a, b = _pair(x, grad=True)
    assert_close(a.msort(), b.msort())
    assert_close(mt.msort(a), torch.msort(b))
    ra, rb = a.nanmedian(1), b.nanmedian(1)
    assert_close(ra.values, rb.values)
    np.testing.assert_array_equal(ra.indices.numpy(), rb.indices.numpy())
    ra.values.nan_to_num().sum().backward()
    rb.values.nan_to_num().sum().backward()
    assert_close(a.grad, b.grad)
    assert_close(mt.nanmedian(a), torch.nanmedian(b))
    assert_close(a.nanmedian(0, keepdim=True).values, b.nanmedian(0, keepdim=True).values)
    assert mt.tensor([3, 1, 2]).nanmedian().item() == torch.tensor([3, 1, 2]).nanmedian().item()


@pytest.mark.parametrize(
    "op,args", [("unsqueeze_", (0,)), ("squeeze_", ()), ("t_", ()), ("transpose_", (0, 1))]
)
def test_in_place_view_ops_as_torch(op, args):
    x = np.random.default_rng(3).standard_normal((3, 1) if op == "squeeze_" else (3, 2)).astype(np.float32)
    res = []
    for lib in (mt, torch):
        leaf = lib.tensor(x, requires_grad=True)
        y = leaf * 2
        v = y._version
        assert getattr(y, op)(*args) is y
        assert y._version == v + 1
        (y * lib.arange(y.numel(), dtype=lib.float32).reshape(y.shape)).sum().backward()
        res.append((tuple(y.shape), leaf.grad.numpy().copy()))
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(lib.ones(2, 1, requires_grad=True), op)(*args)
    assert res[0][0] == res[1][0]
    np.testing.assert_allclose(res[0][1], res[1][1])


def test_sum_to_size_as_torch():
    a, b = _pair(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    for size in [(3, 1), (1, 4), (2, 3, 4), (1, 1, 1), (4,)]:
        assert_close(a.sum_to_size(*size), b.sum_to_size(*size))
    assert_close(a.sum_to_size((3, 1)), b.sum_to_size((3, 1)))
    with pytest.raises(RuntimeError, match=r"size \{\[2, 4\]\} is not expandable to size \{\[2, 3, 4\]\}"):
        a.sum_to_size(2, 4)


def test_conversions_and_memory_format():
    x = np.array([1.5, -2.0, 300.0], np.float32)
    a, b = _pair(x)
    for name in ("char", "short", "bfloat16"):
        assert str(getattr(a, name)().dtype).split(".")[-1] == str(getattr(b, name)().dtype).split(".")[-1]
    for shape in [(1, 2, 3, 3), (1, 1, 3, 3), (2, 3, 1, 1)]:
        t = torch.zeros(shape)
        m = mt.zeros(shape)
        assert m.is_contiguous(memory_format=mt.channels_last) == t.is_contiguous(
            memory_format=torch.channels_last
        )
        assert m.is_contiguous(memory_format=mt.contiguous_format)
    m = mt.randn(1, 2, 3, 3)
    assert_close(m.contiguous(memory_format=mt.channels_last), m)


def test_is_inference_mode_enabled_and_torch_cpu():
    for lib in (mt, torch):
        assert not lib.is_inference_mode_enabled()
        with lib.inference_mode():
            assert lib.is_inference_mode_enabled() and not lib.is_grad_enabled()
        with lib.inference_mode(False):
            assert not lib.is_inference_mode_enabled()
        assert lib.inference_mode()(lib.is_inference_mode_enabled)()
        assert lib.cpu.is_available() and lib.cpu.device_count() == 1
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with lib.cpu.amp.autocast():
                y = lib.nn.Linear(2, 2)(lib.ones(1, 2))
        assert str(y.dtype).endswith("bfloat16")
        assert any("torch.cpu.amp.autocast(args...)` is deprecated" in str(x.message) for x in w)


_UNARY_INPLACE = "abs reciprocal log log2 log10 log1p exp2 expm1 rsqrt square floor ceil trunc sign sin cos tan sinh cosh erf erfc arcsin atan nan_to_num".split()


@pytest.mark.parametrize("name", _UNARY_INPLACE)
def test_unary_in_place_variants_values_and_grads(name):
    x = np.array([0.3, 0.7, 1.9, 0.45], np.float32)
    res = []
    for lib in (mt, torch):
        leaf = lib.tensor(x, requires_grad=True)
        y = leaf * 1.0
        v = y._version
        assert getattr(y, name + "_")() is y and y._version > v
        (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        res.append((y.detach().numpy().copy(), leaf.grad.numpy().copy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "name,arg",
    [
        ("atan2", "t"),
        ("fmod", 0.4),
        ("remainder", 0.4),
        ("hypot", "t"),
        ("true_divide", 3.0),
        ("floor_divide", 0.25),
        ("clamp_min", 0.5),
        ("clamp_max", 0.5),
        ("cumsum", 0),
        ("logit", 1e-3),
    ],
)
def test_binary_in_place_variants_as_torch(name, arg):
    x = np.array([0.3, 0.7, 1.9, 0.45], np.float32)
    other = np.array([0.5, 0.2, 1.0, 0.9], np.float32)
    res = []
    for lib in (mt, torch):
        t = lib.tensor(x)
        a = lib.tensor(other) if arg == "t" else arg
        getattr(t, name + "_")(a)
        res.append(t)
    assert_close(*res)


def test_shifts_floor_divide_and_cast_errors_as_torch():
    for lib in (mt, torch):
        z = lib.arange(6)
        np.testing.assert_array_equal((z << 1).numpy(), np.arange(6) << 1)
        np.testing.assert_array_equal((z >> 1).numpy(), np.arange(6) >> 1)
        np.testing.assert_array_equal((1 << lib.tensor([1, 2])).numpy(), [2, 4])
        np.testing.assert_array_equal(z.floor_divide(4).numpy(), np.arange(6) // 4)
        np.testing.assert_array_equal(lib.floor_divide(z, 4).numpy(), np.arange(6) // 4)
        with pytest.raises(
            RuntimeError, match="result type Float can't be cast to the desired output type Long"
        ):
            lib.arange(3).log_()
        with pytest.raises(
            RuntimeError, match="result type Float can't be cast to the desired output type Long"
        ):
            lib.arange(3).add_(1.5)


def test_dense_cpu_queries_as_torch():
    for lib in (mt, torch):
        x = lib.ones(2, 3)
        assert x.get_device() == -1 and not x.is_sparse and not x.is_meta and not x.is_quantized
        assert str(x.layout).endswith("strided") and not x.is_inference()
        assert x.is_signed() and not lib.tensor([1], dtype=lib.uint8).is_signed()
        assert x.is_same_size(lib.zeros(2, 3)) and not x.is_same_size(lib.zeros(3, 2))
        assert x.is_set_to(x) and not x.is_set_to(x.clone())
        assert x.conj() is x and x.resolve_conj() is x and x.resolve_neg() is x and x.real is x
        assert lib.conj(x) is x and lib.real(x) is x and not x.is_conj() and not x.is_neg()


def test_broadcast_helpers_is_nonzero_diagflat_as_torch():
    for lib in (mt, torch):
        x = lib.tensor(np.arange(4.0, dtype=np.float32).reshape(4, 1))
        assert tuple(lib.broadcast_shapes((2, 1), (1, 3), 3)) == (2, 3)
        a, b = lib.broadcast_tensors(x, lib.ones(3))
        assert tuple(a.shape) == tuple(b.shape) == (4, 3)
        assert tuple(lib.broadcast_to(lib.ones(3), (2, 3)).shape) == (2, 3)
        np.testing.assert_array_equal(
            lib.diagflat(lib.tensor([[1.0], [2.0]]), 1).numpy(), np.diagflat([1.0, 2.0], 1)
        )
        assert lib.is_nonzero(lib.tensor([2])) and not lib.is_nonzero(lib.tensor(0.0))
        with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
            lib.is_nonzero(lib.tensor([1, 2]))
        with pytest.raises(RuntimeError):
            lib.broadcast_shapes((2, 1), (3, 3))


def test_empty_strided_and_node_metadata_as_torch():
    for lib in (mt, torch):
        e = lib.empty_strided((2, 3), (1, 2))
        assert tuple(e.shape) == (2, 3) and e.stride() == (1, 2) and not e.is_contiguous()
        assert lib.empty_strided((2, 3), (3, 1)).is_contiguous()
        g = (lib.ones(2, requires_grad=True) * 2).grad_fn
        g.metadata["tag"] = 1
        assert g.metadata == {"tag": 1}


@pytest.mark.parametrize(
    "make",
    [
        "Gamma(2., 1.).rsample()",
        "StudentT(3.).sample()",
        "Chi2(3.).sample()",
        "NegativeBinomial(3, 0.4).sample()",
        "FisherSnedecor(2., 3.).sample()",
        "Beta(2., 3.).sample()",
        "Dirichlet(lib.ones(3)).sample()",
    ],
)
def test_distributions_with_python_scalar_parameters_draw_as_torch(make):
    res = []
    for lib in (mt, torch):
        lib.manual_seed(5)
        res.append(eval(f"lib.distributions.{make}", {"lib": lib}))
    assert_close(*res, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "make,size,stride,offset",
    [
        ("lib.arange(12.).reshape(3, 4)", (2, 2), (1, 2), None),
        ("lib.arange(10.)", (4, 3), (2, 1), None),
        ("lib.arange(12.).reshape(3, 4) * 1", (3, 3), (4, 1), 1),
        ("lib.arange(10.)[2:]", (2, 2), (1, 1), None),
        ("lib.arange(10.)[2:]", (2,), (1,), 0),
        ("lib.arange(12.).reshape(3, 4).t()", (2, 3), (1, 4), None),
    ],
)
def test_as_strided_values_grads_and_double_backward(make, size, stride, offset):
    res = []
    for lib in (mt, torch):
        base = eval(make, {"lib": lib}).detach().requires_grad_()
        x = base * 1
        y = x.as_strided(size, stride) if offset is None else x.as_strided(size, stride, offset)
        w = lib.arange(1.0, 1.0 + y.numel()).reshape(size)
        (g,) = lib.autograd.grad((y * y * w).sum(), base, create_graph=True)
        g.sum().backward()
        res.append((y.detach().numpy().copy(), g.detach().numpy().copy(), base.grad.numpy().copy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b)


def test_as_strided_is_a_view_and_checks_bounds_as_torch():
    for lib in (mt, torch):
        b = lib.zeros(6)
        v = b.as_strided((2,), (3,))
        v.add_(1)
        np.testing.assert_array_equal(b.numpy(), [1, 0, 0, 1, 0, 0])
        assert b._version == v._version == 1
        with pytest.raises(
            RuntimeError, match="requiring a storage size of 20 are out of bounds for storage of size 16"
        ):
            lib.arange(4.0).as_strided((3,), (2,))


def test_storage_queries_as_torch():
    for lib in (mt, torch):
        base = lib.arange(6.0)
        x = base.reshape(2, 3)[1:]
        s, t = x.untyped_storage(), x.storage()
        assert s.nbytes() == s.size() == len(s) == 24 and s.data_ptr() == x.data_ptr() - 12
        assert t.size() == len(t) == 6 and t.element_size() == 4 and t.tolist() == list(range(6))
        assert t.data_ptr() == s.data_ptr() == base.untyped_storage().data_ptr()
        assert base.untyped_storage().data_ptr() != base.clone().untyped_storage().data_ptr()
        assert str(t.dtype).endswith("float32") and t[1] == 1.0
        assert (
            repr(lib.arange(2.0).storage())
            .splitlines()[-1]
            .endswith("TypedStorage(dtype=" + str(lib.float32) + ", device=cpu) of size 2]")
        )


def test_integer_reductions_and_floor_divide_dtypes_as_torch():
    for lib in (mt, torch):
        res = []
        for d in (lib.uint8, lib.int8, lib.int16, lib.int32, lib.bool):
            a = lib.tensor([1, 2, 3]).to(d)
            res.append((str(a.cumsum(0).dtype), str(a.prod().dtype), a.cumsum(0).tolist(), a.prod().item()))
        a = lib.tensor([1, 2, 3], dtype=lib.int32)
        res.append(
            [
                str(t.dtype)
                for t in (
                    a.cumsum(0, dtype=lib.int32),
                    a.prod(dtype=lib.int32),
                    a.cumprod(0, dtype=lib.int32),
                )
            ]
        )
        for x, y in (
            (lib.tensor([5, 7], dtype=lib.int32), 2.5),
            (lib.tensor([5, 7]), lib.tensor([2.0, 3.0]).to(lib.bfloat16)),
            (lib.tensor([5.0, 7.0]), lib.tensor(2.0, dtype=lib.float64)),
            (lib.tensor([5, 7], dtype=lib.uint8), lib.tensor([2, 3], dtype=lib.int8)),
            (3, lib.tensor([2, 4], dtype=lib.int32)),
        ):
            o = x // y
            res.append((str(o.dtype), o.tolist()))
        if lib is mt:
            got = [str(r).replace("minitorch.", "torch.") for r in res]
        else:
            assert got == [str(r) for r in res]


_FLOAT_ONLY = [
    ("lib.softmax(lib.tensor([1, 2]), 0)", "softmax_lastdim_kernel_impl"),
    ("lib.log_softmax(lib.tensor([1, 2], dtype=lib.uint8), 0)", "log_softmax_lastdim_kernel_impl"),
    ("lib.nn.functional.softplus(lib.tensor([1, 2]))", "softplus_cpu"),
    ("lib.nn.functional.cross_entropy(lib.tensor([[1, 2]]), lib.tensor([0]))", "log_softmax"),
    ("lib.nn.functional.nll_loss(lib.tensor([[1, 2]]), lib.tensor([0]))", "nll_loss_out_frame"),
]


@pytest.mark.parametrize("expr,kernel", _FLOAT_ONLY)
def test_float_only_kernels_refuse_integers_as_torch(expr, kernel):
    for lib in (mt, torch):
        with pytest.raises(NotImplementedError, match=kernel):
            eval(expr, {"lib": lib})


def test_angle_and_integer_logsumexp_as_torch():
    res = []
    for lib in (mt, torch):
        x = lib.tensor([-1.0, 2.0, float("nan"), 0.0, float("inf")], requires_grad=True)
        a = lib.angle(x)
        a.sum().backward()
        res.append(
            (
                a.detach().numpy(),
                x.grad.numpy(),
                lib.angle(lib.tensor([-1, 2])).numpy(),
                lib.logsumexp(lib.tensor([1, 2]), 0).item(),
            )
        )
    for m, t in zip(*res):
        np.testing.assert_allclose(m, t, rtol=1e-6)


def test_bool_and_uint8_corners_as_torch():
    res = []
    for lib in (mt, torch):
        b, u = lib.tensor([True, False, True]), lib.tensor([1, 0, 3], dtype=lib.uint8)
        outs = (
            b.sign(),
            b.sgn(),
            b.square(),
            u.any(),
            u.all(),
            u.any(0),
            lib.tensor([1, 0], dtype=lib.int32).any(),
        )
        res.append([(str(o.dtype).split(".")[-1], o.tolist()) for o in outs])
        for fn, exc in ((lambda b=b: b.argmax(), RuntimeError), (lambda b=b: b.floor(), NotImplementedError)):
            with pytest.raises(exc):
                fn()
    assert res[0] == res[1]


def test_var_std_with_no_degrees_of_freedom_warn_as_torch():
    for lib in (mt, torch):
        with pytest.warns(UserWarning, match=r"std\(\): degrees of freedom is <= 0") as rec:
            s = lib.tensor([1.0]).std()
        assert rec[0].filename == __file__  # attributed to the caller's line
        with pytest.warns(UserWarning, match=r"var\(\): degrees of freedom is <= 0"):
            v = lib.zeros(0).var()
        assert np.isnan(s.item()) and np.isnan(v.item())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isnan(lib.zeros(0, 3).mean(0).numpy()).all()
            lib.randn(4, 3).var(0)


def test_sum_with_an_integer_dtype_keeps_it_as_torch():
    for lib in (mt, torch):
        got = [
            str(t.dtype).split(".")[-1]
            for t in (
                lib.ones(3, dtype=lib.int32).sum(dtype=lib.int32),
                lib.ones(3).sum(dtype=lib.int16),
                lib.ones(3, dtype=lib.int32).sum(),
                lib.ones(2, 3, dtype=lib.uint8).sum(1),
                lib.tensor([True, True]).sum(),
            )
        ]
        assert got == ["int32", "int16", "int64", "int64", "int64"]
