"""Matrix decompositions and solvers (``torch.linalg``): ``inv``, ``solve``, ``det``, ``slogdet``,
``cholesky``, ``qr``, ``svd``, ``eigh``, ``pinv``, ``lstsq``, ``matrix_rank``, ``matrix_power``,
``multi_dot``, the norms. Forward is NumPy's LAPACK on float64 or float32 batches; every
``backward`` is torch's formula written with Tensor ops (so gradients of gradients work). Real
dtypes only: minitorch has no complex dtypes."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._arguments import _as_tensor_arg, norm_dims
from ..autograd import function as _function
from ..autograd.function import Function, Op
from .arithmetic import _const, where
from .elementwise import _named
from .shape import cat

slogdet_type = _named("slogdet", "sign logabsdet")
svd_type = _named("svd", "U S Vh")
torch_svd_type = _named("svd", "U S V")
eigh_type = _named("eigh", "eigenvalues eigenvectors")
qr_type = _named("qr", "Q R")
lstsq_type = _named("lstsq", "solution residuals rank singular_values")
inv_ex_type = _named("inv_ex", "inverse info")
cholesky_ex_type = _named("cholesky_ex", "L info")
solve_ex_type = _named("solve_ex", "result info")
lu_factor_type = _named("lu_factor", "LU pivots")
lu_type = _named("lu", "P L U")


class LinAlgError(RuntimeError):
    """A matrix that the algorithm cannot handle (singular, not positive-definite, ...), as
    ``torch.linalg.LinAlgError`` (a ``RuntimeError``)."""


_TYPE = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "bool": "Bool",
}


def _name(t) -> str:
    return _TYPE.get(t._data.dtype.name, t._data.dtype.name.capitalize())


def _check_float(fn: str, A) -> None:
    if A._data.dtype.kind not in "f":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {_name(A)}")


def _check_matrix(fn: str, A, square=True, arg="A") -> None:
    A = _as_tensor_arg(A)
    if A._data.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {arg} must have at least 2 dimensions.")
    _check_float(fn, A)
    m, n = A._data.shape[-2:]
    if square and m != n:
        raise RuntimeError(
            f"{fn}: {arg} must be batches of square matrices, but they are {m} by {n} matrices"
        )


def _batch_prefix(A, i: int) -> str:
    return f"(Batch element {i}): " if A.ndim > 2 else ""


def _singular_error(fn: str, a: np.ndarray) -> LinAlgError:
    """torch's message: the first zero pivot of the LU factorisation."""
    flat = a.reshape(-1, *a.shape[-2:])
    for b, m in enumerate(flat):
        _, _, info = _lu_np(m)
        if info:
            return LinAlgError(
                f"{fn}: {_batch_prefix(a, b)}The diagonal element {info} is zero, the inversion could not be "
                "completed because the input matrix is singular."
            )
    return LinAlgError(f"{fn}: The input matrix is singular.")


def _lu_np(a: np.ndarray):
    """LU with partial pivoting of one matrix: (LU packed, pivots 1-based as LAPACK, info)."""
    lu = a.astype(np.float64 if a.dtype != np.float32 else np.float32, copy=True)
    m, n = lu.shape
    piv = np.arange(1, min(m, n) + 1, dtype=np.int32)
    info = 0
    for k in range(min(m, n)):
        p = k + int(np.argmax(np.abs(lu[k:, k])))
        piv[k] = p + 1
        if p != k:
            lu[[k, p]] = lu[[p, k]]
        if lu[k, k] == 0:
            if not info:
                info = k + 1
            continue
        lu[k + 1 :, k] /= lu[k, k]
        lu[k + 1 :, k + 1 :] -= np.outer(lu[k + 1 :, k], lu[k, k + 1 :])
    return lu, piv, info


# ---------------------------------------------------------------- inv, solve, det


class Inv(Op):
    """X = A^-1: dA = -X^T g X^T"""

    _node_name = "LinalgInvExBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, A):
        try:
            out = np.linalg.inv(A._data)
        except np.linalg.LinAlgError:
            raise _singular_error("linalg.inv", A._data) from None
        return out

    @staticmethod
    def backward(ctx, g):
        X = ctx.output.mT
        return -(X @ g @ X)


