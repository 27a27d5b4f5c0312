"""``Tensor``: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Start reading here. Every method is a one-liner that calls an op from ``minitorch.ops``; the
ops record the graph, and ``backward`` (in ``autograd.engine``) walks it.
"""

from __future__ import annotations

import builtins
import operator
import weakref

import numpy as np

from . import _device, _dtype
from .autograd import function as _function_module
from .autograd import grad_mode
from .autograd.function import AccumulateGrad
from .ops import elementwise as E
from .ops import extra as X
from .ops import linalg as L
from .ops import movement as M
from .ops import reduce as R

_state = grad_mode._state
_new_tensor = object.__new__
_CPU = _device.device("cpu")
_pybool, _pyint, _pyfloat = builtins.bool, builtins.int, builtins.float


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minitorch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"minitorch.Size({list(self)})"

    def numel(self) -> int:
        return _pyint(np.prod(self, dtype=np.int64))


def _is_float(x: np.ndarray) -> bool:
    return x.dtype.kind == "f"


def _to_array(data, dtype=None) -> np.ndarray:
    """Convert Python data / NumPy arrays / Tensors to an ndarray with torch's dtype inference."""
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
            data = [x._data if isinstance(x, Tensor) else x for x in data]
        arr = np.array(data)
        if dtype is None and arr.dtype == np.float64 and not isinstance(data, np.generic):
            arr = arr.astype(_dtype.default_float.np)  # Python floats give the default dtype
        if arr.dtype.kind in "US" or arr.dtype == object:
            raise TypeError(f"Could not infer dtype of {type(data).__name__}: {data!r:.80}")
    if dtype is not None:
        arr = arr.astype(_dtype.to_np(dtype), copy=False)
    else:
        _dtype.from_numpy_dtype(arr.dtype)  # TypeError on unsupported dtypes
    return arr


def _check_requires_grad(arr: np.ndarray) -> None:
    if arr.dtype.kind != "f":
        raise RuntimeError(
            "only Tensors of floating point dtype can require gradients "
            f"(got dtype {_dtype.from_numpy_dtype(arr.dtype)!r}); convert with .float() first"
        )


