"""Tensor methods: reductions and order statistics: ``sum``, ``mean``, ``max``, ``softmax``, ``var``, ``sort``, ``median``, ... (ops in ``ops/reduce.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import return_types
from .._arguments import norm_dims
from ..autograd import function as _function
from ..ops import indexing as I
from ..ops import reduce as R

_pybool, _pyfloat = builtins.bool, builtins.float


class ReductionMethods:
    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        x = R._accumulator(self, dtype)
        return (R.Sum if dim is None else R.SumDim).apply(x, norm_dims(dim, x._data.ndim), keepdim)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind not in "fV":
            raise RuntimeError(
                f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} dtype must "
                f"be either a floating point or complex dtype. Got: {x.dtype.type_name}"
            )
        return (R.Mean if dim is None else R.MeanDim).apply(x, norm_dims(dim, x._data.ndim), keepdim)

    def amax(self, dim=(), keepdim: bool = False):
        return R.Amax.apply(self, norm_dims(None if dim == () else dim, self._data.ndim), keepdim)

    def amin(self, dim=(), keepdim: bool = False):
        return R.Amin.apply(self, norm_dims(None if dim == () else dim, self._data.ndim), keepdim)

    def max(self, dim=None, keepdim: bool = False):
        """``max()`` -> value; ``max(dim)`` -> (values, indices); ``max(other)`` -> maximum."""
        if isinstance(dim, _function.Tensor):
            return self.maximum(dim)
        if dim is None:
            return R.MaxAll.apply(self, norm_dims(None, self._data.ndim), False)
        return self._minmax_dim(dim, keepdim, R.MaxDim, np.argmax, "max")

    def min(self, dim=None, keepdim: bool = False):
        if isinstance(dim, _function.Tensor):
            return self.minimum(dim)
        if dim is None:
            return R.MinAll.apply(self, norm_dims(None, self._data.ndim), False)
        return self._minmax_dim(dim, keepdim, R.MinDim, np.argmin, "min")

    def _minmax_dim(self, dim, keepdim, op, argfn, kind):
        (d,) = norm_dims(dim, self._data.ndim)
        x = self._data
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"{op._label}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.expand_dims(argfn(x, axis=d), d) if x.ndim else np.zeros((), np.int64)
        values = op.apply(self, d, idx, keepdim)
        if x.ndim and not keepdim:
            idx = np.squeeze(idx, d)
        return getattr(return_types, kind)(
            values, _function.Tensor._make(idx.astype(np.int64, copy=False), False, None)
        )

    def argmax(self, dim=None, keepdim: bool = False):
        if self._data.dtype == np.bool_:
            raise RuntimeError("argmax(): does not support bool input")
        return R._arg(self._data, dim, keepdim, np.argmax)

    def argmin(self, dim=None, keepdim: bool = False):
        return R._arg(self._data, dim, keepdim, np.argmin)

    def prod(self, dim=None, keepdim: bool = False, dtype=None):
        x = R._accumulator(self, dtype)
        return (R.Prod if dim is None else R.ProdDim).apply(x, norm_dims(dim, x._data.ndim), keepdim)

    def logsumexp(self, dim, keepdim: bool = False):
        x = self if self._data.dtype.kind in "fV" else self.float()  # as torch: integers give float32
        return R.LogSumExp.apply(x, norm_dims(dim, x._data.ndim), keepdim)

    def _float_only(self, kernel: str):
        """torch's error for a floating-point kernel given an integer or bool tensor."""
        if self._data.dtype.kind not in "fV":
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{self.dtype.type_name}'")
        return self

    def softmax(self, dim: int, dtype=None):
        x = (self if dtype is None else self.to(dtype))._float_only("softmax_lastdim_kernel_impl")
        return R.Softmax.apply(x, norm_dims(dim, x._data.ndim)[0] if x._data.ndim else None)

    def log_softmax(self, dim: int, dtype=None):
        x = (self if dtype is None else self.to(dtype))._float_only("log_softmax_lastdim_kernel_impl")
        return R.LogSoftmax.apply(x, norm_dims(dim, x._data.ndim)[0] if x._data.ndim else None)

    def cumsum(self, dim: int, dtype=None):
        x = R._accumulator(self, dtype)
        return R.CumSum.apply(x, norm_dims(dim, x._data.ndim)[0])

    def _var_args(self, name, dim, unbiased, correction):
        if self._data.dtype.kind not in "fV":
            raise RuntimeError(f"{name}(): std and var only support floating point and complex dtypes")
        if isinstance(dim, _pybool):  # the var(unbiased) overload
            dim, unbiased = None, dim
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        return norm_dims(dim, self._data.ndim), correction

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
        if x._data.dtype.kind not in "fV":
            raise RuntimeError(
                f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {x.dtype.name.capitalize()}"
            )
        if p == "fro" or p is None:
            p = 2
        if isinstance(p, str):
            raise RuntimeError(f"norm: p={p!r} is not supported (use 'fro' or a number)")
        axes = norm_dims(dim, x._data.ndim)
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
        (d,) = norm_dims(dim, self._data.ndim)
        idx = R._argsort(self._data, d, descending)
        return return_types.sort(
            I.Gather.apply(self, d, idx), _function.Tensor._make(idx.astype(np.int64), False, None)
        )

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        return self.sort(dim, descending, stable).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        (d,) = norm_dims(dim, self._data.ndim)
        if not 0 <= k <= self._data.shape[d]:
            raise RuntimeError(f"selected index k out of range (k={k}, dim size {self._data.shape[d]})")
        idx = np.take(R._argsort(self._data, d, largest), np.arange(k), axis=d)
        return return_types.topk(
            I.Gather.apply(self, d, idx), _function.Tensor._make(idx.astype(np.int64), False, None)
        )

    def cumprod(self, dim: int, *, dtype=None):
        return R.cumprod(self, dim, dtype)

    def median(self, dim=None, keepdim: bool = False):
        return R.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim: bool = False):
        return R.nanmedian(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        return R.kthvalue(self, k, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False):
        return R.mode(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return R.count_nonzero(self, dim)

    def bincount(self, weights=None, minlength: int = 0):
        return R.bincount(self, weights, minlength)

    def unique(
        self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim=None
    ):
        return R.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim=None):
        return R.unique_consecutive(self, return_inverse, return_counts, dim)
