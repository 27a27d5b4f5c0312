"""minitorch.distributions against torch.distributions: values, gradients, shapes, errors, samples."""

import math

import numpy as np
import pytest
import torch
import torch.distributions as TD

import minitorch as mt
import minitorch.distributions as MD


@pytest.fixture(autouse=True, scope="module")
def _torch_one_thread():
    """torch's batched linalg on tiny matrices is ~50x slower with threads on a busy 2-core box."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


RNG = np.random.default_rng(1234)
B = (3, 2)  # batch shape used by most cases


def _pos(*shape, lo=0.3, hi=3.0):
    return RNG.uniform(lo, hi, size=shape)


def _real(*shape):
    return RNG.normal(size=shape)


def _simplex(*shape):
    x = RNG.uniform(0.1, 1.0, size=shape)
    return x / x.sum(-1, keepdims=True)


def _spd(n, batch=()):
    a = RNG.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(n, batch=()):
    a = np.tril(RNG.normal(size=batch + (n, n)), -1)
    return a + np.eye(n) * RNG.uniform(0.5, 2.0, size=batch + (n,))[..., None, :]


# name -> (constructor(D, params), params (numpy), params without grad, values to score (numpy))
CASES = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]), {"loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "Categorical_probs": (lambda D, p: D.Categorical(probs=p["probs"]), {"probs": _simplex(*B, 4)}, (),
                          RNG.integers(0, 4, size=(5, *B)).astype(np.float64)),
    "Categorical_logits": (lambda D, p: D.Categorical(logits=p["logits"]), {"logits": _real(*B, 4)}, (),
                           RNG.integers(0, 4, size=(5, 1, 2)).astype(np.float64)),
    "Bernoulli_probs": (lambda D, p: D.Bernoulli(probs=p["probs"]), {"probs": RNG.uniform(0.05, 0.95, B)}, (),
                        RNG.integers(0, 2, size=(4, *B)).astype(np.float64)),
    "Bernoulli_logits": (lambda D, p: D.Bernoulli(logits=p["logits"]), {"logits": _real(*B)}, (),
                         RNG.integers(0, 2, size=B).astype(np.float64)),
    "Uniform": (lambda D, p: D.Uniform(p["low"], p["high"]), {"low": -_pos(*B), "high": _pos(*B)}, (),
                RNG.uniform(-0.25, 0.25, size=(4, *B))),
    "MVN_cov": (lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["cov"]),
                {"loc": _real(2, 3), "cov": _spd(3, (2,))}, (), _real(4, 2, 3)),
    "MVN_tril": (lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["tril"]),
                 {"loc": _real(3), "tril": _tril(3, (2,))}, (), _real(4, 1, 3)),
    "MVN_prec": (lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["prec"]),
                 {"loc": _real(2, 3), "prec": _spd(3)}, (), _real(4, 2, 3)),
    "Independent_Normal": (lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
                           {"loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(probs=p["probs"]), {"probs": _simplex(3, 4)}, (),
                          np.eye(4)[RNG.integers(0, 4, size=(5, 3))]),
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), {"a": _pos(*B), "b": _pos(*B)}, (), RNG.uniform(0.05, 0.95, (4, *B))),
    "Gamma": (lambda D, p: D.Gamma(p["c"], p["r"]), {"c": _pos(*B), "r": _pos(*B)}, (), _pos(4, *B, lo=0.05, hi=4)),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["c"]), {"c": _pos(3, 4)}, (), _simplex(5, 3, 4)),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]), {"rate": _pos(*B)}, (), _pos(4, *B, lo=0.01, hi=4)),
    "Laplace": (lambda D, p: D.Laplace(p["loc"], p["scale"]), {"loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "LogNormal": (lambda D, p: D.LogNormal(p["loc"], p["scale"]), {"loc": _real(*B) * 0.3, "scale": _pos(*B, hi=1)},
                  (), _pos(4, *B, lo=0.1, hi=4)),
    "Poisson": (lambda D, p: D.Poisson(p["rate"]), {"rate": _pos(*B, hi=6)}, (),
                RNG.integers(0, 8, size=(4, *B)).astype(np.float64)),
    "Binomial": (lambda D, p: D.Binomial(p["n"], probs=p["probs"]),
                 {"n": np.full(B, 7.0), "probs": RNG.uniform(0.1, 0.9, B)}, ("n",),
                 RNG.integers(0, 8, size=(4, *B)).astype(np.float64)),
    "Binomial_logits": (lambda D, p: D.Binomial(p["n"], logits=p["logits"]),
                        {"n": np.array([3.0, 5.0]), "logits": _real(3, 2)}, ("n",),
                        RNG.integers(0, 4, size=(3, 2)).astype(np.float64)),
    "Multinomial": (lambda D, p: D.Multinomial(6, probs=p["probs"]), {"probs": _simplex(3, 4)}, (),
                    RNG.multinomial(6, [0.25] * 4, size=(2, 3)).astype(np.float64)),
    "Tanh_Normal": (lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [D.TanhTransform()]),
                    {"loc": _real(*B), "scale": _pos(*B, hi=1.5)}, (), RNG.uniform(-0.9, 0.9, (4, *B))),
    "Affine_Sigmoid": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]),
        [D.transforms.AffineTransform(p["shift"], 2.0), D.transforms.SigmoidTransform()]),
        {"loc": _real(*B), "scale": _pos(*B), "shift": _real(*B)}, (), RNG.uniform(0.05, 0.95, (4, *B))),
    "Exp_Affine_Uniform": (lambda D, p: D.TransformedDistribution(
        D.Uniform(p["low"], p["high"]), [D.transforms.ExpTransform(), D.transforms.AffineTransform(1.0, -3.0)]),
        {"low": -_pos(*B), "high": _pos(*B)}, (), np.full(B, -2.0)),
    "Cauchy": (lambda D, p: D.Cauchy(p["loc"], p["scale"]), {"loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "HalfNormal": (lambda D, p: D.HalfNormal(p["scale"]), {"scale": _pos(*B)}, (), _pos(4, *B, lo=0.01, hi=3)),
    "HalfCauchy": (lambda D, p: D.HalfCauchy(p["scale"]), {"scale": _pos(*B)}, (), _pos(4, *B, lo=0.01, hi=3)),
    "Geometric": (lambda D, p: D.Geometric(probs=p["probs"]), {"probs": RNG.uniform(0.1, 0.9, B)}, (),
                  RNG.integers(0, 6, size=(4, *B)).astype(np.float64)),
    "Geometric_logits": (lambda D, p: D.Geometric(logits=p["logits"]), {"logits": _real(*B)}, (),
                         RNG.integers(0, 6, size=B).astype(np.float64)),
    "Gumbel": (lambda D, p: D.Gumbel(p["loc"], p["scale"]), {"loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "StudentT": (lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
                 {"df": _pos(*B, lo=2.5, hi=9), "loc": _real(*B), "scale": _pos(*B)}, (), _real(4, *B)),
    "StudentT_lowdf": (lambda D, p: D.StudentT(p["df"]), {"df": np.array([0.5, 1.5, 3.0])}, (), _real(2, 3)),
    "Chi2": (lambda D, p: D.Chi2(p["df"]), {"df": _pos(*B, lo=1, hi=6)}, (), _pos(4, *B, lo=0.1, hi=6)),
    "Pareto": (lambda D, p: D.Pareto(p["scale"], p["alpha"]), {"scale": _pos(*B, hi=1), "alpha": _pos(*B, lo=2.5, hi=6)},
               (), _pos(4, *B, lo=1.0, hi=4)),
    "Weibull": (lambda D, p: D.Weibull(p["scale"], p["c"]), {"scale": _pos(*B), "c": _pos(*B, lo=0.8, hi=3)}, (),
                _pos(4, *B, lo=0.1, hi=3)),
    "NegativeBinomial": (lambda D, p: D.NegativeBinomial(p["n"], probs=p["probs"]),
                         {"n": _pos(*B, lo=1, hi=5), "probs": RNG.uniform(0.1, 0.7, B)}, (),
                         RNG.integers(0, 8, size=(4, *B)).astype(np.float64)),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(probs=p["probs"]),
                            {"probs": np.array([[0.1, 0.3], [0.4995, 0.5003], [0.8, 0.95]])}, (),
                            RNG.uniform(0.02, 0.98, (4, *B))),
    "ContinuousBernoulli_logits": (lambda D, p: D.ContinuousBernoulli(logits=p["logits"]), {"logits": _real(*B)}, (),
                                   RNG.uniform(0.02, 0.98, B)),
    "RelaxedBernoulli": (lambda D, p: D.RelaxedBernoulli(p["t"], probs=p["probs"]),
                         {"t": np.array(0.7), "probs": RNG.uniform(0.1, 0.9, B)}, (), RNG.uniform(0.05, 0.95, (4, *B))),
    "RelaxedOneHotCategorical": (lambda D, p: D.RelaxedOneHotCategorical(p["t"], logits=p["logits"]),
                                 {"t": np.array(0.5), "logits": _real(3, 4)}, (), _simplex(2, 3, 4)),
    "MixtureSameFamily": (lambda D, p: D.MixtureSameFamily(D.Categorical(logits=p["w"]), D.Normal(p["loc"], p["scale"])),
                          {"w": _real(2, 3), "loc": _real(2, 3), "scale": _pos(2, 3)}, (), _real(4, 2)),
    "MixtureSameFamily_MVN": (lambda D, p: D.MixtureSameFamily(
        D.Categorical(probs=p["w"]), D.Independent(D.Normal(p["loc"], p["scale"]), 1)),
        {"w": _simplex(3), "loc": _real(3, 2), "scale": _pos(3, 2)}, (), _real(5, 2)),
    "LowRankMVN": (lambda D, p: D.LowRankMultivariateNormal(p["loc"], p["W"], p["d"]),
                   {"loc": _real(2, 3), "W": _real(3, 2), "d": _pos(2, 3)}, (), _real(4, 2, 3)),
    "Kumaraswamy": (lambda D, p: D.Kumaraswamy(p["a"], p["b"]), {"a": _pos(*B, lo=0.5), "b": _pos(*B, lo=0.5)}, (),
                    RNG.uniform(0.05, 0.95, (4, *B))),
    "InverseGamma": (lambda D, p: D.InverseGamma(p["c"], p["r"]), {"c": _pos(*B, lo=0.5, hi=4), "r": _pos(*B)}, (),
                     _pos(4, *B, lo=0.1, hi=4)),
    "FisherSnedecor": (lambda D, p: D.FisherSnedecor(p["d1"], p["d2"]),
                       {"d1": _pos(*B, lo=1, hi=8), "d2": np.array([[5.0, 9.0], [1.5, 3.0], [12.0, 4.5]])}, (),
                       _pos(4, *B, lo=0.1, hi=4)),
    "LogisticNormal": (lambda D, p: D.LogisticNormal(p["loc"], p["scale"]), {"loc": _real(2, 3), "scale": _pos(2, 3)},
                       (), _simplex(4, 2, 4)),
    "VonMises": (lambda D, p: D.VonMises(p["loc"], p["k"]), {"loc": _real(*B), "k": _pos(*B, lo=0.2, hi=8)}, (),
                 RNG.uniform(-3, 3, (4, *B))),
    "LKJCholesky": (lambda D, p: D.LKJCholesky(3, p["c"]), {"c": np.array([0.5, 1.0, 2.5])}, (),
                    np.linalg.cholesky(np.array([[1, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 1.0]]))[None].repeat(2, 0)[:, None]),
    "Wishart_cov": (lambda D, p: D.Wishart(p["df"], covariance_matrix=p["cov"]),
                    {"df": np.array([4.0, 6.5]), "cov": _spd(3, (2,))}, (), _spd(3, (4, 2))),
    "Wishart_tril": (lambda D, p: D.Wishart(p["df"], scale_tril=p["tril"]), {"df": np.array(5.0), "tril": _tril(3)}, (),
                     _spd(3, (2,))),
    "Wishart_prec": (lambda D, p: D.Wishart(p["df"], precision_matrix=p["prec"]), {"df": np.array(3.5), "prec": _spd(2)},
                     (), _spd(2, (3,))),
}  # fmt: skip


def _params(lib, case, grad=True):
    _, params, nograd, _ = CASES[case]
    out = {}
    for k, v in params.items():
        rg = grad and k not in nograd
        if lib is torch:
            out[k] = torch.tensor(v, dtype=torch.float64, requires_grad=rg)
        else:
            out[k] = mt.tensor(v, dtype=mt.float64, requires_grad=rg)
    return out


def _pair(case, grad=True):
    make = CASES[case][0]
    tp, mp = _params(torch, case, grad), _params(mt, case, grad)
    return make(TD, tp), tp, make(MD, mp), mp


def _close(m, t, atol=1e-6, rtol=1e-6):
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    m = m.detach().numpy() if isinstance(m, mt.Tensor) else np.asarray(m)
    assert m.shape == t.shape, (m.shape, t.shape)
    np.testing.assert_allclose(m, t, atol=atol, rtol=rtol, equal_nan=True)


def _check_grads(mres, mp, tres, tp, atol=1e-6):
    tres.sum().backward()
    mres.sum().backward()
    for k in tp:
        if tp[k].grad is None:  # does not depend on it (Normal's entropy on loc)
            assert mp[k].grad is None or not np.any(mp[k].grad.numpy()), k
        elif tp[k].requires_grad:
            assert mp[k].grad is not None, k
            _close(mp[k].grad, tp[k].grad, atol=atol, rtol=1e-5)


@pytest.mark.filterwarnings("ignore:Singular sample detected")  # torch 2.13's Wishart warns for good samples
@pytest.mark.parametrize("case", list(CASES))
def test_shapes(case):
    td, _, md, _ = _pair(case, grad=False)
    assert tuple(md.batch_shape) == tuple(td.batch_shape)
    assert tuple(md.event_shape) == tuple(td.event_shape)
    assert isinstance(md.batch_shape, mt.Size)
    for shape in [(), (5,), (2, 3)]:
        assert tuple(md.sample(shape).shape) == tuple(td.sample(shape).shape)
        if td.has_rsample:
            assert tuple(md.rsample(shape).shape) == tuple(td.rsample(shape).shape)
    assert md.has_rsample == td.has_rsample
    assert md.has_enumerate_support == td.has_enumerate_support
    with pytest.warns(FutureWarning):
        assert tuple(md.sample_n(4).shape) == (4,) + tuple(md.batch_shape) + tuple(md.event_shape)
    e_t, e_m = td.expand((5,) + tuple(td.batch_shape)), md.expand((5,) + tuple(md.batch_shape))
    assert tuple(e_m.batch_shape) == tuple(e_t.batch_shape)
    assert tuple(e_m.sample().shape) == tuple(e_t.sample().shape)
    assert repr(md).split("(")[0] == repr(td).split("(")[0]


@pytest.mark.parametrize("case", list(CASES))
def test_log_prob_and_grad(case):
    td, tp, md, mp = _pair(case)
    value = CASES[case][3]
    tres = td.log_prob(torch.tensor(value, dtype=torch.float64))
    mres = md.log_prob(mt.tensor(value, dtype=mt.float64))
    _close(mres, tres)
    _check_grads(mres, mp, tres, tp)


@pytest.mark.parametrize("case", list(CASES))
def test_entropy_and_grad(case):
    td, tp, md, mp = _pair(case)
    try:
        tres = td.entropy()
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            md.entropy()
        return
    mres = md.entropy()
    _close(mres, tres)
    _check_grads(mres, mp, tres, tp)


@pytest.mark.parametrize("case", list(CASES))
def test_moments(case):
    for prop in ["mean", "variance", "stddev", "mode"]:
        td, tp, md, mp = _pair(case)
        try:
            tres = getattr(td, prop)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(md, prop)
            continue
        mres = getattr(md, prop)
        _close(mres, tres)
        if tres.requires_grad and prop != "mode" and torch.isfinite(tres).all():
            _check_grads(mres, mp, tres, tp)


@pytest.mark.parametrize("case", list(CASES))
def test_cdf_icdf(case):
    td, tp, md, mp = _pair(case)
    value = CASES[case][3]
    try:
        tres = td.cdf(torch.tensor(value, dtype=torch.float64))
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            md.cdf(mt.tensor(value, dtype=mt.float64))
        return
    mres = md.cdf(mt.tensor(value, dtype=mt.float64))
    _close(mres, tres)
    try:
        tres.sum().backward(retain_graph=True)
    except NotImplementedError:  # gammainc's first argument: neither has a derivative
        with pytest.raises(NotImplementedError, match="igamma"):
            mres.sum().backward()
    else:
        for t in tp.values():
            t.grad = None
        _check_grads(mres, mp, tres, tp)
    q = RNG.uniform(0.05, 0.95, size=tuple(td.batch_shape))
    try:
        ti = td.icdf(torch.tensor(q))
    except NotImplementedError:
        return
    _close(md.icdf(mt.tensor(q)), ti)


KL_PAIRS = [
    ("Normal", "Normal"),
    ("Categorical_probs", "Categorical_logits"),
    ("Bernoulli_probs", "Bernoulli_logits"),
    ("Uniform", "Uniform"),
    ("MVN_cov", "MVN_tril"),
    ("MVN_tril", "MVN_prec"),
    ("Independent_Normal", "Independent_Normal"),
    ("OneHotCategorical", "OneHotCategorical"),
    ("Beta", "Beta"),
    ("Gamma", "Gamma"),
    ("Dirichlet", "Dirichlet"),
    ("Exponential", "Exponential"),
    ("Laplace", "Laplace"),
    ("Poisson", "Poisson"),
    ("Binomial", "Binomial"),
    ("LogNormal", "LogNormal"),
    ("Normal", "Laplace"),
    ("Laplace", "Normal"),
    ("Beta", "Normal"),
    ("Beta", "Gamma"),
    ("Beta", "Exponential"),
    ("Beta", "Uniform"),
    ("Gamma", "Normal"),
    ("Gamma", "Exponential"),
    ("Exponential", "Gamma"),
    ("Exponential", "Normal"),
    ("Uniform", "Normal"),
    ("Uniform", "Gamma"),
    ("Uniform", "Exponential"),
    ("Normal", "Gamma"),
    ("Bernoulli_probs", "Poisson"),
    ("Poisson", "Bernoulli_probs"),
    ("Cauchy", "Cauchy"),
    ("HalfNormal", "HalfNormal"),
    ("Geometric", "Geometric_logits"),
    ("Gumbel", "Gumbel"),
    ("Pareto", "Pareto"),
    ("ContinuousBernoulli", "ContinuousBernoulli_logits"),
    ("Chi2", "Gamma"),
    ("Gumbel", "Normal"),
    ("Normal", "Gumbel"),
    ("Exponential", "Gumbel"),
    ("Gamma", "Gumbel"),
    ("Uniform", "Gumbel"),
    ("Pareto", "Normal"),
    ("Pareto", "Exponential"),
    ("Pareto", "Gamma"),
    ("Uniform", "Pareto"),
    ("Beta", "ContinuousBernoulli"),
    ("ContinuousBernoulli", "Normal"),
    ("ContinuousBernoulli", "Exponential"),
    ("ContinuousBernoulli", "Uniform"),
    ("Uniform", "ContinuousBernoulli"),
    ("Gumbel", "Exponential"),
    ("Normal", "Pareto"),
    ("LowRankMVN", "LowRankMVN"),
    ("MVN_cov", "LowRankMVN"),
    ("LowRankMVN", "MVN_cov"),
    ("InverseGamma", "InverseGamma"),
    ("Kumaraswamy", "Kumaraswamy"),
]


@pytest.mark.parametrize("p_case,q_case", KL_PAIRS)
def test_kl_divergence(p_case, q_case):
    tp_d, tp, mp_d, mp = _pair(p_case)
    tq_d, tq, mq_d, mq = _pair(q_case)
    tres = TD.kl_divergence(tp_d, tq_d)
    mres = MD.kl_divergence(mp_d, mq_d)
    _close(mres, tres, atol=1e-6)
    if torch.isfinite(tres).all() and tres.requires_grad:
        tres.sum().backward()
        mres.sum().backward()
        for tparams, mparams in ((tp, mp), (tq, mq)):
            for k in tparams:
                if tparams[k].grad is not None:
                    _close(mparams[k].grad, tparams[k].grad, atol=1e-6, rtol=1e-5)


def test_kl_uniform_beta_and_infinities():
    low, high = [0.1, 0.2], [0.5, 1.5]
    t = TD.kl_divergence(TD.Uniform(torch.tensor(low), torch.tensor(high)), TD.Beta(torch.tensor(2.0), 3.0))
    m = MD.kl_divergence(MD.Uniform(mt.tensor(low), mt.tensor(high)), MD.Beta(mt.tensor(2.0), 3.0))
    _close(m, t, atol=1e-5)
    assert math.isinf(m[1].item())


def test_kl_not_implemented_and_register():
    with pytest.raises(NotImplementedError, match="No KL"):
        MD.kl_divergence(MD.Categorical(logits=mt.zeros(3)), MD.Normal(0.0, 1.0))

    class MyNormal(MD.Normal):
        pass

    @MD.register_kl(MyNormal, MD.Normal)
    def _kl(p, q):
        return mt.tensor(42.0)

    assert MD.kl_divergence(MyNormal(0.0, 1.0), MD.Normal(0.0, 1.0)).item() == 42.0
    # subclasses without their own rule use the parent's
    assert MD.kl_divergence(MD.Normal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 0.0


@pytest.mark.parametrize(
    "build",
    [
        lambda D, T: D.Normal(T([0.0, 1.0]), T([1.0, -1.0])),
        lambda D, T: D.Normal(T([0.0, float("nan")]), T([1.0, 1.0])),
        lambda D, T: D.Categorical(probs=T([0.5, -0.1, 0.6])),
        lambda D, T: D.Bernoulli(probs=T([1.5])),
        lambda D, T: D.Uniform(T([1.0]), T([0.0])),
        lambda D, T: D.Gamma(T([0.0]), T([1.0])),
        lambda D, T: D.Beta(T([1.0]), T([-2.0])),
        lambda D, T: D.Dirichlet(T([1.0, 0.0])),
        lambda D, T: D.Exponential(T([-1.0])),
        lambda D, T: D.Poisson(T([-1.0])),
        lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), covariance_matrix=T([[1.0, 2.0], [2.0, 1.0]])),
        lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 1.0], [0.0, 1.0]])),
        lambda D, T: D.Binomial(T([2.5]), probs=T([0.5])),
    ],
)
def test_invalid_parameters_raise_value_error(build):
    with pytest.raises(ValueError) as t_err:
        build(TD, lambda v: torch.tensor(v))
    with pytest.raises(ValueError) as m_err:
        build(MD, lambda v: mt.tensor(v))
    # same message up to the distribution's repr and the printed values
    t_head = str(t_err.value).split(" of distribution")[0]
    m_head = str(m_err.value).split(" of distribution")[0]
    assert m_head == t_head
    t_tail = str(t_err.value).split("to satisfy the constraint ")[1].split(",")[0]
    assert str(m_err.value).split("to satisfy the constraint ")[1].split(",")[0] == t_tail


def test_validate_args_off_and_default():
    MD.Normal(mt.tensor(0.0), mt.tensor(-1.0), validate_args=False)
    MD.Distribution.set_default_validate_args(False)
    try:
        MD.Normal(mt.tensor(0.0), mt.tensor(-1.0))
    finally:
        MD.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        MD.Normal(mt.tensor(0.0), mt.tensor(-1.0))
    with pytest.raises(ValueError):
        MD.Distribution.set_default_validate_args("yes")


@pytest.mark.parametrize(
    "build,value",
    [
        (lambda D, T: D.Categorical(probs=T([0.2, 0.3, 0.5])), [3.0]),
        (lambda D, T: D.Categorical(probs=T([0.2, 0.3, 0.5])), [0.5]),
        (lambda D, T: D.Bernoulli(probs=T([0.2])), [2.0]),
        (lambda D, T: D.Uniform(T([0.0]), T([1.0])), [1.5]),
        (lambda D, T: D.Exponential(T([1.0])), [-1.0]),
        (lambda D, T: D.Beta(T([1.0]), T([2.0])), [1.5]),
        (lambda D, T: D.Dirichlet(T([1.0, 2.0])), [0.7, 0.7]),
        (lambda D, T: D.Poisson(T([1.0])), [1.5]),
        (lambda D, T: D.OneHotCategorical(probs=T([0.5, 0.5])), [1.0, 1.0]),
    ],
)
def test_out_of_support_raises(build, value):
    with pytest.raises(ValueError) as t_err:
        build(TD, torch.tensor).log_prob(torch.tensor(value))
    with pytest.raises(ValueError) as m_err:
        build(MD, mt.tensor).log_prob(mt.tensor(value))
    assert (
        str(m_err.value).split(" of the distribution")[0] == str(t_err.value).split(" of the distribution")[0]
    )


def test_shape_and_argument_errors():
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        MD.Categorical()
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        MD.Bernoulli(probs=mt.tensor(0.5), logits=mt.tensor(0.0))
    with pytest.raises(ValueError, match="Exactly one of"):
        MD.MultivariateNormal(mt.zeros(2))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        MD.Categorical(probs=mt.tensor(1.0))
    d = MD.Normal(mt.zeros(3), mt.ones(3))
    with pytest.raises(ValueError, match="not broadcastable"):
        d.log_prob(mt.zeros(4))
    with pytest.raises(ValueError, match="must be a Tensor"):
        d.log_prob(0.5)
    with pytest.raises(ValueError, match="Expected reinterpreted_batch_ndims"):
        MD.Independent(d, 2)


# -- samples ---------------------------------------------------------------------------------

PER_ELEMENT_SAMPLERS = {
    "Gamma", "Beta", "Dirichlet", "Chi2", "StudentT", "InverseGamma", "FisherSnedecor", "Poisson", "NegativeBinomial",
    "Binomial", "Binomial_logits", "Wishart_cov", "Wishart_tril", "Wishart_prec", "LKJCholesky",
}  # fmt: skip
SAMPLE_CASES = [c for c in CASES if c not in ("Exp_Affine_Uniform", "Tanh_Normal", "Affine_Sigmoid")]


@pytest.mark.filterwarnings("ignore:Singular sample detected")
@pytest.mark.parametrize("case", SAMPLE_CASES)
def test_sample_mean_within_standard_errors(case):
    mt.manual_seed(7)
    _, _, md, _ = _pair(case, grad=False)
    # 20k draws; the samplers that run ATen's rejection loops element by element in Python get
    # fewer samples of their (3, 2)-or-larger batches (still about 20k draws in all)
    n = 3000 if case in PER_ELEMENT_SAMPLERS else 20000
    x = md.sample((n,)).double()
    assert np.all(np.isfinite(x.numpy()))
    if not MD.constraints.is_dependent(md.support) or hasattr(md, "total_count"):
        assert bool(md.support.check(x).all())
    if isinstance(md, MD.VonMises):  # circular mean and 1 - mean resultant length
        xs = x.numpy()
        ang = np.arctan2(np.sin(xs).mean(0), np.cos(xs).mean(0))
        diff = np.angle(np.exp(1j * (ang - md.loc.detach().numpy())))
        assert np.all(np.abs(diff) < 0.1)
        circ_var = 1 - np.hypot(np.sin(xs).mean(0), np.cos(xs).mean(0))
        _close(circ_var, md.variance.detach().numpy(), atol=0.02, rtol=0.05)
        return
    if isinstance(md, MD.Categorical):  # compare class frequencies
        probs = md.probs.detach().numpy()
        freq = np.stack([(x.numpy() == k).mean(0) for k in range(probs.shape[-1])], -1)
        assert np.all(np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / n))
        return
    try:
        mean = md.mean.detach().numpy()
        std = md.stddev.detach().numpy()
    except NotImplementedError:  # relaxed distributions: no closed-form moments
        return
    if not np.all(np.isfinite(mean) & np.isfinite(std)):  # Cauchy: the median is icdf(0.5)
        try:
            median = md.icdf(mt.full(tuple(md.batch_shape), 0.5, dtype=mt.float64)).numpy()
        except NotImplementedError:
            return
        frac_below = (x.numpy() < median).mean(0)
        assert np.all(np.abs(frac_below - 0.5) < 5 * 0.5 / math.sqrt(n))
        return
    est = x.mean(0).numpy()
    assert np.all(np.abs(est - mean) < 5 * std / math.sqrt(n) + 1e-12), (est, mean)


@pytest.mark.parametrize(
    "case", ["Normal", "MVN_cov", "Uniform", "Laplace", "Exponential", "Gamma", "Beta", "Dirichlet"]
)
def test_rsample_is_differentiable(case):
    _, _, md, mp = _pair(case)
    x = md.rsample((4,))
    assert x.requires_grad
    (x * x).sum().backward()
    for k, v in mp.items():
        if v.requires_grad:
            assert v.grad is not None and np.all(np.isfinite(v.grad.numpy())), k


def test_normal_rsample_is_loc_plus_eps_scale():
    loc = mt.tensor([0.5, -1.0], dtype=mt.float64, requires_grad=True)
    scale = mt.tensor([2.0, 0.5], dtype=mt.float64, requires_grad=True)
    mt.manual_seed(3)
    x = MD.Normal(loc, scale).rsample((6,))
    mt.manual_seed(3)
    eps = mt.randn(6, 2, dtype=mt.float64)
    _close(x, (loc + eps * scale).detach().numpy())
    x.sum().backward()
    _close(loc.grad, np.full(2, 6.0))
    _close(scale.grad, eps.sum(0).numpy())


def test_mvn_rsample_grad_matches_torch_for_same_noise():
    loc = _real(3)
    tril = _tril(3)
    eps = _real(5, 3)
    tl, tL = torch.tensor(loc, requires_grad=True), torch.tensor(tril, requires_grad=True)
    ml, mL = mt.tensor(loc, requires_grad=True), mt.tensor(tril, requires_grad=True)
    tx = tl + (tL @ torch.tensor(eps).unsqueeze(-1)).squeeze(-1)
    md = MD.MultivariateNormal(ml, scale_tril=mL)
    mt.manual_seed(0)
    noise = mt.randn(5, 3, dtype=mt.float64)
    mt.manual_seed(0)
    mx = md.rsample((5,))
    _close(mx, (ml + (mL @ noise.unsqueeze(-1)).squeeze(-1)).detach().numpy())
    # gradient of a loss through a Gaussian log-density of the sample, same noise both sides
    tx = tl + (tL @ torch.tensor(noise.numpy()).unsqueeze(-1)).squeeze(-1)
    (tx.pow(3).sum()).backward()
    (mx.pow(3).sum()).backward()
    _close(ml.grad, tl.grad)
    _close(mL.grad, tL.grad)


def test_gamma_rsample_gradient_matches_torch_implicit_gradient():
    alpha = np.array([0.3, 1.0, 2.5, 7.0, 40.0])
    ma = mt.tensor(alpha, requires_grad=True)
    mt.manual_seed(5)
    x = MD.Gamma(ma, mt.ones(5, dtype=mt.float64)).rsample((3,))
    x.sum().backward()
    tgrad = torch._standard_gamma_grad(torch.tensor(alpha).expand(3, 5), torch.tensor(x.detach().numpy()))
    _close(ma.grad, tgrad.sum(0), atol=1e-5, rtol=1e-4)


def _same_generator():
    mt.manual_seed(11)
    torch.manual_seed(11)
    a, b = mt.randn(5, dtype=mt.float64).numpy(), torch.randn(5, dtype=torch.float64).numpy()
    return np.array_equal(a, b)


# the distributions whose draws use the primitives torch uses (normal_, rand, uniform_, exponential_,
# multinomial, bernoulli, and ATen's gamma / Poisson / binomial samplers)
SAME_DRAWS = [
    "Normal", "Categorical_probs", "Categorical_logits", "Bernoulli_probs", "Bernoulli_logits", "Uniform",
    "MVN_cov", "MVN_tril", "MVN_prec", "Independent_Normal", "OneHotCategorical", "Exponential", "Laplace",
    "LogNormal", "Multinomial", "Tanh_Normal", "Affine_Sigmoid", "Exp_Affine_Uniform", "VonMises", "Cauchy",
    "HalfNormal", "Geometric", "Gumbel", "LowRankMVN", "RelaxedBernoulli", "RelaxedOneHotCategorical",
    "ContinuousBernoulli", "Kumaraswamy", "Weibull", "Pareto", "LogisticNormal", "MixtureSameFamily",
    "Gamma", "Beta", "Dirichlet", "Chi2", "StudentT", "InverseGamma", "FisherSnedecor", "Poisson",
    "NegativeBinomial", "LKJCholesky", "Binomial", "Binomial_logits", "Wishart_cov", "Wishart_tril", "Wishart_prec",
]  # fmt: skip


@pytest.mark.filterwarnings("ignore:Singular sample detected")  # torch 2.13's Wishart.rsample, mirrored
@pytest.mark.parametrize("case", SAME_DRAWS)
def test_samples_match_torch_when_generators_match(case):
    if not _same_generator():
        pytest.skip("minitorch's generator does not reproduce torch's draws (yet)")
    td, _, md, _ = _pair(case, grad=False)
    torch.manual_seed(2)
    mt.manual_seed(2)
    t = td.sample((7,))
    m = md.sample((7,))
    _close(m, t, atol=1e-12)
    if td.has_rsample:
        torch.manual_seed(3)
        mt.manual_seed(3)
        _close(md.rsample((7,)), td.rsample((7,)), atol=1e-12)


def test_categorical_sample_and_log_prob_broadcasting():
    probs = mt.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    d = MD.Categorical(probs=probs)
    s = d.sample((4,))
    assert s.dtype == mt.int64 and tuple(s.shape) == (4, 2)
    t = TD.Categorical(probs=torch.tensor(probs.numpy()))
    v = np.array([[0], [2], [1]])
    _close(d.log_prob(mt.tensor(v)), t.log_prob(torch.tensor(v)))
    _close(d.enumerate_support(), t.enumerate_support())
    _close(d.enumerate_support(expand=False), t.enumerate_support(expand=False))
    assert d.perplexity().shape == (2,)


def test_sac_tanh_normal_policy():
    """SAC's squashed Gaussian: rsample through tanh, log_prob of the action, grads to loc/scale."""
    loc = torch.tensor([0.2, -0.4], dtype=torch.float64, requires_grad=True)
    scale = torch.tensor([0.5, 1.2], dtype=torch.float64, requires_grad=True)
    mloc = mt.tensor(loc.detach().numpy(), requires_grad=True)
    mscale = mt.tensor(scale.detach().numpy(), requires_grad=True)
    eps = _real(8, 2)
    u_t = loc + scale * torch.tensor(eps)
    u_m = mloc + mscale * mt.tensor(eps)
    td = TD.TransformedDistribution(TD.Normal(loc, scale), [TD.TanhTransform(cache_size=1)])
    md = MD.TransformedDistribution(MD.Normal(mloc, mscale), [MD.TanhTransform(cache_size=1)])
    a_t, a_m = td.transforms[0](u_t), md.transforms[0](u_m)
    lp_t, lp_m = td.log_prob(a_t).sum(-1), md.log_prob(a_m).sum(-1)
    _close(lp_m, lp_t)
    (lp_t.mean() + a_t.pow(2).sum()).backward()
    (lp_m.mean() + a_m.pow(2).sum()).backward()
    _close(mloc.grad, loc.grad)
    _close(mscale.grad, scale.grad)


