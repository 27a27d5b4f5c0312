"""minitorch: a small, readable autograd framework on NumPy with PyTorch's API.

Start reading at ``tensor.py`` (the Tensor), then ``autograd/function.py`` (how an op records
the graph), ``autograd/engine.py`` (how backward walks it) and ``ops/`` (the primitives).
"""

from __future__ import annotations

from . import _alloc, _dtype, _out_argument
from ._creation import (
    arange,
    as_tensor,
    asarray,
    bernoulli,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_numpy,
    full,
    full_like,
    layout,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    strided,
    zeros,
    zeros_like,
)
from ._device import accelerator, device, get_default_device, mps, set_default_device
from ._dtype import (  # noqa: A004
    bfloat16,
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.grad_mode import is_inference_mode_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from ._format import set_printoptions
from ._settings import (
    are_deterministic_algorithms_enabled,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)
from ._size import Size
from .tensor import Tensor
from ._type_info import (
    can_cast,
    finfo,
    iinfo,
    is_complex,
    is_floating_point,
    promote_types,
    result_type,
    typename,
)
from ._tensor_types import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from ._creation import channels_last, contiguous_format, memory_format, preserve_format, tensor
from .ops import arithmetic as _arithmetic
from .ops.linalg import cdist, einsum
from .ops.reduce import std_mean, var_mean
from .ops.shape import cartesian_prod, meshgrid
from .ops import shape as _shape_ops

__version__ = "0.1.0"

_alloc._keep_freed_memory()


def _with_out(fn):
    """``fn`` that also takes ``out=`` (``cat``, ``stack``, ``where``: functions, not Tensor methods)."""

    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return _out_argument.call_with_out(fn.__name__, fn, args, kwargs, out)

    with_out.__name__ = with_out.__qualname__ = fn.__name__
    with_out.__doc__ = fn.__doc__
    return with_out


cat = concat = concatenate = _with_out(_shape_ops.cat)
stack = _with_out(_shape_ops.stack)
where = _with_out(_arithmetic.where)


def get_default_dtype():
    return _dtype.default_float


def set_default_dtype(d) -> None:
    """Set the dtype that Python floats and ``zeros``/``rand``/... produce (float32 or float64)."""
    _dtype.default_float = _dtype.from_numpy_dtype(_dtype.to_np(d))


def is_tensor(obj) -> "bool":
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "int":
    return input.numel()


def _method(name: str):
    def fn(input, *args, out=None, **kwargs):
        if not isinstance(input, Tensor):
            input = tensor(input)
        if out is not None:
            return _out_argument.call_with_out(name, getattr(Tensor, name), (input, *args), kwargs, out)
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Same as ``Tensor.{name}``."
    return fn


for _name in (
    "exp log sqrt rsqrt abs sin cos sigmoid tanh relu log1p expm1 sign floor ceil round trunc "
    "square reciprocal neg softmax log_softmax sum mean max min amax amin argmax argmin prod "
    "logsumexp cumsum var std norm matmul mm bmm mv dot reshape flatten unflatten squeeze "
    "unsqueeze permute transpose swapaxes t flip split chunk unbind narrow gather masked_fill "
    "clamp clip clamp_min clamp_max maximum minimum all any sort argsort topk eq ne lt le gt ge "
    "equal allclose isnan isinf isfinite pow add sub mul div true_divide clone repeat_interleave "
    "logical_not logical_and logical_or lerp angle floor_divide as_strided msort sum_to_size index_copy put ravel "
    "index_select masked_select take scatter scatter_add index_add index_fill nonzero argwhere roll "
    "tril triu diag diag_embed diagonal trace outer ger kron tile movedim moveaxis adjoint addmm addmv "
    "addbmm baddbmm addr cumprod erf tan asin acos atan sinh cosh asinh acosh atanh arcsin arccos "
    "arctan arcsinh arccosh arctanh log2 log10 exp2 logit atan2 arctan2 hypot logaddexp logaddexp2 "
    "fmod remainder nan_to_num median nanmedian kthvalue mode count_nonzero isclose bincount unique "
    "unique_consecutive select index_put masked_scatter"
).split():
    if hasattr(Tensor, _name):
        globals()[_name] = _method(_name)
del _name

from . import autograd, nn, optim  # noqa: E402

# NOTE: loaded on first use (module __getattr__, PEP 562), which keeps ``import minitorch`` short:
# ``minitorch.datasets``, ``minitorch.load``, ``from minitorch import teach`` work as before.
_LAZY_MODULES = ("amp", "backends", "cpu", "cuda", "datasets", "distributed", "jit", "onnx", "serialization")
_LAZY_MODULES += ("fft", "linalg", "special")
_LAZY_MODULES += ("teach", "utils", "testing", "version", "hub", "func", "profiler")
_LAZY_MODULES += ("distributions", "random", "storage")
_LAZY_NAMES = {
    "compile": "_compile",
    "vmap": "func",
    "autocast": "amp",
    "get_autocast_dtype": "amp",
    "is_autocast_enabled": "amp",
    "load": "serialization",
    "load_safetensors": "serialization",
    "save": "serialization",
    "save_safetensors": "serialization",
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    if name == "__all__":  # for ``from minitorch import *``: every public name, loading the lazy ones
        value = globals()["__all__"] = sorted(n for n in __dir__() if not n.startswith("_"))
        return value
    if not name.startswith("__"):  # the functions of _extra_functions (torch.lgamma, torch.det, ...)
        extra = importlib.import_module(f"{__name__}._extra_functions")
        if name in extra.__all__:
            globals().update((n, getattr(extra, n)) for n in extra.__all__ if n not in globals())
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    import importlib

    extra = importlib.import_module(f"{__name__}._extra_functions").__all__
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES) | set(extra))