class Solve(Op):
    """X = A^-1 B (B a batch of matrices): dB = A^-T g, dA = -dB X^T"""

    _node_name = "LinalgSolveExBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, A, B):
        ctx.save_for_backward(A)
        try:
            return np.linalg.solve(A._data, B._data)
        except np.linalg.LinAlgError:
            raise _singular_error("linalg.solve", A._data) from None

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        gB = Solve.apply(A.mT, g)
        gA = -(gB @ ctx.output.mT) if ctx.needs_input_grad[0] else None
        return gA, gB


def inv(A):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.inv", A)
    return Inv.apply(A)


def solve(A, B, *, left=True):
    A, B = _as_tensor_arg(A), _as_tensor_arg(B)
    _check_matrix("linalg.solve", A)
    _check_float("linalg.solve", B)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type {_name(A)} and B of type "
            f"{_name(B)} instead"
        )
    if not left:
        return solve(A.mT, B.mT).mT
    n = A._data.shape[-1]
    vector = B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])
    if vector:
        B = B.unsqueeze(-1)
    if B._data.shape[-2] != n:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and "
            f"{B._data.shape[-2]}x{B._data.shape[-1]})"
        )
    batch = np.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    A = A.expand(*batch, n, n) if A._data.shape[:-2] != batch else A
    B = B.expand(*batch, *B._data.shape[-2:]) if B._data.shape[:-2] != batch else B
    X = Solve.apply(A, B)
    return X.squeeze(-1) if vector else X


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    _check_matrix("linalg.solve_triangular", A)
    T = A.triu() if upper else A.tril()
    if unitriangular:
        eye = _const(np.eye(A._data.shape[-1], dtype=A._data.dtype))
        T = (A.triu(1) if upper else A.tril(-1)) + eye
    return solve(T, B, left=left)


def _lu_det_np(a: np.ndarray):
    return np.linalg.slogdet(a)


class LogAbsDet(Op):
    """log|det A|: dA = g A^-T"""

    _node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        sign, la = np.linalg.slogdet(A._data)
        return np.asarray(la, dtype=A._data.dtype)

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        return g.unsqueeze(-1).unsqueeze(-1) * inv(A).mT


class Det(Op):
    """det A: dA = g det(A) A^-T (nonsingular A)"""

    _node_name = "LinalgDetBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return np.asarray(np.linalg.det(A._data), dtype=A._data.dtype)

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        d = ctx.output
        if not bool((d._data != 0).all()):
            # NOTE: a singular A: the adjugate through the SVD, adj(A)^T = det(U) det(V) U diag(prod_{j!=i} s_j) V^T
            U, S, Vh = svd(A)
            n = S._data.shape[-1]
            prods = cat([cat([S[..., :i], S[..., i + 1 :]], -1).prod(-1, keepdim=True) for i in range(n)], -1)
            sgn = _const(np.linalg.det(U._data) * np.linalg.det(Vh._data))
            cof = (U * prods.unsqueeze(-2)) @ Vh * sgn.unsqueeze(-1).unsqueeze(-1)
            return (g * 1).unsqueeze(-1).unsqueeze(-1) * cof
        return (g * d).unsqueeze(-1).unsqueeze(-1) * inv(A).mT


def det(A):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.det", A)
    return Det.apply(A)


def slogdet(A):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.slogdet", A)
    sign, _ = np.linalg.slogdet(A._data)
    return slogdet_type(_const(np.asarray(sign, dtype=A._data.dtype)), LogAbsDet.apply(A))


def logdet(A):
    A = _as_tensor_arg(A)
    _check_matrix("logdet", A)
    sign, la = slogdet(A)
    return la + where(sign < 0, float("nan"), where(sign == 0, float("-inf"), 0.0))


def inv_ex(A, *, check_errors=False):
    try:
        return inv_ex_type(inv(A), _const(np.zeros(A._data.shape[:-2], np.int32)))
    except LinAlgError:
        if check_errors:
            raise
        info = np.array([_lu_np(m)[2] for m in A._data.reshape(-1, *A._data.shape[-2:])], np.int32)
        nan = _const(np.full(A._data.shape, np.nan, A._data.dtype))
        return inv_ex_type(nan, _const(info.reshape(A._data.shape[:-2])))


def solve_ex(A, B, *, left=True, check_errors=False):
    try:
        return solve_ex_type(solve(A, B, left=left), _const(np.zeros(A._data.shape[:-2], np.int32)))
    except LinAlgError:
        if check_errors:
            raise
        info = np.array([_lu_np(m)[2] for m in A._data.reshape(-1, *A._data.shape[-2:])], np.int32)
        return solve_ex_type(
            _const(np.full(B._data.shape, np.nan, B._data.dtype)), _const(info.reshape(A._data.shape[:-2]))
        )