def test_special_functions_against_torch():
    from minitorch.distributions import utils as U

    x = np.array([1e-3, 0.1, 0.5, 1.0, 2.5, 9.9, 10.5, 30.0, 250.0])
    _close(U.lgamma(mt.tensor(x)), torch.lgamma(torch.tensor(x)), atol=1e-12)
    _close(U.digamma(mt.tensor(x)), torch.digamma(torch.tensor(x)), atol=1e-10, rtol=1e-12)
    xn = np.array([-2.5, -0.3, -1.7])
    _close(U.digamma(mt.tensor(xn)), torch.digamma(torch.tensor(xn)), atol=1e-9)
    for n in (1, 2, 3):
        _close(U.polygamma(n, mt.tensor(x)), torch.polygamma(n, torch.tensor(x)), atol=1e-9, rtol=1e-8)
    y = np.array([-0.999, -0.5, 0.0, 0.3, 0.9, 0.99999])
    _close(U.erfinv(mt.tensor(y)), torch.erfinv(torch.tensor(y)), atol=1e-10, rtol=1e-10)
    a = np.array([0.5, 1.0, 3.0, 20.0, 0.1])
    z = np.array([0.2, 3.0, 2.0, 25.0, 4.0])
    _close(
        U.gammainc(mt.tensor(a), mt.tensor(z)),
        torch.special.gammainc(torch.tensor(a), torch.tensor(z)),
        atol=1e-12,
    )
    # gradients of lgamma / digamma flow (digamma' = trigamma)
    t = torch.tensor(x, requires_grad=True)
    m = mt.tensor(x, requires_grad=True)
    torch.digamma(t).sum().backward()
    U.digamma(m).sum().backward()
    _close(m.grad, t.grad, atol=1e-8, rtol=1e-9)


