"""``LKJCholesky``: the LKJ distribution over Cholesky factors of correlation matrices."""

from __future__ import annotations

import math

import minitorch

from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import _finfo, _size, broadcast_all, lgamma, mvlgamma

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """LKJ distribution for lower Cholesky factors of ``dim`` x ``dim`` correlation matrices,
    with ``concentration`` (1: uniform over correlation matrices); sampled by the onion method."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration=1.0, validate_args=None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = self.concentration.size()
        event_shape = (dim, dim)
        # This is used to draw vectorized samples from the beta distribution in Sec. 3.2 of [1].
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = minitorch.arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = minitorch.cat([offset.new_zeros((1,)), offset])
        beta_conc1 = offset + 0.5
        beta_conc0 = marginal_conc.unsqueeze(-1) - 0.5 * offset
        self._beta = Beta(beta_conc1, beta_conc0)
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = _size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        super(LKJCholesky, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=()):
        # Onion method (Lewandowski et al., 2009), as torch's implementation.
        with minitorch.no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u_normal = minitorch.randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype).tril(-1)
            u_hypersphere = u_normal / u_normal.norm(dim=-1, keepdim=True)
            # Replace NaNs in first row
            row0 = minitorch.zeros(tuple(u_hypersphere.shape[-2:]), dtype=y.dtype)
            keep = minitorch.ones(tuple(u_hypersphere.shape[-2:]), dtype=y.dtype)
            keep[0] = 0.0
            u_hypersphere = minitorch.where(keep.bool(), u_hypersphere, row0)
            w = y.sqrt() * u_hypersphere
            # Fill diagonal elements; clamp for numerical stability
            eps = float(_finfo(w.dtype).tiny)
            diag_elems = (1 - (w**2).sum(-1)).clamp(min=eps).sqrt()
            return w + diag_elems.diag_embed()

    def log_prob(self, value):
        # See: https://mc-stan.org/docs/2_25/functions-reference/cholesky-lkj-correlation-distribution.html
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = minitorch.arange(2, self.dim + 1, dtype=self.concentration.dtype)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * diag_elems.log()).sum(-1)
        # Compute normalization constant (page 1999 of [1])
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = lgamma(alpha) * dm1
        numerator = mvlgamma(alpha - 0.5, dm1)
        # pi_constant in [1] is D * (D - 1) / 4 * log(pi)
        # pi_constant in multigammaln is (D - 1) * (D - 2) / 4 * log(pi)
        # hence, we need to add a pi_constant = (D - 1) * log(pi) / 2
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        normalize_term = pi_constant + numerator - denominator
        return unnormalized_log_pdf - normalize_term
