"""``Wishart``: a distribution over positive-definite matrices (Bartlett decomposition sampling)."""

from __future__ import annotations

import math
import warnings
from numbers import Number

import numpy as np

import minitorch

from . import constraints
from .chi2 import Chi2
from .exp_family import ExponentialFamily
from .multivariate_normal import _precision_to_scale_tril
from .utils import (
    _finfo,
    _size,
    cholesky,
    cholesky_solve,
    digamma,
    lazy_property,
    mvlgamma,
    vec_to_tril_matrix,
)

__all__ = ["Wishart"]

_log_2 = math.log(2)


def _mvdigamma(x, p: int):
    if not bool(x.gt((p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    js = minitorch.arange(p, dtype=x.dtype) / 2
    return digamma(x.unsqueeze(-1) - js.expand(tuple(x.shape) + (-1,))).sum(-1)


def _clamp_above_eps(x):
    return x.clamp(min=float(_finfo(x.dtype).eps))


def _logdet_pd(a):
    """log|det(a)| of positive-definite matrices, through a (differentiable) Cholesky factor."""
    return 2 * cholesky(a).diagonal(dim1=-2, dim2=-1).log().sum(-1)


_cholesky_solve = cholesky_solve


def _replace_rows(sample, mask: np.ndarray, new):
    """``sample[mask] = new`` (mask over the leading dims), built from cat + index_select."""
    lead = mask.shape
    rest = tuple(sample.shape[len(lead) :])
    rows = int(np.prod(lead, dtype=np.int64))
    flat = sample.reshape((rows,) + rest)
    index = np.arange(rows)
    index[np.flatnonzero(mask.reshape(-1))] = rows + np.arange(int(mask.sum()))
    both = minitorch.cat([flat, new.reshape((-1,) + rest)], 0)
    return both.index_select(0, minitorch.tensor(index)).reshape(tuple(sample.shape))


class Wishart(ExponentialFamily):
    """A Wishart distribution with degrees of freedom ``df`` and exactly one of
    ``covariance_matrix``, ``precision_matrix`` or ``scale_tril``."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {
            "covariance_matrix": constraints.positive_definite,
            "precision_matrix": constraints.positive_definite,
            "scale_tril": constraints.lower_cholesky,
            "df": constraints.greater_than(self.event_shape[-1] - 1),
        }

    def __init__(
        self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None
    ):
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise AssertionError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."
            )
        param = next(p for p in (covariance_matrix, precision_matrix, scale_tril) if p is not None)
        if param.dim() < 2:
            raise ValueError(
                "scale_tril must be at least two-dimensional, with optional leading batch dimensions"
            )
        if isinstance(df, Number):
            batch_shape = tuple(param.shape[:-2])
            self.df = minitorch.tensor(df, dtype=param.dtype)
        else:
            batch_shape = np.broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape))
            self.df = df.expand(batch_shape)
        event_shape = tuple(param.shape[-2:])
        if bool(self.df.le(event_shape[-1] - 1).any()):
            raise ValueError(
                f"Value of df={df} expected to be greater than ndim - 1 = {event_shape[-1] - 1}."
            )
        if scale_tril is not None:
            self.scale_tril = param.expand(batch_shape + (-1, -1))
        elif covariance_matrix is not None:
            self.covariance_matrix = param.expand(batch_shape + (-1, -1))
        elif precision_matrix is not None:
            self.precision_matrix = param.expand(batch_shape + (-1, -1))
        if bool(self.df.lt(event_shape[-1]).any()):
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        # Chi2 distribution is needed for Bartlett decomposition sampling
        self._dist_chi2 = Chi2(
            df=self.df.unsqueeze(-1)
            - minitorch.arange(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype).expand(
                tuple(batch_shape) + (-1,)
            )
        )

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = _size(batch_shape)
        cov_shape = tuple(batch_shape) + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        if "covariance_matrix" in self.__dict__:
            new.covariance_matrix = self.covariance_matrix.expand(cov_shape)
        if "scale_tril" in self.__dict__:
            new.scale_tril = self.scale_tril.expand(cov_shape)
        if "precision_matrix" in self.__dict__:
            new.precision_matrix = self.precision_matrix.expand(cov_shape)
        new._dist_chi2 = Chi2(
            df=new.df.unsqueeze(-1)
            - minitorch.arange(self.event_shape[-1], dtype=new._unbroadcasted_scale_tril.dtype).expand(
                tuple(batch_shape) + (-1,)
            )
        )
        super(Wishart, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape)

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.transpose(-2, -1)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        identity = minitorch.eye(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype)
        return _cholesky_solve(identity, self._unbroadcasted_scale_tril).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.df.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = factor.masked_fill(factor <= 0, math.nan)
        return factor.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix  # has shape (batch_shape x event_shape)
        diag_V = V.diagonal(dim1=-2, dim2=-1)
        return self.df.view(tuple(self._batch_shape) + (1, 1)) * (
            V.pow(2) + diag_V.unsqueeze(-1) * diag_V.unsqueeze(-2)
        )

    def _bartlett_sampling(self, sample_shape=()):
        p = self._event_shape[-1]  # has singleton shape
        # Implemented Sampling using Bartlett decomposition
        diag = _clamp_above_eps(self._dist_chi2.rsample(sample_shape).sqrt()).diag_embed(dim1=-2, dim2=-1)
        off = minitorch.randn(
            tuple(sample_shape) + tuple(self._batch_shape) + (int(p * (p - 1) / 2),), dtype=diag.dtype
        )
        noise = diag + vec_to_tril_matrix(off, diag=-1)
        chol = self._unbroadcasted_scale_tril @ noise
        return chol @ chol.transpose(-2, -1)

    def _is_bad(self, sample) -> np.ndarray:
        """``support.check`` reduced over the batch dims (torch's ``amax(self._batch_dims)``)."""
        ok = self.support.check(sample).numpy()
        if len(self._batch_shape):
            ok = ok.any(axis=tuple(self._batch_dims))
        return ok

    def rsample(self, sample_shape=(), max_try_correction=None):
        """Bartlett-decomposition samples, redrawn as torch 2.13's ``rsample`` does.

        NOTE: torch 2.13 names ``support.check(sample)`` (True for a good, positive-definite
        sample) ``is_singular``: it warns "Singular sample detected." and redraws the good samples
        once (then the genuinely singular ones among the redraws). minitorch follows it, so that
        the draws are torch's."""
        if max_try_correction is None:
            max_try_correction = 10
        sample_shape = _size(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        mask = np.asarray(self._is_bad(sample), dtype=bool)
        if mask.any():
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                n = int(mask.sum())
                sample_new = self._bartlett_sampling((n,))
                sample = _replace_rows(sample, mask, sample_new)
                new_bad = ~np.asarray(self._is_bad(sample_new), dtype=bool)
                mask = mask.copy()
                mask[mask] = new_bad
                if not mask.any():
                    break
        return sample

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df  # has shape (batch_shape)
        p = self._event_shape[-1]  # has singleton shape
        L = self._unbroadcasted_scale_tril
        return (
            -nu * (p * _log_2 / 2 + L.diagonal(dim1=-2, dim2=-1).log().sum(-1))
            - mvlgamma(nu / 2, p)
            + (nu - p - 1) / 2 * _logdet_pd(value)
            - _cholesky_solve(value, L).diagonal(dim1=-2, dim2=-1).sum(-1) / 2
        )

    def entropy(self):
        nu = self.df  # has shape (batch_shape)
        p = self._event_shape[-1]  # has singleton shape
        return (
            (p + 1)
            * (p * _log_2 / 2 + self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1))
            + mvlgamma(nu / 2, p)
            - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
            + nu * p / 2
        )

    @property
    def _natural_params(self):
        nu = self.df  # has shape (batch_shape)
        p = self._event_shape[-1]  # has singleton shape
        return -self.precision_matrix / 2, (nu - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-_logdet_pd(-2 * x) + _log_2 * p) + mvlgamma(y + (p + 1) / 2, p)