def test_cholesky_and_solve_triangular_gradients_against_torch():
    from minitorch.distributions import utils as U

    A = _spd(3, (2,))
    b = _real(2, 3, 2)
    ta, tb = torch.tensor(A, requires_grad=True), torch.tensor(b, requires_grad=True)
    ma, mb = mt.tensor(A, requires_grad=True), mt.tensor(b, requires_grad=True)
    tL = torch.linalg.cholesky(ta)
    mL = U.cholesky(ma)
    _close(mL, tL)
    tx = torch.linalg.solve_triangular(tL, tb, upper=False)
    mx = U.solve_triangular(mL, mb, upper=False)
    _close(mx, tx)
    w = _real(2, 3, 2)
    (tx * torch.tensor(w)).sum().backward()
    (mx * mt.tensor(w)).sum().backward()
    _close(ma.grad, ta.grad)
    _close(mb.grad, tb.grad)


def test_float32_parameters_keep_float32():
    d = MD.Normal(mt.zeros(3), mt.ones(3))
    assert d.sample().dtype == mt.float32
    assert d.log_prob(mt.zeros(3)).dtype == mt.float32
    assert MD.Gamma(mt.ones(2), 1.0).sample().dtype == mt.float32
    assert MD.Categorical(logits=mt.zeros(4)).sample((3,)).dtype == mt.int64
    assert MD.Normal(0.0, 1.0).sample().shape == ()


