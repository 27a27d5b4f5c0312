"""Function transforms, as ``torch.func``: ``grad``, ``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``jacfwd``, ``hessian``, ``vmap`` and ``functional_call``.

They are built on minitorch's tape autograd: ``grad(f)(x)`` records ``f`` and asks
``autograd.grad`` for the gradient (nesting ``grad(grad(f))`` works: an inner transform keeps the
graph when its input is being differentiated by an outer one); ``vmap`` runs ``f`` once per batch
element and stacks the results (same values as torch's vectorised map, without its speed).
"""

from __future__ import annotations

from . import autograd
from .autograd import functional as _functional
from .autograd.grad_mode import enable_grad
from .ops.shape import stack as _stack
from .tensor import Tensor

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp", "vmap"]


def _argnums_tuple(argnums):
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """``f -> (x -> (df/dx, f(x)))`` for a function returning a 0-d tensor (or ``(out, aux)``)."""

    def wrapper(*args, **kwargs):
        nums = _argnums_tuple(argnums)
        args = list(args)
        nested = any(isinstance(args[i], Tensor) and args[i].requires_grad for i in nums)
        with enable_grad():
            for i in nums:
                if not isinstance(args[i], Tensor):
                    raise RuntimeError(
                        f"grad(f)(*args): Expected argument {i} to be a Tensor, got {type(args[i]).__name__}"
                    )
                if not args[i].requires_grad:
                    args[i] = args[i].detach().requires_grad_()
            out = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(
                        "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True"
                    )
                out, aux = out
            if not isinstance(out, Tensor) or out.numel() != 1:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{out.dim() if isinstance(out, Tensor) else '?'} dims. Maybe you wanted to use the vjp or "
                    "jacrev APIs instead?"
                )
            grads = autograd.grad(out, [args[i] for i in nums], create_graph=nested, allow_unused=True)
        grads = tuple(g if g is not None else args[i].detach() * 0 for g, i in zip(grads, nums))
        if not nested:
            grads = tuple(g.detach() for g in grads)
            out = out.detach()
        g = grads[0] if isinstance(argnums, int) else grads
        return (g, (out, aux)) if has_aux else (g, out)

    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """``f -> (x -> df/dx)`` for a function returning a 0-d tensor (``has_aux``: ``(out, aux)``,
    then ``(grad, aux)`` is returned)."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(v)`` gives the vector-Jacobian products (a tuple)."""
    with enable_grad():
        inputs = [p.detach().requires_grad_() if isinstance(p, Tensor) else p for p in primals]
        out = func(*inputs)
        aux = None
        if has_aux:
            out, aux = out

    def vjp_fn(*cotangents):
        outs = out if isinstance(out, tuple) else (out,)
        vs = cotangents if isinstance(out, tuple) else cotangents[:1]
        grads = autograd.grad(
            outs, [i for i in inputs if isinstance(i, Tensor)], vs, retain_graph=True, allow_unused=True
        )
        return tuple(g if g is not None else i.detach() * 0 for g, i in zip(grads, inputs))

    detached = tuple(o.detach() for o in out) if isinstance(out, tuple) else out.detach()
    return (detached, vjp_fn, aux) if has_aux else (detached, vjp_fn)


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J @ tangents)`` (forward-mode product, computed by the double-vjp trick)."""
    out, prod = _functional.jvp(func, tuple(primals), tuple(tangents))
    return out, prod


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None):
    """``f -> (x -> Jacobian of f at x)`` (reverse mode, one row at a time)."""

    def wrapper(*args):
        nums = _argnums_tuple(argnums)

        def only(*picked):
            full = list(args)
            for i, v in zip(nums, picked):
                full[i] = v
            return func(*full)

        jac = _functional.jacobian(only, tuple(args[i] for i in nums))
        return jac[0] if isinstance(argnums, int) and isinstance(jac, tuple) else jac

    return wrapper


jacfwd = jacrev  # the same Jacobian; minitorch has no forward mode


def hessian(func, argnums=0):
    """``f -> (x -> Hessian of f at x)``."""

    def wrapper(*args):
        h = _functional.hessian(lambda x: func(*args[:argnums], x, *args[argnums + 1 :]), args[argnums])
        return h

    return wrapper


def _map_over(x, dim, i):
    if dim is None:
        return x
    if isinstance(x, Tensor):
        return x.select(dim, i)
    if isinstance(x, (tuple, list)):
        dims = dim if isinstance(dim, (tuple, list)) else [dim] * len(x)
        return type(x)(_map_over(v, d, i) for v, d in zip(x, dims))
    if isinstance(x, dict):
        return {k: _map_over(v, dim[k] if isinstance(dim, dict) else dim, i) for k, v in x.items()}
    raise ValueError(f"vmap: in_dim {dim} given for a non-tensor input of type {type(x).__name__}")


def _batch_size(x, dim):
    if dim is None:
        return None
    if isinstance(x, Tensor):
        return x.shape[dim]
    if isinstance(x, (tuple, list)):
        dims = dim if isinstance(dim, (tuple, list)) else [dim] * len(x)
        sizes = [_batch_size(v, d) for v, d in zip(x, dims)]
    elif isinstance(x, dict):
        sizes = [_batch_size(v, dim[k] if isinstance(dim, dict) else dim) for k, v in x.items()]
    else:
        return None
    sizes = [s for s in sizes if s is not None]
    return sizes[0] if sizes else None


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """``func`` mapped over dimension ``in_dims`` of its inputs (per argument; None: not mapped),
    results stacked along ``out_dims``."""

    def wrapper(*args, **kwargs):
        dims = in_dims if isinstance(in_dims, (tuple, list)) else [in_dims] * len(args)
        if len(dims) != len(args):
            raise ValueError(
                f"vmap(f, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the structure of "
                f"`inputs`. in_dims has structure {len(dims)} but inputs has structure {len(args)}."
            )
        sizes = {s for s in (_batch_size(a, d) for a, d in zip(args, dims)) if s is not None}
        if not sizes:
            raise ValueError(
                "vmap: at least one input must be a Tensor mapped over a dimension (in_dims not all None)"
            )
        if len(sizes) > 1:
            raise ValueError(
                f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes {sorted(sizes)}"
            )
        (n,) = sizes
        results = [func(*[_map_over(a, d, i) for a, d in zip(args, dims)], **kwargs) for i in range(n)]
        first = results[0]
        if isinstance(first, tuple):
            odims = out_dims if isinstance(out_dims, (tuple, list)) else [out_dims] * len(first)
            return tuple(_stack([r[k] for r in results], d) for k, d in enumerate(odims))
        return _stack(list(results), out_dims)

    return wrapper


def functional_call(
    module,
    parameter_and_buffer_dicts,
    args=None,
    kwargs=None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
):
    """Call ``module`` with some parameters/buffers replaced by the given tensors (by dotted name);
    the module's own tensors are restored afterwards."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, (list, tuple)):
        merged = {}
        for d in dicts:
            merged.update(d)
        dicts = merged
    args = () if args is None else (args if isinstance(args, tuple) else (args,))
    kwargs = kwargs or {}
    saved = []
    try:
        for name, value in dicts.items():
            *path, leaf = name.split(".")
            owner = module.get_submodule(".".join(path)) if path else module
            store = (
                owner._parameters
                if leaf in owner._parameters
                else owner._buffers
                if leaf in owner._buffers
                else None
            )
            if store is None:
                if strict:
                    raise RuntimeError(f"Unexpected key(s): '{name}'.")
                continue
            saved.append((store, leaf, store[leaf]))
            store[leaf] = value
        return module(*args, **kwargs)
    finally:
        for store, leaf, old in reversed(saved):
            store[leaf] = old