class Tensor:
    """An n-dimensional array that records operations for automatic differentiation."""

    # NOTE: the four attributes every op sets are slots; the rarely-set ones live in __dict__
    # behind class-level defaults, which keeps creating a tensor (done once per op) cheap.
    __slots__ = ("_data", "_rg", "grad_fn", "_vc", "__dict__", "__weakref__")
    grad = None
    _output_nr = 0
    _accum = None
    _base = None
    _retains_grad = False
    _multi_view = False  # one of several views returned by split/chunk/unbind
    _hist_version = 0  # for views: the version at which grad_fn was last set
    __array_priority__ = 1000  # make ndarray (op) Tensor defer to Tensor's reflected ops

    def __init__(self, data=None, *, dtype=None, requires_grad: bool = False) -> None:
        if data is None:
            data = np.zeros((0,), np.float32)
        arr = _to_array(data, dtype)
        if dtype is None and arr.dtype.kind in "iub" and not isinstance(data, (np.ndarray, Tensor)):
            arr = arr.astype(np.float32)  # like torch.Tensor([1, 2]): the legacy constructor is float
        self._data = arr
        self._rg = False
        self.grad_fn = None
        self._vc = [0]
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool, grad_fn) -> Tensor:
        """Fast internal constructor: no conversion, no checks."""
        t = _new_tensor(Tensor)
        t._data = data
        t._rg = requires_grad
        t.grad_fn = grad_fn
        t._vc = [0]
        return t

    # --- autograd attributes ---
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if value:
            _check_requires_grad(self._data)
        self._rg = _pybool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return self._vc[0]

    def _accumulator(self) -> AccumulateGrad:
        """The AccumulateGrad node of a leaf (created once, so graph edges agree on identity)."""
        acc = self._accum
        if acc is None:
            acc = self._accum = _Accum(self)
        return acc

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``."""
        from .autograd.engine import run_backward

        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gradient = Tensor._make(np.ones_like(self._data), False, None)
        elif not isinstance(gradient, Tensor):
            gradient = Tensor._make(np.asarray(gradient, self._data.dtype), False, None)
        if gradient.shape != self.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[0] has a shape of {gradient.shape} and output[0] "
                f"has a shape of {self.shape}."
            )
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
            grads = run_backward([self], [gradient], retain_graph, create_graph, inputs, allow_unused=True)
            for x, g in zip(inputs, grads):
                if g is not None:
                    x.grad = (
                        g.detach()
                        if x.grad is None and not create_graph
                        else (g if x.grad is None else x.grad + g)
                    )
            return
        run_backward([self], [gradient], retain_graph, create_graph)

    def detach(self) -> Tensor:
        """A tensor sharing this one's data (and version counter) but cut from the graph."""
        t = Tensor._make(self._data, False, None)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._rg = False
        return self

    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor cut from the graph: it shares memory, but not the
        version counter, so in-place changes through ``.data`` are invisible to autograd (as in
        torch, where ``p.data.add_(...)`` is the classic way to update a parameter by hand)."""
        return Tensor._make(self._data, False, None)

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's grad is computed; it may return a new grad."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            return self._accumulator()._add_pre_hook(0, hook)
        return self.grad_fn._add_pre_hook(self._output_nr, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves keep it anyway)."""
        if self.grad_fn is None or self._retains_grad:
            return
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        ref = weakref.ref(self)

        def _keep(g):
            t = ref()
            if t is not None:
                gg = g if _state.enabled else g.detach()
                t.grad = gg.clone() if t.grad is None else t.grad + gg
            return None

        _keep._retains_grad = True
        self.grad_fn._add_pre_hook(self._output_nr, _keep)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    # --- metadata ---
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return (
            self._data.shape[R.norm_dims(dim, self._data.ndim)[0]]
            if self._data.ndim
            else self._dim_error(dim)
        )

    def _dim_error(self, dim):
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")

    def dim(self) -> int:
        return self._data.ndim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def ndimension(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    def nelement(self) -> int:
        return self._data.size

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> _device.device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def stride(self, dim: int | None = None):
        s = tuple(st // self._data.itemsize for st in self._data.strides)
        return s if dim is None else s[dim]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def __repr__(self) -> str:
        from ._format import format_tensor

        return format_tensor(self)

    __str__ = __repr__

    # --- conversion ---
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying ndarray (shared memory). Like torch, refuses if it requires grad."""
        if self._rg and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        arr = self._data
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return _pybool(self._data.reshape(()))

    def __float__(self) -> float:
        return _pyfloat(self.item())

    def __int__(self) -> int:
        return _pyint(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return _pyint(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __reduce__(self):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol"
            )
        new = type(self).__new__(type(self))
        Tensor.__init__(new, self._data.copy())
        new._rg = self._rg
        if self.grad is not None:
            new.grad = Tensor._make(self.grad._data.copy(), False, None)
        if hasattr(self, "__dict__"):
            for k, v in self.__dict__.items():
                import copy

                # NOTE: autograd bookkeeping (the leaf's AccumulateGrad node, view links) belongs
                # to the original; copying ``_accum`` would send the copy's grads to the original.
                if k not in ("_accum", "grad", "_base", "_vfn", "_output_nr", "_retains_grad"):
                    new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new

    # --- dtype conversion ---
    def to(self, *args, **kwargs) -> Tensor:
        """``to(dtype)``, ``to(other)`` or ``to('cpu')``; returns self when nothing changes."""
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device.device)):
                _device.check_cpu(a, "a tensor")
            elif a is not None:
                dtype = a
        _device.check_cpu(kwargs.get("device"), "a tensor")
        if dtype is None:
            return self
        np_dtype = _dtype.to_np(dtype)
        if np_dtype == self._data.dtype:
            return self
        return E.Cast.apply(self, np_dtype)

    def type(self, dtype=None):
        if dtype is None:
            return f"minitorch.{self.dtype.name.capitalize()}Tensor"
        return self.to(dtype)

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool)

    def byte(self) -> Tensor:
        return self.to(_dtype.uint8)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs):
        raise RuntimeError("minitorch runs on the CPU only (no CUDA)")

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    # --- arithmetic ---
    def __add__(self, other):
        return E.Add.apply(*_promote(self, other))

    def __radd__(self, other):
        return E.Add.apply(*_promote(self, other))

    def __sub__(self, other):
        return E.Sub.apply(*_promote(self, other, sub=True))

    def __rsub__(self, other):
        return E.Rsub.apply(*_promote(self, other, sub=True))

    def __mul__(self, other):
        return E.Mul.apply(*_promote(self, other))

    def __rmul__(self, other):
        return E.Mul.apply(*_promote(self, other))

    def __truediv__(self, other):
        return E.Div.apply(*_promote(self, other, true_div=True))

    def __rtruediv__(self, other):
        a, b = _promote(self, other, true_div=True)
        return E.Div.apply(_wrap_like(b, a), a)

    def __pow__(self, other):
        if self._data.dtype.kind in "iub" and isinstance(other, _pyint) and other < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        a, b = _promote(self, other)
        return (E.PowTensor if isinstance(b, Tensor) else E.Pow).apply(a, b)

    def __rpow__(self, other):
        a, b = _promote(self, other)
        return E.RPow.apply(_wrap_like(b, a), a)

    def __neg__(self):
        return E.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __matmul__(self, other):
        return L.matmul(self, _as_tensor_arg(other))

    def __rmatmul__(self, other):
        return L.matmul(_as_tensor_arg(other), self)

    def __floordiv__(self, other):
        return Tensor._make(np.floor_divide(self._data, _d(other)), False, None)

    def __rfloordiv__(self, other):
        return Tensor._make(np.floor_divide(_d(other), self._data), False, None)

    def __mod__(self, other):
        return X.remainder(self, other)

    def add(self, other, alpha=1):
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other, rounding_mode=None):
        if rounding_mode is None:
            return self / other
        q = self._data / _d(other)
        q = np.floor(q) if rounding_mode == "floor" else np.trunc(q)
        return Tensor._make(q.astype(np.result_type(self._data, _d(other))), False, None)

    def true_divide(self, other):
        return self / other

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    def reciprocal(self):
        return 1 / self

    def rsqrt(self):
        return 1 / self.sqrt()

    def square(self):
        return self * self

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        if self._data.ndim != 2 or other._data.ndim != 2:
            raise RuntimeError(f"mm: expected 2D tensors, got {self._data.ndim}D and {other._data.ndim}D")
        return self @ other

    def bmm(self, other):
        if self._data.ndim != 3 or other._data.ndim != 3:
            raise RuntimeError(f"bmm: expected 3D tensors, got {self._data.ndim}D and {other._data.ndim}D")
        if self._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(f"bmm: batch sizes differ: {self._data.shape[0]} and {other._data.shape[0]}")
        return self @ other

    def mv(self, vec):
        if self._data.ndim != 2 or vec._data.ndim != 1:
            raise RuntimeError(
                f"mv: expected a 2D matrix and a 1D vector, got {self._data.ndim}D and {vec._data.ndim}D"
            )
        return self @ vec

    def dot(self, other):
        if self._data.ndim != 1 or other._data.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {self._data.ndim}D and {other._data.ndim}D tensors"
            )
        return self @ other

    # --- elementwise ---
    def exp(self):
        return E.Exp.apply(_fl(self))

    def log(self):
        return E.Log.apply(_fl(self))

    def sqrt(self):
        return E.Sqrt.apply(_fl(self))

    def abs(self):
        return E.Abs.apply(self)

    def sin(self):
        return E.Sin.apply(_fl(self))

    def cos(self):
        return E.Cos.apply(_fl(self))

    def sigmoid(self):
        return E.Sigmoid.apply(_fl(self))

    def tanh(self):
        return E.Tanh.apply(_fl(self))

    def relu(self):
        return E.Relu.apply(self)

    def log1p(self):
        return (self + 1).log()

    def expm1(self):
        return self.exp() - 1

    def sign(self):
        return E.ZeroGrad.apply(self, np.sign)

    def floor(self):
        return E.ZeroGrad.apply(self, np.floor)

    def ceil(self):
        return E.ZeroGrad.apply(self, np.ceil)

    def round(self, decimals: int = 0):
        return E.ZeroGrad.apply(self, (lambda x: np.round(x, decimals)) if decimals else np.round)

    def trunc(self):
        return E.ZeroGrad.apply(self, np.trunc)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        x = self
        for bound in (min, max):
            if bound is not None:
                x = _promote(x, bound)[0]  # torch's type promotion over self, min and max
        if isinstance(min, Tensor):
            min = min.to(x._data.dtype)
        if isinstance(max, Tensor):
            max = max.to(x._data.dtype)
        return E.Clamp.apply(
            x,
            _d(min) if not isinstance(min, Tensor) else min,
            _d(max) if not isinstance(max, Tensor) else max,
        )

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def maximum(self, other):
        return E.Maximum.apply(*_promote(self, _as_tensor_arg(other)))

    def minimum(self, other):
        return E.Minimum.apply(*_promote(self, _as_tensor_arg(other)))

    def where(self, condition, other):
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        """``value`` where the bool ``mask`` is True (broadcasting); differentiable in self and a 0-d ``value``."""
        m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {_dtype.from_numpy_dtype(m.dtype)}"
            )
        if isinstance(value, Tensor) and value._data.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        return where(mask, value, self)

    def lerp(self, end, weight):
        return self + weight * (end - self)

    # --- comparisons (no grad) ---
    def __eq__(self, other):
        if other is None:
            return False  # as torch: ``t == None`` is a plain False
        return Tensor._make(np.asarray(self._data == _d(other)), False, None)

    def __ne__(self, other):
        if other is None:
            return True
        return Tensor._make(np.asarray(self._data != _d(other)), False, None)

    def __lt__(self, other):
        return Tensor._make(np.asarray(self._data < _d(other)), False, None)

    def __le__(self, other):
        return Tensor._make(np.asarray(self._data <= _d(other)), False, None)

    def __gt__(self, other):
        return Tensor._make(np.asarray(self._data > _d(other)), False, None)

    def __ge__(self, other):
        return Tensor._make(np.asarray(self._data >= _d(other)), False, None)

    def __and__(self, other):
        return Tensor._make(np.asarray(self._data & _d(other)), False, None)

    def __or__(self, other):
        return Tensor._make(np.asarray(self._data | _d(other)), False, None)

    def __xor__(self, other):
        return Tensor._make(np.asarray(self._data ^ _d(other)), False, None)

    def __invert__(self):
        return Tensor._make(np.asarray(~self._data), False, None)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def logical_not(self):
        return Tensor._make(np.logical_not(self._data), False, None)

    def logical_and(self, other):
        return Tensor._make(np.logical_and(self._data, _d(other)), False, None)

    def logical_or(self, other):
        return Tensor._make(np.logical_or(self._data, _d(other)), False, None)

    def equal(self, other) -> bool:
        return self._data.shape == other._data.shape and _pybool(np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return _pybool(np.allclose(self._data, _d(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isnan(self):
        return Tensor._make(np.isnan(self._data), False, None)

    def isinf(self):
        return Tensor._make(np.isinf(self._data), False, None)

    def isfinite(self):
        return Tensor._make(np.isfinite(self._data), False, None)

    def all(self, dim=None, keepdim=False):
        axes = None if dim is None else R.norm_dims(dim, self._data.ndim)
        return Tensor._make(np.asarray(np.all(self._data, axis=axes, keepdims=keepdim)), False, None)

    def any(self, dim=None, keepdim=False):
        axes = None if dim is None else R.norm_dims(dim, self._data.ndim)
        return Tensor._make(np.asarray(np.any(self._data, axis=axes, keepdims=keepdim)), False, None)

    # --- reductions ---
    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f" and x._data.dtype != np.int64:
            x = x.long()  # torch sums integers and bools as int64
        return (R.Sum if dim is None else R.SumDim).apply(x, R.norm_dims(dim, x._data.ndim), keepdim)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        x = self if dtype is None else self.to(dtype)
        if not _is_float(x._data):
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {x.dtype.name.capitalize()}"
            )
        return (R.Mean if dim is None else R.MeanDim).apply(x, R.norm_dims(dim, x._data.ndim), keepdim)

    def amax(self, dim=(), keepdim: bool = False):
        return R.Amax.apply(self, R.norm_dims(None if dim == () else dim, self._data.ndim), keepdim)

    def amin(self, dim=(), keepdim: bool = False):
        return R.Amin.apply(self, R.norm_dims(None if dim == () else dim, self._data.ndim), keepdim)

    def max(self, dim=None, keepdim: bool = False):
        """``max()`` -> value; ``max(dim)`` -> (values, indices); ``max(other)`` -> maximum."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if dim is None:
            return R.MaxAll.apply(self, R.norm_dims(None, self._data.ndim), False)
        return self._minmax_dim(dim, keepdim, R.MaxDim, np.argmax, "max")

    def min(self, dim=None, keepdim: bool = False):
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if dim is None:
            return R.MinAll.apply(self, R.norm_dims(None, self._data.ndim), False)
        return self._minmax_dim(dim, keepdim, R.MinDim, np.argmin, "min")

    def _minmax_dim(self, dim, keepdim, op, argfn, kind):
        from . import return_types

        (d,) = R.norm_dims(dim, self._data.ndim)
        x = self._data
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"{op._label}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.expand_dims(argfn(x, axis=d), d) if x.ndim else np.zeros((), np.int64)
        values = op.apply(self, d, idx, keepdim)
        if x.ndim and not keepdim:
            idx = np.squeeze(idx, d)
        return getattr(return_types, kind)(
            values, Tensor._make(idx.astype(np.int64, copy=False), False, None)
        )

    def argmax(self, dim=None, keepdim: bool = False):
        return _arg(self._data, dim, keepdim, np.argmax)

    def argmin(self, dim=None, keepdim: bool = False):
        return _arg(self._data, dim, keepdim, np.argmin)

    def prod(self, dim=None, keepdim: bool = False, dtype=None):
        x = self if dtype is None else self.to(dtype)
        return (R.Prod if dim is None else R.ProdDim).apply(x, R.norm_dims(dim, x._data.ndim), keepdim)

    def logsumexp(self, dim, keepdim: bool = False):
        return R.LogSumExp.apply(self, R.norm_dims(dim, self._data.ndim), keepdim)

    def softmax(self, dim: int, dtype=None):
        x = self if dtype is None else self.to(dtype)
        return R.Softmax.apply(x, R.norm_dims(dim, x._data.ndim)[0] if x._data.ndim else None)

    def log_softmax(self, dim: int, dtype=None):
        x = self if dtype is None else self.to(dtype)
        return R.LogSoftmax.apply(x, R.norm_dims(dim, x._data.ndim)[0] if x._data.ndim else None)

    def cumsum(self, dim: int, dtype=None):
        x = self if dtype is None else self.to(dtype)
        return R.CumSum.apply(x, R.norm_dims(dim, x._data.ndim)[0])

    def _var_args(self, name, dim, unbiased, correction):
        if not _is_float(self._data):
            raise RuntimeError(f"{name}(): std and var only support floating point and complex dtypes")
        if isinstance(dim, _pybool):  # the var(unbiased) overload
            dim, unbiased = None, dim
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        return R.norm_dims(dim, self._data.ndim), correction

    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Variance over ``dim`` divided by ``n - correction`` (``correction=1``: unbiased, the default)."""
        axes, correction = self._var_args("var", dim, unbiased, correction)
        return R.Var.apply(self, axes, correction, keepdim)

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Standard deviation: ``var(...).sqrt()`` (the grad is 0 where the std is 0, as torch)."""
        axes, correction = self._var_args("std", dim, unbiased, correction)
        return R.Std.apply(self, axes, correction, keepdim)

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """Vector p-norm over ``dim`` (all elements by default): 2 ('fro'), 1, inf, -inf or any p > 0."""
        x = self if dtype is None else self.to(dtype)
        if not _is_float(x._data):
            raise RuntimeError(
                f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {x.dtype.name.capitalize()}"
            )
        if p == "fro" or p is None:
            p = 2
        if isinstance(p, str):
            raise RuntimeError(f"norm: p={p!r} is not supported (use 'fro' or a number)")
        axes = R.norm_dims(dim, x._data.ndim)
        if p == _pyfloat("inf"):
            return x.abs().amax(axes, keepdim)
        if p == _pyfloat("-inf"):
            return x.abs().amin(axes, keepdim)
        if p == 1:
            return x.abs().sum(axes, keepdim)
        if p == 0:
            return (x != 0).to(x._data.dtype).sum(axes, keepdim)
        return R.Norm.apply(x, p, axes, keepdim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        from .return_types import sort as sort_t

        (d,) = R.norm_dims(dim, self._data.ndim)
        idx = _argsort(self._data, d, descending)
        return sort_t(M.Gather.apply(self, d, idx), Tensor._make(idx.astype(np.int64), False, None))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        return self.sort(dim, descending, stable).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        from .return_types import topk as topk_t

        (d,) = R.norm_dims(dim, self._data.ndim)
        if not 0 <= k <= self._data.shape[d]:
            raise RuntimeError(f"selected index k out of range (k={k}, dim size {self._data.shape[d]})")
        idx = np.take(_argsort(self._data, d, largest), np.arange(k), axis=d)
        return topk_t(M.Gather.apply(self, d, idx), Tensor._make(idx.astype(np.int64), False, None))

    # --- shape ---
    def reshape(self, *shape):
        shape = _shape_arg(shape)
        if shape == self._data.shape:
            return self if self.grad_fn is None and not self._rg else M.Reshape.apply(self, shape)
        try:
            return M.Reshape.apply(self, shape)
        except ValueError:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {self._data.size}"
            ) from None

    def view(self, *shape):
        """The same memory seen with another shape (or, ``view(dtype)``, with its bits as another dtype)."""
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, _pyint, np.integer)):
            try:
                arr = self._data.view(_dtype.to_np(shape[0]))
            except ValueError as e:
                raise RuntimeError(f"view(dtype): {e}") from None
            out = Tensor._make(arr, False, None)
            out._vc = self._vc
            return out
        out = self.reshape(*shape)
        if out is not self and out._base is None and out._data.size:  # reshape had to copy
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension "
                "spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        return out

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self._data.ndim == 0:
            return self.reshape(1)
        s, e = R.norm_dims(start_dim, self._data.ndim)[0], R.norm_dims(end_dim, self._data.ndim)[0]
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        shp = self._data.shape
        return self.reshape(shp[:s] + (-1 if 0 not in shp[s : e + 1] else 0,) + shp[e + 1 :])

    def unflatten(self, dim: int, sizes):
        (d,) = R.norm_dims(dim, self._data.ndim)
        shp = self._data.shape
        return self.reshape(shp[:d] + tuple(sizes) + shp[d + 1 :])

    def squeeze(self, dim=None):
        shp = self._data.shape
        if dim is None:
            new = tuple(n for n in shp if n != 1)
        else:
            axes = R.norm_dims(dim, self._data.ndim)
            new = tuple(n for i, n in enumerate(shp) if not (i in axes and n == 1))
        return self if new == shp else self.reshape(new)

    def unsqueeze(self, dim: int):
        nd = self._data.ndim + 1
        if not -nd <= dim < nd:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
            )
        d = dim % nd
        shp = self._data.shape
        return M.Reshape.apply(self, shp[:d] + (1,) + shp[d:])

    def permute(self, *dims):
        dims = _shape_arg(dims)
        if len(dims) != self._data.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                f"length of the desired ordering of dimensions i.e. input.dim() = {self._data.ndim} "
                f"is not equal to len(dims) = {len(dims)}"
            )
        dims = tuple(R.norm_dims(d, self._data.ndim)[0] for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return M.Permute.apply(self, dims)

    def transpose(self, dim0: int, dim1: int):
        nd = self._data.ndim
        if nd < 2 and dim0 in (0, -1) and dim1 in (0, -1):
            return self
        if -nd <= dim0 < nd and -nd <= dim1 < nd:
            return M.Transpose.apply(self, dim0 % nd, dim1 % nd)
        d = R.norm_dims((dim0,), nd)[0], R.norm_dims((dim1,), nd)[0]
        return M.Transpose.apply(self, *d)

    swapaxes = transpose

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return M.Transpose.apply(self, 0, 1) if self._data.ndim == 2 else self

    @property
    def T(self):
        return self if self._data.ndim < 2 else self.permute(*reversed(range(self._data.ndim)))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        shp = self._data.shape
        lead = len(sizes) - len(shp)
        if lead < 0:
            raise RuntimeError(
                f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
                f"the number of dimensions in the tensor ({len(shp)})"
            )
        if -1 in sizes[:lead]:
            raise RuntimeError(
                f"expand: the expanded size -1 is not allowed in a leading, non-existing dimension (sizes {list(sizes)})"
            )
        target = tuple(shp[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        if target == shp:
            return self
        try:
            return M.Expand.apply(self, target)
        except ValueError:
            raise RuntimeError(
                f"The expanded size of the tensor ({list(target)}) must match the existing size "
                f"({list(shp)}) at non-singleton dimensions"
            ) from None

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def repeat(self, *sizes):
        sizes = _shape_arg(sizes)
        if len(sizes) < self._data.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        return M.Repeat.apply(self, sizes)

    def flip(self, *dims):
        dims = _shape_arg(dims)
        return M.Flip.apply(self, R.norm_dims(dims, self._data.ndim))

    def contiguous(self):
        return self if self._data.flags.c_contiguous else E.Clone.apply(self)

    def clone(self, *, memory_format=None):
        return E.Clone.apply(self)

    def split(self, split_size, dim: int = 0):
        (d,) = R.norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if isinstance(split_size, _pyint):
            if split_size < 0 or (split_size == 0 and n):
                raise RuntimeError(
                    f"split expects split_size be non-negative (and 0 only if the dimension size is 0), "
                    f"but got split_size={split_size} for dimension {d} of size {n}"
                )
            if n == 0:
                sizes = [0]
            else:
                sizes = [split_size] * (n // split_size) + ([n % split_size] if n % split_size else [])
        else:
            sizes = list(split_size)
            if sum(sizes) != n:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                    f"size at dimension {d}), but got split_sizes={sizes}"
                )
        op = M.SplitEqual if isinstance(split_size, _pyint) else M.Split
        return _multi_views(op.apply(self, d, sizes))

    def chunk(self, chunks: int, dim: int = 0):
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        (d,) = R.norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if n == 0:
            return self.split([0] * chunks, d)
        return self.split(-(-n // chunks), d)

    def unbind(self, dim: int = 0):
        (d,) = R.norm_dims(dim, self._data.ndim)
        if self._data.shape[d] == 0:
            return ()
        return _multi_views(M.Unbind.apply(self, d, None))

    def narrow(self, dim: int, start: int, length: int):
        (d,) = R.norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if not -n <= start <= n:
            raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
        start %= builtins.max(n, 1)
        if length < 0 or start + length > n:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def gather(self, dim: int, index):
        (d,) = R.norm_dims(dim, self._data.ndim)
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
        if idx.ndim != self._data.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        n = self._data.shape[d]
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {d} with size {n}")
        return M.Gather.apply(self, d, idx)

    # --- indexing ---
    def __getitem__(self, idx):
        if idx.__class__ is not _pyint and (idx.__class__ is not slice or idx.step is not None):
            idx = _index_arg(idx)
        try:
            out = M.Index.apply(self, idx)
        except IndexError as e:
            raise IndexError(f"{e} (indexing a tensor of shape {list(self._data.shape)})") from None
        if M._is_basic(idx):  # basic indexing gives a view: share memory and version counter
            out._vc = self._vc
            step = ((M.Index, (idx,)),)
            if self._base is None:
                out._base, out._vfn = self, step
            else:
                out._base, out._vfn = self._base, self._vfn + step
            out._hist_version = self._vc[0]
        return out

    def __setitem__(self, idx, value):
        idx = _index_arg(idx)
        if self._recording((value,)):
            self._inplace(lambda s, v: M.IndexPut.apply(s, idx, v), value)
            return
        self._check_writeable()
        self._data[idx] = value._data if isinstance(value, Tensor) else value
        self._vc[0] += 1

    # --- more ops (ops/extra.py) ---
    def index_select(self, dim: int, index):
        return X.index_select(self, dim, index)

    def masked_select(self, mask):
        return X.masked_select(self, mask)

    def take(self, index):
        return X.take(self, index)

    def scatter(self, dim: int, index, src=None, *, value=None, reduce=None):
        return X.scatter(self, dim, index, src, value, reduce)

    def scatter_add(self, dim: int, index, src):
        return X.scatter_add(self, dim, index, src)

    def index_add(self, dim: int, index, source, *, alpha=1):
        return X.index_add(self, dim, index, source, alpha)

    def index_fill(self, dim: int, index, value):
        return X.index_fill(self, dim, index, value)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return X.repeat_interleave(self, repeats, dim, output_size)

    def nonzero(self, *, as_tuple: bool = False):
        return X.nonzero(self, as_tuple)

    def argwhere(self):
        return X.nonzero(self)

    def roll(self, shifts, dims=None):
        return X.roll(self, shifts, dims)

    def tril(self, diagonal: int = 0):
        return X.tril(self, diagonal)

    def triu(self, diagonal: int = 0):
        return X.triu(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        return X.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0):
        return X.diag(self, diagonal)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1):
        return X.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return X.trace(self)

    def outer(self, vec2):
        return X.outer(self, vec2)

    ger = outer

    def kron(self, other):
        return X.kron(self, other)

    def tile(self, *dims):
        return X.tile(self, _shape_arg(dims))

    def movedim(self, source, destination):
        return X.movedim(self, source, destination)

    moveaxis = movedim

    @property
    def H(self):
        if self._data.ndim not in (0, 2):
            raise RuntimeError(
                f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D tensor."
            )
        return self.T

    @property
    def mH(self):
        return self.mT

    def adjoint(self):
        return self.mT

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return X.addmm(self, mat1, mat2, beta, alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return X.addmv(self, mat, vec, beta, alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return X.addbmm(self, batch1, batch2, beta, alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return X.baddbmm(self, batch1, batch2, beta, alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return X.addr(self, vec1, vec2, beta, alpha)

    def cumprod(self, dim: int, *, dtype=None):
        return X.cumprod(self, dim, dtype)

    def erf(self):
        return X.erf(self)

    def tan(self):
        return X.Tan.apply(_fl(self))

    def asin(self):
        return X.Asin.apply(_fl(self))

    def acos(self):
        return X.Acos.apply(_fl(self))

    def atan(self):
        return X.Atan.apply(_fl(self))

    def sinh(self):
        return X.Sinh.apply(_fl(self))

    def cosh(self):
        return X.Cosh.apply(_fl(self))

    def asinh(self):
        return X.Asinh.apply(_fl(self))

    def acosh(self):
        return X.Acosh.apply(_fl(self))

    def atanh(self):
        return X.Atanh.apply(_fl(self))

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def log2(self):
        return X.Log2.apply(_fl(self))

    def log10(self):
        return X.Log10.apply(_fl(self))

    def exp2(self):
        return X.Exp2.apply(_fl(self))

    def logit(self, eps=None):
        return X.logit(self, eps)

    def atan2(self, other):
        return X._binary(X.Atan2, self, other)

    arctan2 = atan2

    def hypot(self, other):
        return X._binary(X.Hypot, self, other)

    def logaddexp(self, other):
        return X._binary(X.LogAddExp, self, other)

    def logaddexp2(self, other):
        return X._binary(X.LogAddExp2, self, other)

    def fmod(self, other):
        return X.fmod(self, other)

    def remainder(self, other):
        return X.remainder(self, other)

    def nan_to_num(self, nan: float = 0.0, posinf=None, neginf=None):
        return X.nan_to_num(self, nan, posinf, neginf)

    def median(self, dim=None, keepdim: bool = False):
        return X.median(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        return X.kthvalue(self, k, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False):
        return X.mode(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return X.count_nonzero(self, dim)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        return X.isclose(self, other, rtol, atol, equal_nan)

    def bincount(self, weights=None, minlength: int = 0):
        return X.bincount(self, weights, minlength)

    def unique(
        self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim=None
    ):
        return X.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim=None):
        return X.unique_consecutive(self, return_inverse, return_counts, dim)

    def new_tensor(self, data, dtype=None, requires_grad: bool = False):
        return X.new_tensor(self, data, dtype, requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, requires_grad: bool = False):
        return X.new(self, size, fill_value, dtype, requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad: bool = False):
        return X.new(self, size, 0, dtype, requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad: bool = False):
        return X.new(self, size, 1, dtype, requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad: bool = False):
        return X.new(self, size, 0, dtype, requires_grad)

    def scatter_(self, dim: int, index, src=None, *, value=None, reduce=None):
        return self._inplace(lambda s, v: X.scatter(s, dim, index, v, value, reduce), src)

    def scatter_add_(self, dim: int, index, src):
        return self._inplace(lambda s, v: X.scatter_add(s, dim, index, v), src)

    def index_add_(self, dim: int, index, source, *, alpha=1):
        return self._inplace(lambda s, v: X.index_add(s, dim, index, v, alpha), source)

    def index_fill_(self, dim: int, index, value):
        return self._inplace(lambda s, v: X.index_fill(s, dim, index, v), value)

    def tril_(self, diagonal: int = 0):
        return self._inplace(Tensor.tril, diagonal)

    def triu_(self, diagonal: int = 0):
        return self._inplace(Tensor.triu, diagonal)

    def fill_diagonal_(self, fill_value, wrap: bool = False):
        return self.masked_fill_(X.fill_diagonal_mask(self, wrap), fill_value)

    # --- in-place ops ---
    # Every in-place op bumps the version counter that views and detach() share; a node that saved
    # this tensor for backward compares versions and raises if it was modified (function.py).
    def _recording(self, args) -> bool:
        """True when an in-place op on this tensor must be recorded for autograd."""
        if not _state.enabled:
            return False
        if self._rg or (self._base is not None and self._base._rg):
            return True
        return builtins.any(isinstance(a, Tensor) and a._rg for a in args)

    def _check_inplace(self):
        if self._multi_view and self.grad_fn is not None:
            raise RuntimeError(
                f"Output {self._output_nr} of {self.grad_fn.name()} is a view and is being modified "
                "inplace. This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should replace "
                "the inplace operation by an out-of-place one (or clone() the view first)."
            )
        if self._rg and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation. "
                "Wrap the update in `with minitorch.no_grad():` (as optimizers do) or use an "
                "out-of-place op."
            )
        base = self._base
        if base is not None and base._rg and base.grad_fn is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place operation. "
                "Wrap the update in `with minitorch.no_grad():` or use an out-of-place op."
            )

    def _check_writeable(self):
        if not self._data.flags.writeable:
            if 0 in self._data.strides and self._data.size > 1:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to "
                    "a single memory location. Please clone() the tensor before performing the operation."
                )
            raise RuntimeError(
                "cannot write to a read-only tensor (its NumPy array is not writeable); clone() it first"
            )

    def _check_result(self, arr: np.ndarray) -> None:
        """An in-place result must keep this tensor's shape and be castable to its dtype."""
        if arr.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(arr.shape)}"
            )
        if arr.dtype != self._data.dtype and not np.can_cast(arr.dtype, self._data.dtype, "same_kind"):
            raise RuntimeError(
                f"result type {_dtype.from_numpy_dtype(arr.dtype).name.capitalize()} can't be cast to the "
                f"desired output type {self.dtype.name.capitalize()}"
            )

    def _history_copy(self) -> Tensor:
        """A copy of the current value carrying this tensor's history (input to the in-place op)."""
        old = Tensor._make(self._data.copy(), self._rg, self.grad_fn)
        old._output_nr = self._output_nr
        return old

    def _adopt(self, new: Tensor) -> None:
        self.grad_fn, self._rg, self._output_nr = new.grad_fn, new._rg, 0
        self._vc[0] += 1

    def _inplace(self, fn, *args):
        """Run ``fn(self, *args)`` out of place, then write the result into this tensor's memory
        (and, when autograd records it, make this tensor's history that of the result)."""
        self._check_writeable()
        if not self._recording(args):
            with grad_mode.no_grad():
                new = fn(self, *args)
            self._check_result(new._data)
            np.copyto(self._data, new._data, casting="unsafe")
            self._vc[0] += 1
            return self
        self._check_inplace()
        if self._base is None:
            new = fn(self._history_copy(), *args)
            self._check_result(new._data)
            np.copyto(self._data, new._data, casting="unsafe")
            self._adopt(new)
            return self
        # NOTE: on a view, as torch: the base's history becomes CopySlices(base, new value of the
        # view), and the view's history becomes its view ops replayed on the base.
        base, steps = self._base, self._vfn
        cur = M.replay(base, steps)
        old = Tensor._make(cur._data.copy(), cur._rg, cur.grad_fn)
        old._output_nr = cur._output_nr
        new = fn(old, *args)
        self._check_result(new._data)
        base._adopt(M.CopySlices.apply(base, new, steps))
        view = M.replay(base, steps)
        self.grad_fn, self._rg, self._output_nr = view.grad_fn, view._rg, view._output_nr
        self._hist_version = self._vc[0]
        return self

    def _regenerate_history(self) -> None:
        """A view whose memory was modified in place (through its base or another view) since its
        history was set: as torch does, its history becomes its view ops replayed on the base."""
        base = self._base
        if base._rg and self.grad_fn is not None:
            with grad_mode.enable_grad():
                view = M.replay(base, self._vfn)
            self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
        self._hist_version = self._vc[0]

    def _ufunc_(self, ufunc, other):
        """Unrecorded ``self = ufunc(self, other)`` straight into this tensor's memory (no temporaries)."""
        self._check_writeable()
        o = (
            other._data
            if isinstance(other, Tensor)
            else _to_array(other)
            if isinstance(other, (list, tuple))
            else other
        )
        try:
            ufunc(self._data, o, out=self._data, casting="same_kind")
        except TypeError:  # NumPy refuses the cast back (float result into an integer tensor)
            rt = _dtype.from_numpy_dtype(np.result_type(self._data, o)).name.capitalize()
            raise RuntimeError(
                f"result type {rt} can't be cast to the desired output type {self.dtype.name.capitalize()}"
            ) from None
        except ValueError:
            raise RuntimeError(
                f"in-place {ufunc.__name__}: an operand of shape {list(np.shape(o))} cannot be broadcast to "
                f"the shape of the tensor written to, {list(self._data.shape)}"
            ) from None
        self._vc[0] += 1
        return self

    def add_(self, other, alpha=1):
        if not self._recording((other,)):
            return self._ufunc_(np.add, other if alpha == 1 else _d(other) * alpha)
        return self._inplace(Tensor.add, other, alpha)

    def sub_(self, other, alpha=1):
        if not self._recording((other,)):
            return self._ufunc_(np.subtract, other if alpha == 1 else _d(other) * alpha)
        return self._inplace(Tensor.sub, other, alpha)

    def mul_(self, other):
        if not self._recording((other,)):
            return self._ufunc_(np.multiply, other)
        return self._inplace(Tensor.__mul__, other)

    def div_(self, other, rounding_mode=None):
        if rounding_mode is not None:
            return self._inplace(lambda s, o: s.div(o, rounding_mode=rounding_mode), other)
        if not self._recording((other,)):
            return self._ufunc_(np.true_divide, other)
        return self._inplace(Tensor.__truediv__, other)

    def pow_(self, exponent):
        return self._inplace(Tensor.__pow__, exponent)

    def neg_(self):
        return self._inplace(Tensor.__neg__)

    def clamp_(self, min=None, max=None):
        return self._inplace(Tensor.clamp, min, max)

    clip_ = clamp_

    def exp_(self):
        return self._inplace(Tensor.exp)

    def sqrt_(self):
        return self._inplace(Tensor.sqrt)

    def relu_(self):
        return self._inplace(Tensor.relu)

    def sigmoid_(self):
        return self._inplace(Tensor.sigmoid)

    def tanh_(self):
        return self._inplace(Tensor.tanh)

    def masked_fill_(self, mask, value):
        return self._inplace(Tensor.masked_fill, mask, value)

    def addcmul_(self, t1, t2, value=1):
        if not self._recording((t1, t2)):
            return self._ufunc_(np.add, value * _d(t1) * _d(t2))
        return self._inplace(lambda s, a, b: s + value * a * b, t1, t2)

    def addcdiv_(self, t1, t2, value=1):
        if not self._recording((t1, t2)):
            return self._ufunc_(np.add, value * _d(t1) / _d(t2))
        return self._inplace(lambda s, a, b: s + value * a / b, t1, t2)

    def lerp_(self, end, weight):
        if not self._recording((end, weight)):
            return self._ufunc_(np.add, _d(weight) * (_d(end) - self._data))
        return self._inplace(Tensor.lerp, end, weight)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def _fill_with(self, arr) -> Tensor:
        """Overwrite every element (zero_, fill_, uniform_, ...): the old value gets a zero grad."""
        if self._recording(()):
            return self._inplace(lambda s: M.Copy.apply(s, arr))
        self._check_writeable()
        np.copyto(self._data, arr, casting="unsafe")
        self._vc[0] += 1
        return self

    def zero_(self):
        return self._fill_with(0)

    def fill_(self, value):
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError(
                    f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
                )
            if self._recording((value,)):
                return self._inplace(M.Copy.apply, value)
        return self._fill_with(_d(value))

    def copy_(self, src, non_blocking: bool = False):
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor; differentiable."""
        if not isinstance(src, Tensor):
            src = Tensor(src)
        try:
            np.broadcast_shapes(src._data.shape, self._data.shape)
        except ValueError:
            raise RuntimeError(
                f"copy_: the source of shape {list(src._data.shape)} cannot be broadcast to the "
                f"destination's shape {list(self._data.shape)}"
            ) from None
        if self._recording((src,)):
            return self._inplace(M.Copy.apply, src)
        return self._fill_with(np.broadcast_to(src._data, self._data.shape))

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator=None):
        from ._random import _rng

        return self._fill_with(_rng(generator).uniform(a, b, self._data.shape))

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator=None):
        from ._random import _rng

        return self._fill_with(_rng(generator).normal(mean, std, self._data.shape))

    def bernoulli_(self, p: float = 0.5, generator=None):
        from ._random import _rng

        return self._fill_with(_rng(generator).random(self._data.shape) < p)

    def random_(self, low: int = 0, high: int | None = None, generator=None):
        from ._random import _rng

        if high is None:
            low, high = 0, low
        return self._fill_with(_rng(generator).integers(low, high, self._data.shape))

    def set_(self, source):
        self._data = source._data
        self._vc[0] += 1
        return self


def _multi_views(outs: tuple) -> tuple:
    """Mark the views returned by split/chunk/unbind: torch forbids modifying them in place."""
    for o in outs:
        o._multi_view = True
    return outs


def _rebuild(data, requires_grad):
    t = Tensor._make(data, False, None)
    t._rg = requires_grad
    return t


class _Accum(AccumulateGrad):
    """AccumulateGrad holding its leaf weakly (so a leaf and its node do not form a cycle)."""

    def __init__(self, variable: Tensor) -> None:
        super().__init__(None)
        self._ref = weakref.ref(variable)

    @property
    def variable(self):
        return self._ref()

    @variable.setter
    def variable(self, v):
        pass


# --- helpers shared by the methods ---
def _d(x):
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, np.generic):
        return x.item()
    return x


def _fl(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype for float math (exp, log, ...), as torch."""
    return x if x._data.dtype.kind == "f" else x.to(_dtype.default_float)


def _as_tensor_arg(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(_to_array(x), False, None)


def _wrap_like(x, like: Tensor) -> Tensor:
    """A Python scalar as a 0-d tensor of ``like``'s dtype (for reflected ops like ``2 / x``)."""
    if isinstance(x, Tensor):
        return x
    return Tensor._make(np.asarray(x, dtype=like._data.dtype), False, None)


def _promote(a: Tensor, b, true_div: bool = False, sub: bool = False):
    """torch's type promotion on top of NumPy's: Python scalars never upcast a tensor, integer
    tensors meeting floats become float32, and 0-d tensors give way to dimensioned ones."""
    kind = a._data.dtype.kind
    if kind == "f":  # fast paths: the common float cases need no promotion
        if isinstance(b, Tensor):
            if b._data.dtype == a._data.dtype:
                return a, b
        elif b.__class__ is _pyfloat or b.__class__ is _pyint:
            return a, b
    return _promote_slow(a, b, true_div, sub)


def _promote_slow(a: Tensor, b, true_div: bool, sub: bool = False):
    if sub:
        _check_bool_sub(a, b)
    if isinstance(b, np.generic):
        b = b.item()  # NumPy scalars count as Python scalars, as in torch
    elif isinstance(b, np.ndarray):
        b = Tensor._make(b, False, None)
    elif isinstance(b, (list, tuple)):
        b = Tensor._make(_to_array(b), False, None)
    rt = _result_type(a, b)
    if true_div and rt.kind != "f":
        rt = _dtype.default_float.np  # true division of integers gives the default float dtype
    if a._data.dtype != rt:
        a = a.to(rt)
    if isinstance(b, Tensor):
        if b._data.dtype != rt:
            b = b.to(rt)
    elif rt.kind in "iu" and b.__class__ is not _pybool:
        b = np.asarray(b).astype(rt)  # out-of-range ints wrap around as in torch (uint8 + -1 == 255)
    return a, b


def _check_bool_sub(a: Tensor, b) -> None:
    b_bool = isinstance(b, (_pybool, np.bool_)) or (isinstance(b, Tensor) and b._data.dtype.kind == "b")
    a_bool = a._data.dtype.kind == "b"
    if a_bool and b_bool and isinstance(b, Tensor):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _promote_types(x: np.dtype, y: np.dtype) -> np.dtype:
    """torch.promote_types: the higher category (bool < integer < float) wins; within one, NumPy's."""
    cx, cy = _CATEGORY[x.kind], _CATEGORY[y.kind]
    if cx != cy:
        return x if cx > cy else y
    return np.promote_types(x, y)


def _result_type(a: Tensor, b) -> np.dtype:
    """torch.result_type(a, b): dimensioned tensors outrank 0-d tensors, which outrank Python
    scalars; a lower-ranked operand only matters when its category is higher (int tensor + 2.5)."""
    ranks = [None, None, None]  # dimensioned tensors, 0-d tensors, Python scalars
    for x in (a, b):
        if isinstance(x, Tensor):
            dt, r = x._data.dtype, (0 if x._data.ndim else 1)
        elif isinstance(x, _pybool):
            dt, r = np.dtype(np.bool_), 2
        elif isinstance(x, _pyint):
            dt, r = np.dtype(np.int64), 2
        elif isinstance(x, _pyfloat):
            dt, r = _dtype.default_float.np, 2
        else:
            raise TypeError(f"unsupported operand type for a Tensor operation: {type(x).__name__}")
        ranks[r] = dt if ranks[r] is None else _promote_types(ranks[r], dt)
    out = None
    for dt in reversed(ranks):  # from Python scalars up to dimensioned tensors
        if dt is not None:
            out = dt if out is None or _CATEGORY[dt.kind] >= _CATEGORY[out.kind] else _promote_types(dt, out)
    return out


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(map(operator.index, shape))


def _index_arg(idx):
    """Translate Tensor/list indices into NumPy indices, rejecting what torch rejects."""
    if isinstance(idx, tuple):
        return tuple(_index_arg(i) for i in idx)
    if isinstance(idx, slice):
        if idx.step is not None and idx.step <= 0:
            raise ValueError("step must be greater than zero")  # torch has no negative steps: use flip
        return idx
    if isinstance(idx, Tensor):
        arr = idx._data
        if arr.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr.astype(bool) if arr.dtype == np.uint8 else arr  # byte tensors are masks, as torch
    if isinstance(idx, list):
        arr = np.asarray([_d(i) for i in idx])
        return arr.astype(np.int64) if arr.size == 0 else arr
    return idx


def _argsort(x: np.ndarray, d: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``d``; descending keeps equal elements in their original order."""
    if not descending:
        return np.argsort(x, axis=d, kind="stable")
    n = x.shape[d]
    return np.flip(n - 1 - np.argsort(np.flip(x, d), axis=d, kind="stable"), d)


def _arg(x: np.ndarray, dim, keepdim, fn):
    if x.size == 0 and (dim is None or x.ndim == 0 or x.shape[R.norm_dims(dim, x.ndim)[0]] == 0):
        name = fn.__name__
        raise IndexError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if dim is None
            else f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )
    if dim is None:
        out = np.asarray(fn(x))
        if keepdim:
            out = out.reshape((1,) * x.ndim)
    else:
        (d,) = R.norm_dims(dim, x.ndim)
        out = fn(x, axis=d) if x.ndim else np.asarray(0)
        if keepdim and x.ndim:
            out = np.expand_dims(out, d)
    return Tensor._make(np.asarray(out, dtype=np.int64), False, None)


def where(condition, input=None, other=None):
    """``where(c, a, b)``: elements of ``a`` where ``c`` else of ``b`` (differentiable in a, b)."""
    if input is None and other is None:
        return tuple(Tensor._make(i.astype(np.int64), False, None) for i in np.nonzero(_d(condition)))
    cond = condition if isinstance(condition, Tensor) else Tensor._make(np.asarray(condition), False, None)
    if cond._data.dtype != np.bool_:
        cond = Tensor._make(cond._data.astype(bool), False, None)
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        input, other = _promote(input, other)
    elif isinstance(input, Tensor):
        input, other = _promote(input, other)
    elif isinstance(other, Tensor):
        other, input = _promote(other, input)
    else:
        input, other = _promote(_as_tensor_arg(input), _as_tensor_arg(other))
    return E.Where.apply(cond, input, other)


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become float32, ints int64)."""
    arr = np.array(_to_array(data, dtype), copy=True)
    t = Tensor._make(arr, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate along an existing dim (differentiable; each input gets its slice of the grad)."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or tensors[:1]
    nd = tensors[0]._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    (d,) = R.norm_dims(dim, nd)
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        s = t._data.shape
        if len(s) != nd or builtins.any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}. Expected size "
                f"{[n for j, n in enumerate(ref) if j != d]} but got size "
                f"{[n for j, n in enumerate(s) if j != d]} for tensor number {i} in the list."
            )
    dt = np.result_type(*[t._data for t in tensors])
    tensors = [t.to(dt) for t in tensors]
    return M.Cat.apply(d, *tensors)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dim."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shp = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shp:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shp)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    nd = len(shp) + 1
    d = dim % nd
    return cat([t.unsqueeze(d) for t in tensors], d)


_function_module.Tensor = Tensor