def test_reinforce_bandit_reduces_loss():
    """REINFORCE on a 3-armed bandit: -(log_prob * G).mean() drives the policy to the best arm."""
    mt.manual_seed(0)
    logits = mt.zeros(3, requires_grad=True)
    opt = mt.optim.Adam([logits], lr=0.1)
    rewards = mt.tensor([0.1, 0.5, 0.9])
    first, last = None, None
    for _ in range(150):
        dist = MD.Categorical(logits=logits)
        actions = dist.sample((32,))
        G = rewards[actions] + 0.1 * mt.randn(32)
        loss = -(dist.log_prob(actions) * G).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        expected = (dist.probs.detach() * rewards).sum().item()
        first = expected if first is None else first
        last = expected
    assert abs(first - 0.5) < 0.05
    assert last > 0.85
    assert MD.Categorical(logits=logits).probs[2].item() > 0.9


# -- transforms and the constraint registry ---------------------------------------------------

TRANSFORMS = {
    "exp": (lambda T, lib: T.ExpTransform(), (3, 2)),
    "affine": (lambda T, lib: T.AffineTransform(lib.tensor([0.5, -1.0], dtype=lib.float64), -2.0), (3, 2)),
    "affine_event": (
        lambda T, lib: T.AffineTransform(0.3, lib.tensor([1.5, -0.5], dtype=lib.float64), event_dim=1),
        (3, 2),
    ),
    "sigmoid": (lambda T, lib: T.SigmoidTransform(), (3, 2)),
    "tanh": (lambda T, lib: T.TanhTransform(), (3, 2)),
    "softplus": (lambda T, lib: T.SoftplusTransform(), (3, 2)),
    "power": (lambda T, lib: T.PowerTransform(lib.tensor([2.0, 0.5], dtype=lib.float64)), (3, 2)),
    "stick_breaking": (lambda T, lib: T.StickBreakingTransform(), (3, 4)),
    "lower_cholesky": (lambda T, lib: T.LowerCholeskyTransform(), (2, 3, 3)),
    "positive_definite": (lambda T, lib: T.PositiveDefiniteTransform(), (2, 3, 3)),
    "corr_cholesky": (lambda T, lib: T.CorrCholeskyTransform(), (2, 6)),
    "softmax": (lambda T, lib: T.SoftmaxTransform(), (3, 4)),
    "reshape": (lambda T, lib: T.ReshapeTransform((2, 3), (6,)), (4, 2, 3)),
    "compose": (lambda T, lib: T.ComposeTransform([T.TanhTransform(), T.AffineTransform(1.0, 3.0)]), (3, 2)),
    "independent": (lambda T, lib: T.IndependentTransform(T.SigmoidTransform(), 1), (3, 2)),
    "cat": (
        lambda T, lib: T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=-1, lengths=[1, 2]),
        (2, 3),
    ),
    "stack": (lambda T, lib: T.StackTransform([T.ExpTransform(), T.TanhTransform()], dim=-1), (3, 2)),
    "inverse_exp": (lambda T, lib: T.ExpTransform().inv, (3, 2)),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transforms_against_torch(name):
    build, shape = TRANSFORMS[name]
    x = RNG.normal(size=shape) * 0.7
    if name in ("power", "inverse_exp"):
        x = np.abs(x) + 0.2
    tt, mtt = build(TD.transforms, torch), build(MD.transforms, mt)
    tx = torch.tensor(x, requires_grad=True)
    mx = mt.tensor(x, requires_grad=True)
    ty, my = tt(tx), mtt(mx)
    _close(my, ty)
    if name not in ("lower_cholesky", "positive_definite", "softmax"):
        _close(mtt.inv(my), tt.inv(ty))
    try:
        tj = tt.log_abs_det_jacobian(tx, ty)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            mtt.log_abs_det_jacobian(mx, my)
        tj = None
    if tj is not None:
        mj = mtt.log_abs_det_jacobian(mx, my)
        _close(mj, tj)
        (ty.sum() + tj.sum()).backward()
        (my.sum() + mj.sum()).backward()
        _close(mx.grad, tx.grad)
    assert tuple(mtt.forward_shape(shape)) == tuple(tt.forward_shape(shape))
    assert mtt.domain.event_dim == tt.domain.event_dim
    assert mtt.codomain.event_dim == tt.codomain.event_dim
    assert repr(mtt).split("(")[0] == repr(tt).split("(")[0]