# ---------------------------------------------------------------- cholesky


def _not_pd(fn, a):
    flat = a.reshape(-1, *a.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return (
                    LinAlgError(
                        f"{fn}: {_batch_prefix(a, b)}The factorization could not be completed because the input is "
                        f"not positive-definite (the leading minor of order {k} is not positive-definite)."
                    ),
                    b,
                    k,
                )
    return (
        LinAlgError(
            f"{fn}: The factorization could not be completed because the input is not positive-definite."
        ),
        0,
        1,
    )


class Cholesky(Op):
    """A = L L^T: dA = L^-T Phi(L^T gL) L^-1, Phi: the lower triangle with half the diagonal, symmetrised"""

    _node_name = "LinalgCholeskyExBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, A):
        a = A._data
        try:
            return np.linalg.cholesky(np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2))
        except np.linalg.LinAlgError:
            raise _not_pd("linalg.cholesky", a)[0] from None

    @staticmethod
    def backward(ctx, g):
        L = ctx.output
        gA = (L.mT @ g).tril()
        gA = 0.5 * (gA + gA.tril(-1).mT)
        gA = solve_triangular(L.mT, gA, upper=True)
        return solve_triangular(L, gA, upper=False, left=False)


def cholesky(A, *, upper=False):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.cholesky", A)
    L = Cholesky.apply(A)
    return L.mT if upper else L


def cholesky_ex(A, *, upper=False, check_errors=False):
    try:
        return cholesky_ex_type(cholesky(A, upper=upper), _const(np.zeros(A._data.shape[:-2], np.int32)))
    except LinAlgError:
        if check_errors:
            raise
        info = np.zeros(A._data.shape[:-2], np.int32).reshape(-1)
        for b, m in enumerate(A._data.reshape(-1, *A._data.shape[-2:])):
            try:
                np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                info[b] = _not_pd("linalg.cholesky", m)[2]
        return cholesky_ex_type(
            _const(np.zeros(A._data.shape, A._data.dtype)), _const(info.reshape(A._data.shape[:-2]))
        )


# ---------------------------------------------------------------- qr, svd, eigh (several outputs)


def _double(A) -> bool:
    """In a backward that records a graph (create_graph=True) for an input that requires grad."""
    return _function._state.enabled and A.requires_grad


def _is_zero(g) -> bool:
    return g is None or (not g.requires_grad and not g._data.any())


class _Qr(Function):
    _node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, A, mode):
        q, r = np.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
        Q, R = _const(q.astype(A._data.dtype)), _const(r.astype(A._data.dtype))
        ctx.save_for_backward(Q, R, A)
        ctx.mode = mode
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R, A = ctx.saved_tensors
        if _double(A):
            Q, R = _Qr.apply(A, ctx.mode)
        m, n = Q._data.shape[-2], R._data.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
                if ctx.mode == "r"
                else "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        if m < n:
            raise NotImplementedError(
                "linalg.qr backward for wide matrices (m < n) is not implemented in minitorch"
            )
        # gA = [gQ + Q copyltu(M)] R^-T, M = R gR^T - gQ^T Q (torch's linalg_qr_backward, m >= n)
        M = R @ gR.mT - gQ.mT @ Q
        Mt = M.tril(-1)
        b = Q @ (Mt + Mt.mT + M.diagonal(0, -2, -1).diag_embed())
        return _right_solve_upper_t(R, gQ + b), None


def _right_solve_upper_t(R, B):
    """X with X R^T = B (R upper triangular): X = (R^-1 B^T)^T."""
    return solve(R.triu(), B.mT).mT


def qr(A, mode="reduced"):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'"
        )
    Q, R = _Qr.apply(A, mode)
    if mode == "r":
        return qr_type(_const(np.empty((0,), A._data.dtype)), R)
    return qr_type(Q, R)


