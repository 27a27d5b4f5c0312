"""Tensor methods: indexing and scattering: ``x[i]``, ``x[i] = v``, ``gather``, ``scatter``, ``index_select``, ... (ops in ``ops/indexing.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import builtins
import re

import numpy as np

from .._arguments import _index_arg, norm_dims
from ..autograd import function as _function
from ..ops import indexing as I

_pyint = builtins.int


def _split_ints(idx, ndim: int):
    """torch applies integer indices before advanced ones (``x[1, :, t]`` is ``x[1][:, t]``, shape
    (3, 2) for x of (2, 3, 4)), where NumPy counts an integer as one more advanced index (shape
    (2, 3)). For an index mixing both: (the basic index of the integers, the rest), else None."""
    if not isinstance(idx, tuple):
        return None
    has_int = any(isinstance(i, (_pyint, np.integer)) and not isinstance(i, bool) for i in idx)
    if not has_int or not any(isinstance(i, np.ndarray) and i.ndim for i in idx):
        return None

    def dims(i):  # the dims of the tensor an index entry consumes
        if i is None or i is Ellipsis:
            return 0
        return i.ndim if isinstance(i, np.ndarray) and i.dtype == bool else 1

    used = sum(dims(i) for i in idx)
    full = []
    for i in idx:
        full.extend([slice(None)] * (ndim - used) if i is Ellipsis else [i])
    basic, rest = [], []
    for i in full:
        if isinstance(i, (_pyint, np.integer)):
            basic.append(i)
        else:
            basic.extend([slice(None)] * dims(i))
            rest.append(i)
    return tuple(basic), tuple(rest)


def _torch_index_error(e: IndexError, idx, shape) -> IndexError:
    """NumPy's IndexError in torch's words where torch has its own (out of bounds, a mask of the
    wrong shape); otherwise NumPy's, with the tensor's shape."""
    msg = str(e)
    m = re.match(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", msg)
    if m:
        return IndexError(f"index {m[1]} is out of bounds for dimension {m[2]} with size {m[3]}")
    m = re.match(r"boolean index did not match indexed array along (?:axis|dimension) (\d+)", msg)
    if m:
        keys = idx if isinstance(idx, tuple) else (idx,)
        masks = [k for k in keys if isinstance(k, np.ndarray) and k.dtype == bool]
        if len(masks) == 1:
            at = int(m[1])
            return IndexError(
                f"The shape of the mask {list(masks[0].shape)} at index {at} does not match the shape of the "
                f"indexed tensor {list(shape)} at index {at}"
            )
    return IndexError(f"{msg} (indexing a tensor of shape {list(shape)})")


class IndexingMethods:
    __slots__ = ()

    def gather(self, dim: int, index):
        (d,) = norm_dims(dim, self._data.ndim)
        idx = index._data if isinstance(index, _function.Tensor) else np.asarray(index)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
        if idx.ndim != self._data.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        if not idx.ndim:  # a 0-d input acts as one of shape (1,), as torch
            return self.reshape(1).gather(0, idx.reshape(1)).reshape(())
        n = self._data.shape[d]
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {d} with size {n}")
        return I.Gather.apply(self, d, idx)

    def __getitem__(self, idx):
        if idx.__class__ is not _pyint and (idx.__class__ is not slice or idx.step is not None):
            idx = _index_arg(idx)
            split = _split_ints(idx, self._data.ndim)
            if split is not None:  # the integers first, as torch
                return self[split[0]][split[1]]
        op = I.index_op(idx)
        try:
            out = op.apply(self, idx)
        except IndexError as e:
            raise _torch_index_error(e, idx, self._data.shape) from None
        if op is not I.Index:  # basic indexing gives a view: share memory and version counter
            out._vc = self._vc
            step = ((op, (idx,)),)
            if self._base is None:
                out._base, out._vfn = self, step
            else:
                out._base, out._vfn = self._base, self._vfn + step
            out._hist_version = self._vc[0]
        return out

    def __setitem__(self, idx, value):
        idx = _index_arg(idx)
        split = _split_ints(idx, self._data.ndim)
        if split is not None:  # the integers first, as torch (a view, written through)
            self[split[0]][split[1]] = value
            return
        if self._recording((value,)):
            self._inplace(lambda s, v: I.IndexPut.apply(s, idx, v), value)
            return
        self._check_writeable()
        I.set_item(self._data, idx, value._data if isinstance(value, _function.Tensor) else value)
        self._vc[0] += 1

    def index_select(self, dim: int, index):
        return I.index_select(self, dim, index)

    def masked_select(self, mask):
        return I.masked_select(self, mask)

    def take(self, index):
        return I.take(self, index)

    def scatter(self, dim: int, index, src=None, *, value=None, reduce=None):
        return I.scatter(self, dim, index, src, value, reduce)

    def scatter_add(self, dim: int, index, src):
        return I.scatter_add(self, dim, index, src)

    def index_add(self, dim: int, index, source, *, alpha=1):
        return I.index_add(self, dim, index, source, alpha)

    def index_copy(self, dim: int, index, source):
        """A copy with the slices ``index`` along ``dim`` replaced by those of ``source``."""
        (d,) = norm_dims(dim, self._data.ndim)
        return self.index_put((slice(None),) * d + (index,), source)

    def index_copy_(self, dim: int, index, source):
        return self._inplace(lambda s, v: s.index_copy(dim, index, v), source)

    def put(self, index, source, accumulate: bool = False):
        """A copy with ``source`` written at the flat (row-major) positions ``index``."""
        flat = self.reshape(-1).index_put((index.reshape(-1),), source.reshape(-1), accumulate)
        return flat.reshape(self._data.shape)

    def put_(self, index, source, accumulate: bool = False):
        return self._inplace(lambda s, v: s.put(index, v, accumulate), source)

    def select(self, dim: int, index: int):
        """The slice at ``index`` along ``dim`` (that dim removed): a view, as ``x[:, index]``."""
        (d,) = norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if not -n <= index < n:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size {list(self._data.shape)} at dimension {dim}"
            )
        return self[(slice(None),) * d + (index,)]

    def index_put(self, indices, values, accumulate: bool = False):
        """A copy with ``values`` written at ``self[indices]`` (``indices``: a tuple of index tensors);
        with ``accumulate`` repeated positions add up."""
        return self.clone().index_put_(indices, values, accumulate)

    def index_put_(self, indices, values, accumulate: bool = False):
        if not isinstance(indices, (tuple, list)):
            raise TypeError(
                f"index_put_(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}"
            )
        idx = _index_arg(tuple(indices))
        if not isinstance(values, _function.Tensor):
            values = _function.Tensor._make(np.asarray(values, dtype=self._data.dtype), False, None)
        if not accumulate:
            self[idx] = values
            return self
        shape = self._data[idx].shape
        return self._inplace(
            lambda s, v: s + I.IndexAddZeros.apply(v.expand(shape), idx, s._data.shape), values
        )

    def masked_scatter(self, mask, source):
        """A copy with the elements of ``source`` (in order) written where ``mask`` is True."""
        return self.clone().masked_scatter_(mask, source)

    def masked_scatter_(self, mask, source):
        m = mask._data if isinstance(mask, _function.Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(
                f"masked_scatter_ only supports boolean masks, but got mask with dtype {m.dtype}"
            )
        where = np.nonzero(np.broadcast_to(m, self._data.shape))
        n = where[0].size
        if source.numel() < n:
            raise RuntimeError(
                "masked_scatter: expected source to have at least as many elements as ones in mask"
            )
        return self.index_put_(
            tuple(_function.Tensor._make(w, False, None) for w in where), source.reshape(-1)[:n]
        )

    def index_fill(self, dim: int, index, value):
        return I.index_fill(self, dim, index, value)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return I.repeat_interleave(self, repeats, dim, output_size)

    def nonzero(self, *, as_tuple: bool = False):
        return I.nonzero(self, as_tuple)

    def argwhere(self):
        return I.nonzero(self)

    def scatter_(self, dim: int, index, src=None, *, value=None, reduce=None):
        return self._inplace(lambda s, v: I.scatter(s, dim, index, v, value, reduce), src)

    def scatter_add_(self, dim: int, index, src):
        return self._inplace(lambda s, v: I.scatter_add(s, dim, index, v), src)

    def index_add_(self, dim: int, index, source, *, alpha=1):
        return self._inplace(lambda s, v: I.index_add(s, dim, index, v, alpha), source)

    def index_fill_(self, dim: int, index, value):
        return self._inplace(lambda s, v: I.index_fill(s, dim, index, v), value)

    def fill_diagonal_(self, fill_value, wrap: bool = False):
        return self.masked_fill_(I.fill_diagonal_mask(self, wrap), fill_value)