@pytest.mark.parametrize(
    "constraint",
    [
        "real",
        "positive",
        "nonnegative",
        "unit_interval",
        "simplex",
        "lower_cholesky",
        "corr_cholesky",
        "positive_definite",
        "real_vector",
    ],
)
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_constraint_registry(constraint, registry):
    tc, mc = getattr(TD.constraints, constraint), getattr(MD.constraints, constraint)
    try:
        tt = getattr(TD, registry)(tc)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(MD, registry)(mc)
        return
    mtt = getattr(MD, registry)(mc)
    assert type(mtt).__name__ == type(tt).__name__
    shape = (2, 3, 3) if constraint in ("lower_cholesky", "positive_definite") else (2, 3)
    x = RNG.normal(size=shape)
    y = mtt(mt.tensor(x))
    _close(y, tt(torch.tensor(x)))
    assert bool(mc.check(y).all())


def test_biject_to_intervals_and_bounds():
    for tc, mc in [
        (TD.constraints.interval(-1.0, 3.0), MD.constraints.interval(-1.0, 3.0)),
        (TD.constraints.greater_than(2.0), MD.constraints.greater_than(2.0)),
        (TD.constraints.less_than(-1.0), MD.constraints.less_than(-1.0)),
    ]:
        x = RNG.normal(size=(5,))
        _close(MD.biject_to(mc)(mt.tensor(x)), TD.biject_to(tc)(torch.tensor(x)))
    with pytest.raises(NotImplementedError, match="Cannot transform _Boolean constraints"):
        MD.biject_to(MD.constraints.boolean)


