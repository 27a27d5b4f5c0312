"""Tensor methods: matrix products: ``@``, ``matmul``, ``mm``, ``bmm``, ``addmm``, ``outer``, ... (ops in ``ops/linalg.py``).

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

from .._arguments import _as_tensor_arg
from ..ops import linalg as L


class LinalgMethods:
    __slots__ = ()

    def __matmul__(self, other):
        return L.matmul(self, _as_tensor_arg(other))

    def __rmatmul__(self, other):
        return L.matmul(_as_tensor_arg(other), self)

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        if self._data.ndim != 2 or other._data.ndim != 2:
            raise RuntimeError(f"mm: expected 2D tensors, got {self._data.ndim}D and {other._data.ndim}D")
        return self @ other

    def bmm(self, other):
        if self._data.ndim != 3 or other._data.ndim != 3:
            raise RuntimeError(f"bmm: expected 3D tensors, got {self._data.ndim}D and {other._data.ndim}D")
        (b, _, k), so = self._data.shape, other._data.shape
        if so[:2] != (b, k):
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                f"[{so[0]}, {so[1]}]."
            )
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

    def trace(self):
        return L.trace(self)

    def outer(self, vec2):
        return L.outer(self, vec2)

    ger = outer

    def kron(self, other):
        return L.kron(self, other)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return L.addmm(self, mat1, mat2, beta, alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return L.addmv(self, mat, vec, beta, alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return L.addbmm(self, batch1, batch2, beta, alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return L.baddbmm(self, batch1, batch2, beta, alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return L.addr(self, vec1, vec2, beta, alpha)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return self._inplace(lambda s, a, b: s.addmm(a, b, beta=beta, alpha=alpha), mat1, mat2)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return self._inplace(lambda s, a, b: s.addmv(a, b, beta=beta, alpha=alpha), mat, vec)

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return self._inplace(lambda s, a, b: s.addbmm(a, b, beta=beta, alpha=alpha), batch1, batch2)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return self._inplace(lambda s, a, b: s.baddbmm(a, b, beta=beta, alpha=alpha), batch1, batch2)

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return self._inplace(lambda s, a, b: s.addr(a, b, beta=beta, alpha=alpha), vec1, vec2)
