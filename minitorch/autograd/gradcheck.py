"""Check analytical gradients against float64 central differences, as ``torch.autograd.gradcheck``."""

from __future__ import annotations

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _outputs(fn, inputs):
    from ..tensor import Tensor

    out = fn(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind in "fV"]


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradcheck(
    fn,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    fast_mode: bool = False,
    **kwargs,
) -> bool:
    """Compare the Jacobian from backward with central differences ``(f(x+eps) - f(x-eps)) / 2eps``.

    Every floating input that requires grad should be float64 (a warning-free check needs the
    precision). On mismatch raises ``GradcheckError`` (or returns False) naming the output, the
    input, the worst element and both values.
    """
    from ..tensor import Tensor
    from .engine import run_backward
    from .grad_mode import no_grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            import warnings

            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision floating point.",
                stacklevel=2,
            )
    outs = _outputs(fn, inputs)
    for k, out in enumerate(outs):
        n_out = out._data.size
        # analytical Jacobian: one backward per output element
        analytical = {i: np.zeros((inputs[i]._data.size, n_out)) for i in diff}
        for j in range(n_out):
            seed = np.zeros(out._data.shape, out._data.dtype)
            seed.flat[j] = 1
            o = _outputs(fn, inputs)[k]
            if not o.requires_grad:
                break
            grads = run_backward(
                [o],
                [Tensor._make(seed, False, None)],
                False,
                False,
                [inputs[i] for i in diff],
                allow_unused=True,
            )
            for i, g in zip(diff, grads):
                if g is not None:
                    analytical[i][:, j] = g._data.reshape(-1)
        # numerical Jacobian: perturb each input element in place
        for i in diff:
            x = inputs[i]._data
            numerical = np.zeros((x.size, n_out))
            with no_grad():
                for e in range(x.size):
                    orig = x.flat[e]
                    x.flat[e] = orig + eps
                    plus = _outputs(fn, inputs)[k]._data.astype(np.float64).reshape(-1)
                    x.flat[e] = orig - eps
                    minus = _outputs(fn, inputs)[k]._data.astype(np.float64).reshape(-1)
                    x.flat[e] = orig
                    numerical[e] = (plus - minus) / (2 * eps)
            a = analytical[i]
            bad = np.abs(a - numerical) > atol + rtol * np.abs(numerical)
            if bad.any():
                err = np.where(bad, np.abs(a - numerical), -1)
                e, j = np.unravel_index(np.argmax(err), err.shape)
                idx = np.unravel_index(e, x.shape) if x.ndim else ()
                return _fail(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"worst at input element {tuple(int(v) for v in idx)} and output element {j}: "
                    f"analytical {a[e, j]:.8g} vs numerical {numerical[e, j]:.8g}\n"
                    f"numerical:{numerical}\nanalytical:{a}\n",
                    raise_exception,
                )
    return True


def gradgradcheck(
    fn,
    inputs,
    grad_outputs=None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **kwargs,
) -> bool:
    """gradcheck of the gradient: checks second derivatives built with ``create_graph=True``."""
    from ..tensor import Tensor
    from . import grad as autograd_grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype), True, None) for o in outs
        ]
    n_in = len(inputs)

    def first_grads(*args):
        from .grad_mode import enable_grad

        ins, gos = args[:n_in], args[n_in:]
        with enable_grad():  # NOTE: gradcheck's numerical pass calls this under no_grad
            os_ = _outputs(fn, ins)
            dins = [x for x in ins if isinstance(x, Tensor) and x.requires_grad]
            gs = autograd_grad(os_, dins, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    del diff
    return gradcheck(
        first_grads,
        tuple(inputs) + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
