"""Connectionist temporal classification (Graves et al., 2006): the per-sample negative log
likelihood of the targets under (T, N, C) log-probabilities, by the alpha (forward) recursion
in log space; the backward is torch's: ``exp(lp) - exp(log(sum alpha beta) + nll - lp)`` (the
gradient for log-softmax outputs), zero past each input length."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op


def _lse(*xs):
    m = np.maximum.reduce(xs)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(np.isfinite(m), safe + np.log(sum(np.exp(x - safe) for x in xs)), m)


def _extended(target: np.ndarray, blank: int) -> np.ndarray:
    ext = np.full(2 * len(target) + 1, blank, np.int64)
    ext[1::2] = target
    return ext


def _alpha(lp: np.ndarray, ext: np.ndarray, blank: int) -> np.ndarray:
    t_len, s_len = lp.shape[0], len(ext)
    alpha = np.full((t_len, s_len), -np.inf)
    if t_len == 0:
        return alpha
    alpha[0, 0] = lp[0, blank]
    if s_len > 1:
        alpha[0, 1] = lp[0, ext[1]]
    skip = np.zeros(s_len, bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    for t in range(1, t_len):
        prev = alpha[t - 1]
        a1 = np.concatenate([[-np.inf], prev[:-1]])
        a2 = np.where(skip, np.concatenate([[-np.inf, -np.inf], prev[:-2]]), -np.inf)
        alpha[t] = lp[t, ext] + _lse(prev, a1, a2)
    return alpha


def _beta(lp: np.ndarray, ext: np.ndarray, blank: int) -> np.ndarray:
    t_len, s_len = lp.shape[0], len(ext)
    beta = np.full((t_len, s_len), -np.inf)
    if t_len == 0:
        return beta
    beta[-1, -1] = lp[-1, blank]
    if s_len > 1:
        beta[-1, -2] = lp[-1, ext[-2]]
    skip = np.zeros(s_len, bool)
    skip[:-2] = (ext[:-2] != blank) & (ext[:-2] != ext[2:])
    for t in range(t_len - 2, -1, -1):
        nxt = beta[t + 1]
        b1 = np.concatenate([nxt[1:], [-np.inf]])
        b2 = np.where(skip, np.concatenate([nxt[2:], [-np.inf, -np.inf]]), -np.inf)
        beta[t] = lp[t, ext] + _lse(nxt, b1, b2)
    return beta


class CtcLoss(Op):
    """(T, N, C) log-probs, per-sample targets -> (N,) negative log likelihoods."""

    _node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp_all = log_probs._data.astype(np.float64)
        n = lp_all.shape[1]
        nll = np.zeros(n)
        grads = np.zeros_like(lp_all)
        for b in range(n):
            t_len = int(input_lengths[b])
            ext = _extended(np.asarray(targets[b], np.int64), blank)
            lp = lp_all[:t_len, b]
            alpha = _alpha(lp, ext, blank)
            if t_len == 0:
                ll = 0.0 if len(ext) == 1 else -np.inf
            else:
                ll = _lse(alpha[-1, -1], alpha[-1, -2] if len(ext) > 1 else -np.inf)
            nll[b] = -ll
            if not log_probs.requires_grad or t_len == 0:
                continue
            if zero_infinity and np.isinf(nll[b]):
                continue
            beta = _beta(lp, ext, blank)
            ab = alpha + beta
            lcab = np.full(lp.shape, -np.inf)
            for c in np.unique(ext):
                cols = ab[:, ext == c]
                lcab[:, c] = _lse(*cols.T) if cols.shape[1] > 1 else cols[:, 0]
            with np.errstate(over="ignore", invalid="ignore"):
                grads[:t_len, b] = np.exp(lp) - np.exp(lcab + nll[b] - lp)
        ctx.grads = grads.astype(log_probs._data.dtype)
        return nll.astype(log_probs._data.dtype)

    @staticmethod
    def backward(ctx, g):
        from ..tensor import Tensor

        return Tensor._make(ctx.grads, False, None) * g.reshape(1, -1, 1), None, None, None, None, None
