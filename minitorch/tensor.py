"""``Tensor``: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Start reading here. Every method is a one-liner that calls an op from ``minitorch.ops``; the
ops record the graph, and ``backward`` (in ``autograd.engine``) walks it.
"""

from __future__ import annotations

import builtins
import copy
import warnings
import weakref

import numpy as np

from . import _device, _dtype
from ._arguments import _check_requires_grad, _to_array, norm_dims
from ._format import format_tensor
from ._size import Size
from .autograd import function as _function_module
from .autograd import grad_mode
from .autograd.engine import run_backward
from .autograd.function import AccumulateGrad, _RemovableHandle
from .tensor_methods.arithmetic import ArithmeticMethods
from .tensor_methods.conversion import ConversionMethods
from .tensor_methods.indexing import IndexingMethods
from .tensor_methods.inplace import InplaceMethods, InplaceVariants
from .tensor_methods.linalg import LinalgMethods
from .tensor_methods.math import MathMethods
from .tensor_methods.reduction import ReductionMethods
from .tensor_methods.shape import ShapeMethods
from .tensor_methods.special import SpecialMethods

_state = grad_mode._state
_new_tensor = object.__new__
_CPU = _device.device("cpu")
_pybool, _pyint, _pyfloat = builtins.bool, builtins.int, builtins.float


class Tensor(
    ConversionMethods,
    ArithmeticMethods,
    MathMethods,
    ReductionMethods,
    ShapeMethods,
    IndexingMethods,
    LinalgMethods,
    InplaceMethods,
    SpecialMethods,
    InplaceVariants,
):
    """An n-dimensional array that records operations for automatic differentiation.

    This class holds what autograd needs; the long tail of methods (``x.exp()``, ``x.sum()``,
    ``x.view()``, ``x.add_()``, ...) is inherited from the mixins in ``minitorch/tensor_methods/``,
    one file per family, each calling the ops of the matching file in ``minitorch/ops/``.
    """

    # NOTE: the four attributes every op sets are slots; the rarely-set ones live in __dict__
    # behind class-level defaults, which keeps creating a tensor (done once per op) cheap.
    __slots__ = ("_data", "_rg", "grad_fn", "_vc", "__dict__", "__weakref__")
    _grad = None
    _output_nr = 0
    _accum = None
    _base = None
    _retains_grad = False
    _multi_view = False  # one of several views returned by split/chunk/unbind
    _hist_version = 0  # for views: the version at which grad_fn was last set
    __array_priority__ = 1000  # make ndarray (op) Tensor defer to Tensor's reflected ops

    def __init__(self, *args, dtype=None, requires_grad: bool = False) -> None:
        """``Tensor(data)`` copies ``data`` (as float32, torch's legacy constructor); ``Tensor(2, 3)`` and
        ``Tensor(size)`` make a tensor of that shape (zeros; torch leaves the memory uninitialised)."""
        data = args[0] if len(args) == 1 else None
        if (
            len(args) > 1
            or isinstance(data, (builtins.int, np.integer, Size))
            and not isinstance(data, builtins.bool)
        ):
            data = np.zeros(
                tuple(builtins.int(s) for s in (data if isinstance(data, Size) else args)), np.float32
            )
        elif data is None:
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
    def grad(self):
        """The accumulated gradient (leaves, and non-leaves after ``retain_grad()``)."""
        g = self._grad
        if g is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NONLEAF_GRAD_MSG, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            vd, sd = value._data, self._data
            if vd.dtype != sd.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_C_TYPE.get(vd.dtype.name, vd.dtype.name)}' "
                    f"to a tensor with grad_dtype '{_function_module._TENSOR_TYPE.get(sd.dtype.name)}'. The "
                    "gradient must match the tensor's grad_dtype (defaults to the tensor's dtype)."
                )
            if vd.shape != sd.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(vd.shape)}' to a tensor of size "
                    f"'{list(sd.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

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
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gradient = Tensor._make(np.array(1, self._data.dtype).reshape(self._data.shape), False, None)
        elif not isinstance(gradient, Tensor):
            gradient = Tensor._make(np.asarray(gradient, self._data.dtype), False, None)
        if gradient._data.shape != self._data.shape:
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
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufV":
            # NOTE: torch refuses an array; the project's shared speed yardstick (../shared/bench)
            # assigns one, so a numeric array is taken as is (shared, as a tensor's data would be)
            self._data = value
            return
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after backward has added into this leaf's ``.grad`` (e.g. to step
        an optimizer per parameter); returns a handle with ``remove()``."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self.__dict__.setdefault("_post_acc_hooks", [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

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
        self._retain_hook = _keep

    def _move_retain_hook(self, old_fn, old_nr: int) -> None:
        """This tensor's history changed (an in-place op, a view's base modified): its retain_grad
        hook moves from the old node to the new one, so ``.grad`` is the grad of the current value."""
        keep = self.__dict__.get("_retain_hook")
        if keep is None:
            return
        if old_fn is not None and old_fn._pre_hooks:
            hooks = old_fn._pre_hooks.get(old_nr, [])
            if keep in hooks:
                hooks.remove(keep)
        if self.grad_fn is not None:
            self.grad_fn._add_pre_hook(self._output_nr, keep)

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
            self._data.shape[norm_dims(dim, self._data.ndim)[0]] if self._data.ndim else self._dim_error(dim)
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
        return self._data.dtype.kind in "fV"

    def is_complex(self) -> bool:
        return False  # (no complex dtypes)

    def is_contiguous(self, memory_format=None) -> bool:
        if memory_format is not None and str(memory_format).endswith("channels_last"):
            return _is_channels_last(self._data)
        return self._data.flags.c_contiguous

    def stride(self, dim: int | None = None):
        s = tuple(st // self._data.itemsize for st in self._data.strides)
        return s if dim is None else s[dim]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def __repr__(self) -> str:
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
                # NOTE: autograd bookkeeping (the leaf's AccumulateGrad node, view links) belongs
                # to the original; copying ``_accum`` would send the copy's grads to the original.
                if k not in _NOT_COPIED:
                    new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new


_NONLEAF_GRAD_MSG = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
    "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
    "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
    "by mistake, make sure you access the leaf Tensor instead."
)
_NOT_COPIED = ("_accum", "_grad", "_base", "_vfn", "_output_nr", "_retains_grad", "_retain_hook")
_C_TYPE = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _rebuild(data, requires_grad):
    t = Tensor._make(data, False, None)
    t._rg = requires_grad
    return t


def _is_channels_last(a: np.ndarray) -> bool:
    """torch's channels_last test on a 4-D array: strides (H*W*C, 1, W*C, C), size-1 dims free."""
    if a.ndim != 4:
        return False
    n, c, h, w = a.shape
    want = (h * w * c, 1, w * c, c)
    return all(size == 1 or st == wt * a.itemsize for size, st, wt in zip(a.shape, a.strides, want))


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


_Accum.__name__ = _Accum.__qualname__ = "AccumulateGrad"  # what ``type(node).__name__`` prints in torch


# --- helpers shared by the methods ---


_function_module.Tensor = Tensor