class _Svd(Function):
    _node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A, full_matrices):
        u, s, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
        dt = A._data.dtype
        U, S, Vh = _const(u.astype(dt)), _const(s.astype(dt)), _const(vh.astype(dt))
        ctx.save_for_backward(U, S, Vh, A)
        ctx.full = full_matrices
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh, A = ctx.saved_tensors
        if _double(A):  # the outputs attached to A, so that this backward has a graph
            U, S, Vh = _Svd.apply(A, ctx.full)
        m, n = U._data.shape[-2], Vh._data.shape[-1]
        k = S._data.shape[-1]
        U, Vh = U[..., :, :k], Vh[..., :k, :]
        useU, useV = not _is_zero(gU), not _is_zero(gVh)
        if useU:
            gU = gU[..., :, :k]
        if useV:
            gVh = gVh[..., :k, :]
        if not useU and not useV:
            return (U * gS.unsqueeze(-2)) @ Vh, None
        V, gV = Vh.mT, (gVh.mT if useV else None)
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1)
        eye = _const(np.eye(k, dtype=bool))
        E = where(eye, 1.0, E)
        ret = None
        if useU:
            UhgU = U.mT @ gU
            ret = ((UhgU - UhgU.mT) / E) * S.unsqueeze(-2)
        if useV:
            VhgV = V.mT @ gV
            r2 = S.unsqueeze(-1) * ((VhgV - VhgV.mT) / E)
            ret = r2 if ret is None else ret + r2
        ret = ret + gS.diag_embed()
        if m > n and useU:
            gA = U @ ret
            gUSinv = gU / S.unsqueeze(-2)
            gA = gA + gUSinv - U @ (U.mT @ gUSinv)
            gA = gA @ Vh
        elif m < n and useV:
            gA = ret @ Vh
            gVSinv = gV / S.unsqueeze(-2)
            gA = gA + gVSinv.mT - (gVSinv.mT @ V) @ Vh
            gA = U @ gA
        else:
            gA = U @ (ret @ Vh)
        return gA, None


def svd(A, full_matrices=True, *, driver=None):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.svd", A, square=False)
    return svd_type(*_Svd.apply(A, full_matrices))


def svdvals(A, *, driver=None):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.svdvals", A, square=False)
    if not (A.requires_grad and _function._state.enabled):
        return _const(np.linalg.svd(A._data, compute_uv=False).astype(A._data.dtype))
    return _Svd.apply(A, False)[1]


class _Eigh(Function):
    _node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, uplo):
        w, v = np.linalg.eigh(A._data, UPLO=uplo)
        dt = A._data.dtype
        L, Q = _const(w.astype(dt)), _const(v.astype(dt))
        ctx.save_for_backward(L, Q, A)
        ctx.uplo = uplo
        return L, Q

    @staticmethod
    def backward(ctx, gL, gV):
        L, V, A = ctx.saved_tensors
        if _double(A):
            L, V = _Eigh.apply(A, ctx.uplo)
        if _is_zero(gV):
            return (V * gL.unsqueeze(-2)) @ V.mT, None
        E = L.unsqueeze(-2) - L.unsqueeze(-1)
        k = L._data.shape[-1]
        eye = _const(np.eye(k, dtype=bool))
        VhgV = V.mT @ gV
        VhgV = 0.5 * (VhgV - VhgV.mT)  # the skew-symmetric part, as torch (the tangent space of O(n))
        ret = where(eye, 0.0, VhgV / where(eye, 1.0, E))
        ret = ret + gL.diag_embed()
        return V @ ret @ V.mT, None


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L"):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.eigh", A)
    _check_uplo(UPLO)
    return eigh_type(*_Eigh.apply(A, UPLO))


def eigvalsh(A, UPLO="L"):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.eigvalsh", A)
    _check_uplo(UPLO)
    if not (A.requires_grad and _function._state.enabled):
        return _const(np.linalg.eigvalsh(A._data, UPLO=UPLO).astype(A._data.dtype))
    return _Eigh.apply(A, UPLO)[0]


def _no_complex(name):
    raise RuntimeError(
        f"{name}: the result is complex (complex64/complex128), and minitorch has no complex dtypes; "
        "for symmetric matrices use linalg.eigh / linalg.eigvalsh"
    )


def eig(A):
    _no_complex("linalg.eig")


def eigvals(A):
    _no_complex("linalg.eigvals")


# ---------------------------------------------------------------- pinv, lstsq, rank


