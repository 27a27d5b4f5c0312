"""Tensor methods: shape and view methods: ``reshape``, ``view``, ``permute``, ``expand``, ``split``, ``tril``, ... (ops in ``ops/shape.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype
from .._arguments import _shape_arg, norm_dims
from .._size import Size
from ..autograd import function as _function
from ..autograd.engine import _broadcast_axes
from ..ops import arithmetic as A
from ..ops import indexing as I
from ..ops import shape as S

if TYPE_CHECKING:
    pass

_pyint = builtins.int

_pyint = builtins.int


class ShapeMethods:
    __slots__ = ()

    def reshape(self, *shape):
        shape = _shape_arg(shape)
        if shape == self._data.shape:
            return self if self.grad_fn is None and not self._rg else S.Reshape.apply(self, shape)
        try:
            return S.Reshape.apply(self, shape)
        except ValueError:
            if shape.count(-1) > 1:
                raise RuntimeError("only one dimension can be inferred") from None
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
            out = _function.Tensor._make(arr, False, None)
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
        s, e = norm_dims(start_dim, self._data.ndim)[0], norm_dims(end_dim, self._data.ndim)[0]
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        shp = self._data.shape
        return self.reshape(shp[:s] + (-1 if 0 not in shp[s : e + 1] else 0,) + shp[e + 1 :])

    def unflatten(self, dim: int, sizes):
        (d,) = norm_dims(dim, self._data.ndim)
        shp = self._data.shape
        return self.reshape(shp[:d] + tuple(sizes) + shp[d + 1 :])

    def squeeze(self, dim=None):
        shp = self._data.shape
        if dim is None:
            new = tuple(n for n in shp if n != 1)
        else:
            axes = norm_dims(dim, self._data.ndim)
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
        return S.Reshape.apply(self, shp[:d] + (1,) + shp[d:])

    def permute(self, *dims):
        dims = _shape_arg(dims)
        if len(dims) != self._data.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                f"length of the desired ordering of dimensions i.e. input.dim() = {self._data.ndim} "
                f"is not equal to len(dims) = {len(dims)}"
            )
        dims = tuple(norm_dims(d, self._data.ndim)[0] for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return S.Permute.apply(self, dims)

    def transpose(self, dim0: int, dim1: int):
        nd = self._data.ndim
        if nd < 2 and dim0 in (0, -1) and dim1 in (0, -1):
            return self
        if -nd <= dim0 < nd and -nd <= dim1 < nd:
            return S.Transpose.apply(self, dim0 % nd, dim1 % nd)
        d = norm_dims((dim0,), nd)[0], norm_dims((dim1,), nd)[0]
        return S.Transpose.apply(self, *d)

    swapaxes = swapdims = transpose

    def _inplace_view(self, view):
        """Make this tensor the view ``view`` of itself (``unsqueeze_``, ``t_``, ...): its data and,
        when recorded, its history are the view's; the version is bumped, as torch's."""
        if self._rg and self.grad_fn is None and _function._state.enabled:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        self._data = view._data
        if view.grad_fn is not None:
            self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
        self._vc[0] += 1
        return self

    def unsqueeze_(self, dim: int):
        return self._inplace_view(self.unsqueeze(dim))

    def squeeze_(self, dim=None):
        return self._inplace_view(self.squeeze(dim))

    def t_(self):
        return self._inplace_view(self.t())

    def transpose_(self, dim0: int, dim1: int):
        return self._inplace_view(self.transpose(dim0, dim1))

    swapaxes_ = swapdims_ = transpose_

    def as_strided(self, size, stride, storage_offset=None):
        """A view of this tensor's memory with the given sizes and strides (in elements), starting
        ``storage_offset`` elements into it (default: where this tensor starts), as torch's."""
        size, stride = tuple(_shape_arg((size,))), tuple(_shape_arg((stride,)))
        if len(size) != len(stride):
            raise RuntimeError(
                f"mismatch in length of strides and shape: {len(stride)} strides for {len(size)} dimensions"
            )
        if any(s < 0 for s in stride):
            raise RuntimeError(
                "as_strided: Negative strides are not supported at the moment, got strides: "
                + str(list(stride))
            )
        off = self.storage_offset() if storage_offset is None else int(storage_offset)
        return S.AsStrided.apply(self, size, stride, off)

    def msort(self):
        return self.sort(dim=0).values

    def sum_to_size(self, *size):
        """The sum of this tensor down to ``size``, which must broadcast to its shape."""
        size = tuple(_shape_arg(size))
        shp = self._data.shape
        try:  # the reduction the engine does to a broadcast gradient
            lead, inner = _broadcast_axes(shp, size)
        except RuntimeError:
            raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shp)}}}.") from None
        axes = tuple(range(lead)) + inner
        out = self.sum(axes, keepdim=True) if axes else self
        return out.reshape(size) if out._data.shape != size else out

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return S.Transpose.apply(self, 0, 1) if self._data.ndim == 2 else self

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
            return S.Expand.apply(self, target)
        except ValueError:
            i = next(i for i, n in enumerate(shp) if n != 1 and n != target[i + lead])
            raise RuntimeError(
                f"The expanded size of the tensor ({target[i + lead]}) must match the existing size ({shp[i]}) "
                f"at non-singleton dimension {i + lead}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shp)}"
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
        return S.Repeat.apply(self, sizes)

    def flip(self, *dims):
        dims = _shape_arg(dims)
        return S.Flip.apply(self, norm_dims(dims, self._data.ndim))

    def contiguous(self, memory_format=None):
        # NOTE: every memory format is row-major (NCHW) here; channels_last gives the same values
        return self if self._data.flags.c_contiguous else A.Clone.apply(self)

    def clone(self, *, memory_format=None):
        return A.Clone.apply(self)

    def split(self, split_size, dim: int = 0):
        (d,) = norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if isinstance(split_size, _pyint):
            if split_size < 0:
                raise RuntimeError(
                    f"split expects split_size be non-negative, but got split_size={split_size}"
                )
            if split_size == 0 and n:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
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
        op = S.SplitEqual if isinstance(split_size, _pyint) else S.Split
        return _multi_views(op.apply(self, d, sizes), self, d, sizes)

    def ravel(self):
        return self.reshape(-1)

    def tensor_split(self, indices_or_sections, dim: int = 0):
        """Pieces along ``dim`` (views, as torch's slices): ``n`` sections (the first ``size % n``
        one longer), or cut at the given indices (Python slice bounds)."""
        (d,) = norm_dims(dim, self._data.ndim)
        size = self._data.shape[d]
        ios = indices_or_sections
        if isinstance(ios, _function.Tensor):
            if ios._data.dtype.kind not in "iu" or ios._data.ndim > 1:
                raise RuntimeError(
                    "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                    f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims"
                )
            ios = _pyint(ios._data) if ios._data.ndim == 0 else [_pyint(i) for i in ios._data]
        if isinstance(ios, (_pyint, np.integer)):
            n = _pyint(ios)
            if n <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {n}")
            q, r = divmod(size, n)
            bounds = [i * q + min(i, r) for i in range(n + 1)]
        else:
            bounds = [0] + [min(max(i + size if i < 0 else i, 0), size) for i in ios] + [size]
        return tuple(self.narrow(d, lo, max(hi - lo, 0)) for lo, hi in zip(bounds[:-1], bounds[1:]))

    def _split_along(self, name: str, dim: int, min_dims: int, ios):
        nd = self._data.ndim
        if nd < min_dims:
            raise RuntimeError(
                f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                f"with {nd} dimensions!"
            )
        if isinstance(ios, (_pyint, np.integer)):
            size = self._data.shape[dim]
            if ios == 0 or size % ios:
                raise RuntimeError(
                    f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                    f"dimension {size} is not divisible by the split_size {ios}!"
                )
        return self.tensor_split(ios, dim)

    def hsplit(self, indices_or_sections):
        return self._split_along("hsplit", 0 if self._data.ndim == 1 else 1, 1, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return self._split_along("vsplit", 0, 2, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return self._split_along("dsplit", 2, 3, indices_or_sections)

    def chunk(self, chunks: int, dim: int = 0):
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        (d,) = norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if n == 0:
            return self.split([0] * chunks, d)
        return self.split(-(-n // chunks), d)

    def unbind(self, dim: int = 0):
        (d,) = norm_dims(dim, self._data.ndim)
        if self._data.shape[d] == 0:
            return ()
        return _multi_views(S.Unbind.apply(self, d, None), self, d)

    def narrow(self, dim: int, start: int, length: int):
        (d,) = norm_dims(dim, self._data.ndim)
        n = self._data.shape[d]
        if not -n <= start <= n:
            raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
        start %= builtins.max(n, 1)
        if length < 0 or start + length > n:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def roll(self, shifts, dims=None):
        return S.roll(self, shifts, dims)

    def unfold(self, dimension: int, size: int, step: int):
        from ..nn.functional.vision import _tensor_unfold

        return _tensor_unfold(self, dimension, size, step)

    def tril(self, diagonal: int = 0):
        return S.tril(self, diagonal)

    def triu(self, diagonal: int = 0):
        return S.triu(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        return S.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0):
        return S.diag(self, diagonal)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1):
        return S.diag_embed(self, offset, dim1, dim2)

    def tile(self, *dims):
        return S.tile(self, _shape_arg(dims))

    def movedim(self, source, destination):
        return S.movedim(self, source, destination)

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

    def tril_(self, diagonal: int = 0):
        return self._inplace(_function.Tensor.tril, diagonal)

    def triu_(self, diagonal: int = 0):
        return self._inplace(_function.Tensor.triu, diagonal)


def _multi_views(outs: tuple, src=None, d: int = 0, sizes=None) -> tuple:
    """Mark the views returned by split/chunk/unbind: torch forbids modifying them in place, and
    using one after its base changed in place raises (``_regenerate_history``). Each piece also
    records its base and the indexing that rebuilds it (``sizes`` None: unbind)."""
    start = 0
    for i, o in enumerate(outs):
        o._multi_view = True
        if src is None:
            continue
        if sizes is None:
            idx = (slice(None),) * d + (i,)
        else:
            idx = (slice(None),) * d + (slice(start, start + sizes[i]),)
            start += sizes[i]
        step = ((I.Index, (idx,)),)
        if src._base is None:
            o._base, o._vfn = src, step
        else:
            o._base, o._vfn = src._base, src._vfn + step
        o._hist_version = src._vc[0]
    return outs