def test_transform_cache_returns_same_object():
    t = MD.TanhTransform(cache_size=1)
    x = mt.randn(3)
    y = t(x)
    assert t.inv(y) is x
    assert t(x) is y
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        MD.ExpTransform(cache_size=2)


def test_generalized_pareto_float32():
    """torch's GeneralizedPareto compares with a float32 zero, so it only runs in float32."""
    loc, scale, conc = np.zeros(3), np.array([0.5, 1.0, 2.0]), np.array([-0.2, 0.0, 0.3])
    x = np.array([[0.1, 0.5, 1.2], [0.3, 2.0, 0.01]])
    tp = [torch.tensor(v, dtype=torch.float32, requires_grad=True) for v in (loc, scale)]
    mp = [mt.tensor(v, dtype=mt.float32, requires_grad=True) for v in (loc, scale)]
    td = TD.GeneralizedPareto(*tp, torch.tensor(conc, dtype=torch.float32))
    md = MD.GeneralizedPareto(*mp, mt.tensor(conc, dtype=mt.float32))
    tx, mx = torch.tensor(x, dtype=torch.float32), mt.tensor(x, dtype=mt.float32)
    for name in ("log_prob", "cdf", "log_survival_function"):
        _close(getattr(md, name)(mx), getattr(td, name)(tx), atol=1e-5, rtol=1e-5)
    for name in ("mean", "variance", "mode"):
        _close(getattr(md, name), getattr(td, name), atol=1e-5, rtol=1e-5)
    _close(md.entropy(), td.entropy(), atol=1e-5, rtol=1e-5)
    q = torch.tensor([0.2, 0.5, 0.9])
    _close(md.icdf(mt.tensor(q.numpy())), td.icdf(q), atol=1e-5, rtol=1e-5)
    td.log_prob(tx).sum().backward()
    md.log_prob(mx).sum().backward()
    for a, b in zip(mp, tp):
        _close(a.grad, b.grad, atol=1e-4, rtol=1e-4)
    assert tuple(md.rsample((5,)).shape) == (5, 3)