class Pinv(Op):
    """A^+ through the SVD; backward is torch's pinv_backward"""

    _node_name = "LinalgPinvBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        ctx.save_for_backward(A)
        a = A._data
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        tol = np.maximum(atol, rtol * s.max(-1, keepdims=True, initial=0.0))
        sinv = np.where(s > tol, 1 / np.where(s == 0, 1, s), 0)
        return np.asarray(
            np.swapaxes(vh, -1, -2) * sinv[..., None, :] @ np.swapaxes(u, -1, -2), dtype=a.dtype
        )

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        pinvA = ctx.output
        m, n = A._data.shape[-2:]
        pinvAh, gradh = pinvA.mT, g.mT
        if m <= n:
            K = gradh @ pinvA
            KpinvAh = K @ pinvAh
            gA = -(pinvA @ K).mT + KpinvAh - (A @ pinvA) @ KpinvAh + (pinvAh @ pinvA) @ (gradh - K @ A)
        else:
            K = pinvA @ gradh
            pinvAhK = pinvAh @ K
            gA = -(K @ pinvA).mT + (gradh - A @ K) @ pinvA @ pinvAh + pinvAhK - pinvAhK @ pinvA @ A
        return gA, None, None, None


def _tolerances(A, atol, rtol, rcond=None):
    a = A._data
    if rcond is not None:
        rtol = rcond
    at = 0.0 if atol is None else (atol._data if isinstance(atol, _function.Tensor) else atol)
    if rtol is None:
        rtol = (
            np.finfo(a.dtype).eps * max(a.shape[-2:])
            if (atol is None or np.all(np.asarray(at) <= 0))
            else 0.0
        )
    rt = rtol._data if isinstance(rtol, _function.Tensor) else rtol
    shape = a.shape[:-2] + (1,)
    return np.broadcast_to(np.asarray(at, np.float64)[..., None], shape).copy() if np.ndim(at) else np.full(
        shape, at
    ), (
        np.broadcast_to(np.asarray(rt, np.float64)[..., None], shape).copy()
        if np.ndim(rt)
        else np.full(shape, rt)
    )


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.pinv", A, square=False)
    at, rt = _tolerances(A, atol, rtol, rcond)
    return Pinv.apply(A, at, rt, hermitian)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.matrix_rank", A, square=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    at, rt = _tolerances(A, atol, rtol)
    s = np.abs(np.linalg.eigvalsh(A._data)) if hermitian else np.linalg.svd(A._data, compute_uv=False)
    smax = s.max(-1, keepdims=True, initial=0.0)
    tolv = np.maximum(at, rt * smax)
    return _const((s > tolv).sum(-1).astype(np.int64))


def lstsq(A, B, rcond=None, *, driver=None):
    A, B = _as_tensor_arg(A), _as_tensor_arg(B)
    _check_matrix("linalg.lstsq", A, square=False)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(
            f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), got {driver}"
        )
    vector = B._data.ndim == A._data.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm._data.shape[-2] != A._data.shape[-2]:
        raise RuntimeError(
            f"torch.linalg.lstsq: input.size(-2) should match other.size(-2) (got {A._data.shape[-2]} and "
            f"{Bm._data.shape[-2]})"
        )
    driver = driver or "gelsy"
    m, n = A._data.shape[-2:]
    eps = np.finfo(A._data.dtype).eps
    rc = eps * max(m, n) if rcond is None or rcond < 0 else rcond
    X = pinv(A, rtol=rc) @ Bm
    s = np.linalg.svd(A._data, compute_uv=False)
    rank = (s > rc * s.max(-1, keepdims=True, initial=0.0)).sum(-1).astype(np.int64)
    empty = _const(np.empty((0,), A._data.dtype))
    res = empty
    if m > n and driver != "gelsy" and bool((rank == n).all()):
        res = ((A @ X - Bm) ** 2).sum(-2)
        if vector:
            res = res.squeeze(-1)
    rank_t = _const(rank) if driver != "gels" else _const(np.empty((0,), np.int64))
    sv = _const(s.astype(A._data.dtype)) if driver in ("gelsd", "gelss") else empty
    return lstsq_type(X.squeeze(-1) if vector else X, res, rank_t, sv)


# ---------------------------------------------------------------- products and powers


def matrix_power(A, n):
    A = _as_tensor_arg(A)
    if A._data.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{A._data.shape[-2] if A._data.ndim >= 2 else 1} by {A._data.shape[-1] if A._data.ndim else 1} matrices"
        )
    if not isinstance(n, int):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        eye = _const(np.eye(A._data.shape[-1], dtype=A._data.dtype))
        return A * 0 + eye  # torch's result is attached to A's graph too (its grad is zero)
    if n < 0:
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def multi_dot(tensors):
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first_vec, last_vec = tensors[0]._data.ndim == 1, tensors[-1]._data.ndim == 1
    mats = list(tensors)
    if first_vec:
        mats[0] = mats[0].unsqueeze(0)
    if last_vec:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i, t in enumerate(mats):
        if t._data.ndim != 2:
            raise RuntimeError(
                f"multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D"
                if 0 < i < len(mats) - 1
                else f"multi_dot(): the {'first' if i == 0 else 'last'} tensor must be 1D or 2D but got {tensors[i]._data.ndim}D"
            )
    out = mats[0]
    for t in mats[1:]:
        if out._data.shape[-1] != t._data.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {mats.index(t) - 1} and {mats.index(t)} with shapes "
                f"{list(out._data.shape)} and {list(t._data.shape)} cannot be multiplied"
            )
        out = out @ t
    if first_vec:
        out = out.squeeze(0)
    if last_vec:
        out = out.squeeze(-1)
    return out


def chain_matmul(*matrices, out=None):
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot "
        "instead, which accepts a list of two or more tensors rather than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


# ---------------------------------------------------------------- norms


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    x = _as_tensor_arg(x)
    if isinstance(dim, list):
        dim = tuple(dim)
    return x.norm(ord, dim, keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    A = _as_tensor_arg(A)
    if dtype is not None:
        A = A.to(dtype)
    if A._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    _check_float("linalg.matrix_norm", A)
    d0, d1 = norm_dims(dim[0], A._data.ndim)[0], norm_dims(dim[1], A._data.ndim)[0]
    if ord == "fro":
        return A.norm(2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        B = A.movedim((d0, d1), (-2, -1))
        s = svdvals(B)
        r = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            lo, hi = sorted((d0, d1))
            r = r.unsqueeze(lo).unsqueeze(hi)
        return r
    if ord in (1, -1, math.inf, -math.inf):
        sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=True)
        r = s.amax(red_dim, keepdim=True) if ord > 0 else s.amin(red_dim, keepdim=True)
        return r if keepdim else r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    A = _as_tensor_arg(A)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if dim is None and ord is not None:
        if A._data.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        if A._data.ndim != 1:
            raise RuntimeError(
                f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A._data.ndim}D."
            )
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord {ord!r} is not supported for vectors")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A, p=None):
    if p is None or p in (2, -2):
        s = svdvals(A)
        return s.amax(-1) / s.amin(-1) if p != -2 else s.amin(-1) / s.amax(-1)
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def vecdot(x, y, *, dim=-1):
    return (x * y).sum(dim)


# ---------------------------------------------------------------- LU (no grad)