def test_gamma_cdf_gradient_in_rate_and_value():
    c = np.array([0.5, 2.0, 7.0])
    r, v = np.array([1.5, 0.7, 2.0]), np.array([0.3, 2.5, 4.0])
    tr, tv = torch.tensor(r, requires_grad=True), torch.tensor(v, requires_grad=True)
    mr, mv = mt.tensor(r, requires_grad=True), mt.tensor(v, requires_grad=True)
    tres = TD.Gamma(torch.tensor(c), tr).cdf(tv)
    mres = MD.Gamma(mt.tensor(c), mr).cdf(mv)
    _close(mres, tres, atol=1e-12)
    tres.sum().backward()
    mres.sum().backward()
    _close(mr.grad, tr.grad, atol=1e-12)
    _close(mv.grad, tv.grad, atol=1e-12)


def test_dirichlet_and_beta_rsample_gradients_match_torch_formula():
    """torch's _Dirichlet backward: _dirichlet_grad(x, alpha, total) * (g - (x * g).sum(-1))."""
    alpha = np.array([[0.4, 1.5, 3.0], [8.0, 9.0, 0.7]])
    ma = mt.tensor(alpha, requires_grad=True)
    mt.manual_seed(4)
    x = MD.Dirichlet(ma).rsample((2,))
    w = _real(2, 2, 3)
    (x * mt.tensor(w)).sum().backward()
    tx, ta, tw = torch.tensor(x.detach().numpy()), torch.tensor(alpha).expand(2, 2, 3), torch.tensor(w)
    tgrad = torch._dirichlet_grad(tx, ta, ta.sum(-1, True).expand_as(ta)) * (tw - (tx * tw).sum(-1, True))
    _close(ma.grad, tgrad.sum(0), atol=1e-5, rtol=2e-3)
    # Beta is a two-category Dirichlet: d x / d concentration1 > 0, d x / d concentration0 < 0
    c1 = mt.tensor([2.0, 0.5], requires_grad=True)
    c0 = mt.tensor([3.0, 4.0], requires_grad=True)
    MD.Beta(c1, c0).rsample((50,)).sum().backward()
    assert bool((c1.grad > 0).all()) and bool((c0.grad < 0).all())


@pytest.mark.parametrize("case", ["Bernoulli_probs", "Binomial", "OneHotCategorical", "Categorical_logits"])
def test_enumerate_support(case):
    td, _, md, _ = _pair(case, grad=False)
    for expand in (True, False):
        _close(md.enumerate_support(expand), td.enumerate_support(expand))
    lp_t = td.log_prob(td.enumerate_support())
    lp_m = md.log_prob(md.enumerate_support())
    _close(lp_m, lp_t)  # the support's probabilities sum to one
    np.testing.assert_allclose(lp_m.exp().sum(0).numpy(), 1.0, atol=1e-10)


def test_perplexity_and_lazy_params():
    logits = mt.tensor([[0.5, -1.0, 2.0]], dtype=mt.float64, requires_grad=True)
    d = MD.Categorical(logits=logits)
    assert "probs" not in d.__dict__
    p = d.probs  # computed once, with grad, then cached on the instance
    assert d.__dict__["probs"] is p and p.requires_grad
    t = TD.Categorical(logits=torch.tensor(logits.detach().numpy()))
    _close(d.perplexity(), t.perplexity())
    assert d.mode.tolist() == t.mode.tolist()


@pytest.mark.parametrize(
    "name,args",
    [
        ("real", None),
        ("positive", None),
        ("nonnegative", None),
        ("unit_interval", None),
        ("boolean", None),
        ("nonnegative_integer", None),
        ("positive_integer", None),
        ("simplex", None),
        ("one_hot", None),
        ("real_vector", None),
        ("lower_cholesky", None),
        ("lower_triangular", None),
        ("corr_cholesky", None),
        ("positive_definite", None),
        ("positive_semidefinite", None),
        ("symmetric", None),
        ("square", None),
        ("greater_than", (0.5,)),
        ("greater_than_eq", (0.5,)),
        ("less_than", (0.5,)),
        ("interval", (-0.5, 1.0)),
        ("half_open_interval", (-0.5, 1.0)),
        ("integer_interval", (0, 2)),
        ("multinomial", (3,)),
    ],
)
def test_constraints_check_and_repr(name, args):
    values = [
        np.array([[0.0, 1.0, 2.0], [-1.0, 0.5, np.nan]]),
        np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]),
        np.array([[[1.0, 0.0], [0.5, 2.0]], [[1.0, 0.3], [0.3, 1.0]], [[0.6, 0.0], [0.8, 0.6]]]),
    ]
    tc, mc = getattr(TD.constraints, name), getattr(MD.constraints, name)
    if args is not None:
        tc, mc = tc(*args), mc(*args)
    assert repr(mc) == repr(tc)
    assert mc.event_dim == tc.event_dim and mc.is_discrete == tc.is_discrete
    for v in values:
        if v.ndim < tc.event_dim:
            continue
        try:
            t = tc.check(torch.tensor(v))
        except Exception as e:  # noqa: BLE001  (same failure on both sides)
            with pytest.raises(type(e)):
                mc.check(mt.tensor(v))
            continue
        m = mc.check(mt.tensor(v))
        assert m.dtype == mt.bool
        assert m.tolist() == t.tolist()


def test_constraints_with_tensor_bounds():
    low, high = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    v = np.array([[0.5, 0.5], [1.0, 3.0], [-0.1, 2.9]])
    t = TD.constraints.interval(torch.tensor(low), torch.tensor(high)).check(torch.tensor(v))
    m = MD.constraints.interval(mt.tensor(low), mt.tensor(high)).check(mt.tensor(v))
    assert m.tolist() == t.tolist()
    assert MD.constraints.is_dependent(MD.constraints.dependent)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        MD.constraints.dependent.check(mt.zeros(1))


def _vae_and_ppo_steps(lib, D):
    """A few steps of a tiny VAE (Normal rsample + KL to a standard normal) and a PPO-style update
    (Independent Normal policy: log_prob ratio, clipping, entropy bonus)."""
    lib.manual_seed(0)
    enc = lib.nn.Linear(4, 4, dtype=lib.float64)
    dec = lib.nn.Linear(2, 4, dtype=lib.float64)
    pol = lib.nn.Linear(4, 2, dtype=lib.float64)
    log_std = lib.nn.Parameter(lib.zeros(2, dtype=lib.float64))
    params = list(enc.parameters()) + list(dec.parameters()) + list(pol.parameters()) + [log_std]
    opt = lib.optim.Adam(params, lr=0.01)
    x = lib.randn(8, 4, dtype=lib.float64)
    losses = []
    for _ in range(3):
        h = enc(x)
        q = D.Normal(h[:, :2], h[:, 2:].exp())
        z = q.rsample()
        recon = ((dec(z) - x) ** 2).sum(-1)
        kl = D.kl_divergence(q, D.Normal(0.0, 1.0)).sum(-1)
        pi = D.Independent(D.Normal(pol(x), log_std.exp()), 1)
        with lib.no_grad():
            old = D.Independent(D.Normal(pol(x), log_std.exp()), 1)
            a = old.sample()
            old_lp = old.log_prob(a)
        adv = lib.randn(8, dtype=lib.float64)
        ratio = (pi.log_prob(a) - old_lp).exp()
        ppo = -lib.min(ratio * adv, ratio.clamp(0.8, 1.2) * adv).mean() - 0.01 * pi.entropy().mean()
        loss = (recon + kl).mean() + ppo
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in params]


def test_vae_and_ppo_steps_match_torch_when_generators_match():
    if not _same_generator():
        pytest.skip("minitorch's generator does not reproduce torch's draws (yet)")
    t_losses, t_params = _vae_and_ppo_steps(torch, TD)
    m_losses, m_params = _vae_and_ppo_steps(mt, MD)
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-10, atol=1e-10)
    for a, b in zip(m_params, t_params):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_numpy_fallback_samplers(monkeypatch):
    """Without torch's generator internals, Gamma/Poisson/Binomial/Dirichlet use NumPy's samplers."""
    from minitorch.distributions import utils as U

    monkeypatch.setattr(U._TorchStream, "open", classmethod(lambda cls, n: None))
    mt.manual_seed(0)
    g = MD.Gamma(mt.tensor([0.5, 3.0], dtype=mt.float64), 2.0).sample((20000,))
    np.testing.assert_allclose(g.mean(0).numpy(), [0.25, 1.5], rtol=0.05)
    p = MD.Poisson(mt.tensor([0.7, 30.0])).sample((20000,))
    np.testing.assert_allclose(p.mean(0).numpy(), [0.7, 30.0], rtol=0.05)
    b = MD.Binomial(mt.tensor([10.0, 200.0]), probs=mt.tensor([0.3, 0.8])).sample((5000,))
    np.testing.assert_allclose(b.mean(0).numpy(), [3.0, 160.0], rtol=0.05)
    d = MD.Dirichlet(mt.tensor([1.0, 2.0, 3.0])).sample((5000,))
    np.testing.assert_allclose(d.mean(0).numpy(), [1 / 6, 2 / 6, 3 / 6], rtol=0.05)
    assert d.dtype == mt.float32