def lu_factor(A, *, pivot=True):
    A = _as_tensor_arg(A)
    _check_matrix("linalg.lu_factor", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    a = A._data
    flat = a.reshape(-1, *a.shape[-2:])
    res = [_lu_np(m) for m in flat]
    lu = np.stack([r[0] for r in res]).reshape(a.shape).astype(a.dtype) if flat.size else a.copy()
    piv = (
        np.stack([r[1] for r in res]).reshape(*a.shape[:-2], -1)
        if res
        else np.zeros(a.shape[:-2] + (0,), np.int32)
    )
    return lu_factor_type(_const(lu), _const(piv.astype(np.int32)))


def lu(A, *, pivot=True):
    LU, piv = lu_factor(A, pivot=pivot)
    a = LU._data
    m, n = a.shape[-2:]
    k = min(m, n)
    L = np.tril(a, -1)[..., :, :k] + np.eye(m, k, dtype=a.dtype)
    U = np.triu(a)[..., :k, :]
    pv = piv._data.reshape(-1, k)
    P = np.zeros((pv.shape[0], m, m), a.dtype)
    for b, p in enumerate(pv):
        perm = np.arange(m)
        for i, j in enumerate(p - 1):
            perm[[i, j]] = perm[[j, i]]
        P[b, perm, np.arange(m)] = 1
    return lu_type(_const(P.reshape(*a.shape[:-2], m, m)), _const(L), _const(U))


# ---------------------------------------------------------------- built on the above


def matrix_exp(A):
    """exp(A) by scaling and squaring of a degree-18 Taylor polynomial, with Tensor ops (so the
    gradient, and the gradient of that, come from matmul)."""
    A = _as_tensor_arg(A)
    if A._data.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: The input tensor A must have at least 2 dimensions.")
    _check_float("linalg.matrix_exp", A)
    n = A._data.shape[-1]
    norm1 = float(np.abs(A._data).sum(-2).max()) if A._data.size else 0.0
    s = max(0, math.ceil(math.log2(norm1))) if norm1 > 0.5 else 0
    X = A / (2.0**s) if s else A
    eye = _const(np.eye(n, dtype=A._data.dtype))
    E = eye + X / 18
    for k in range(17, 0, -1):  # Horner: I + X/1 (I + X/2 (I + ... ))
        E = eye + (X @ E) / k
    for _ in range(s):
        E = E @ E
    return E


def cholesky_solve(B, L, upper=False):
    """X with A X = B, A = L L^T (or U^T U with ``upper``). Only L's triangle is read, but, as in
    torch, the grad of L is the full -(gB X^T + X gB^T) L (the other triangle's values enter as zeros)."""
    T = L - (L.tril(-1) if upper else L.triu(1)).detach()
    A = T.mT @ T if upper else T @ T.mT
    return solve(A, B)


def cholesky_inverse(L, upper=False):
    eye = _const(np.broadcast_to(np.eye(L._data.shape[-1], dtype=L._data.dtype), L._data.shape).copy())
    return cholesky_solve(eye, L, upper)


triangular_solve_type = _named("triangular_solve", "solution cloned_coefficient")


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    T = A.triu() if upper else A.tril()
    if unitriangular:
        eye = _const(np.eye(A._data.shape[-1], dtype=A._data.dtype))
        T = (A.triu(1) if upper else A.tril(-1)) + eye
    X = solve(T.mT if transpose else T, b)
    return triangular_solve_type(X, A.clone())


lu_factor_ex_type = _named("lu_factor_ex", "LU pivots info")
lu_unpack_type = _named("lu_unpack", "P L U")


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    LU, piv = lu_factor(A, pivot=pivot)
    info = np.array([_lu_np(m)[2] for m in A._data.reshape(-1, *A._data.shape[-2:])], np.int32)
    info = info.reshape(A._data.shape[:-2])
    if check_errors and info.any():
        raise LinAlgError("linalg.lu_factor_ex: U is singular")
    return lu_factor_ex_type(LU, piv, _const(info))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    a = LU_data._data
    m, n = a.shape[-2:]
    k = min(m, n)
    L = np.tril(a, -1)[..., :, :k] + np.eye(m, k, dtype=a.dtype)
    U = np.triu(a)[..., :k, :]
    pv = LU_pivots._data.reshape(-1, k)
    P = np.zeros((pv.shape[0], m, m), a.dtype)
    for b, p in enumerate(pv):
        perm = np.arange(m)
        for i, j in enumerate(p - 1):
            perm[[i, j]] = perm[[j, i]]
        P[b, perm, np.arange(m)] = 1
    empty = _const(np.empty((0,), a.dtype))
    return lu_unpack_type(
        _const(P.reshape(*a.shape[:-2], m, m)) if unpack_pivots else empty,
        _const(L) if unpack_data else empty,
        _const(U) if unpack_data else empty,
    )


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """X with A X = B from A's ``lu_factor`` (A = P L U)."""
    P, L, U = lu_unpack(LU, pivots)
    if left and not adjoint:  # A X = B: X = U^-1 L^-1 P^T B
        Y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
        return solve_triangular(U, Y, upper=True)
    if left and adjoint:  # A^T X = B: X = P L^-T U^-T B
        Y = solve_triangular(U.mT, B, upper=False)
        return P @ solve_triangular(L.mT, Y, upper=True, unitriangular=True)
    # X A = B (or X A^T = B): transpose the equation
    return lu_solve(LU, pivots, B.mT, left=True, adjoint=not adjoint).mT


def tensorinv(A, ind=2):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = A._data.shape
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), "
            f"but got {cols} != {rows}"
        )
    return inv(A.reshape(rows, cols)).reshape(*shape[ind:], *shape[:ind])


def tensorsolve(A, B, dims=None):
    if dims is not None:
        nd = A._data.ndim
        dims = [d % nd for d in dims]
        A = A.permute(*[d for d in range(nd) if d not in dims], *dims)
    rest = A._data.shape[B._data.ndim :]
    n = math.prod(rest)
    return solve(A.reshape(-1, n), B.reshape(-1)).reshape(*rest)
