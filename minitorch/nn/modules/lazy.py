"""Lazy layers, as torch's ``LazyLinear``, ``LazyConv*``, ``LazyBatchNorm*``, ``LazyInstanceNorm*``:
the input size (``in_features``, ``in_channels``, ``num_features``) is inferred from the first
input. Until then the weights are ``UninitializedParameter`` objects; the first forward
materialises them in place (so an optimizer built before it keeps valid references),
initialises them as the full layer does (the same draws as torch), and turns the module into
its full class (``cls_to_become``)."""

from __future__ import annotations

import numpy as np

from ... import _dtype
from ...tensor import Tensor
from ..parameter import Parameter
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .conv import Conv1d, Conv2d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Linear

__all__ = [
    "UninitializedParameter",
    "UninitializedBuffer",
    "LazyModuleMixin",
    "LazyLinear",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
]


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet; ``materialize(shape)`` makes it a ``Parameter``."""

    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        dt = (dtype or _dtype.default_float).np
        super().__init__(Tensor._make(np.empty((0,), dt), False, None), requires_grad)

    def materialize(self, shape, device=None, dtype=None) -> None:
        self._data = np.empty(tuple(shape), dtype.np if dtype is not None else self._data.dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    __str__ = __repr__


class UninitializedBuffer(Tensor):
    """A buffer whose shape is not known yet; ``materialize(shape)`` makes it a plain tensor."""

    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        dt = (dtype or _dtype.default_float).np
        Tensor.__init__(self, np.empty((0,), dt))

    def materialize(self, shape, device=None, dtype=None) -> None:
        self._data = np.empty(tuple(shape), dtype.np if dtype is not None else self._data.dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    __str__ = __repr__


def is_lazy(param) -> bool:
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))


class LazyModuleMixin:
    """Infers the input size on the first forward (a forward pre-hook), then becomes ``cls_to_become``."""

    cls_to_become = None

    def _lazy_init(self, full_args, infer) -> None:
        """``full_args(n)``: the (args, kwargs) of ``cls_to_become`` for input size ``n``;
        ``infer(input)``: that size from the first input."""
        cls = self.cls_to_become
        args, kwargs = full_args(0)
        bias = kwargs.get("bias", False)
        if "bias" in kwargs:  # as torch: the placeholder has no bias (and so draws nothing)
            kwargs = dict(kwargs, bias=False)
        cls.__init__(self, *args, **kwargs)
        if bias:
            self.register_parameter("bias", Parameter())
        self.__dict__["_lazy_full_args"] = full_args
        self.__dict__["_lazy_infer"] = infer
        for name, p in list(self._parameters.items()):
            if p is not None:
                self._parameters[name] = UninitializedParameter(p.requires_grad, dtype=p.dtype)
        for name, b in list(self._buffers.items()):
            if b is not None and b.is_floating_point():
                self._buffers[name] = UninitializedBuffer(dtype=b.dtype)
        self.__dict__["_lazy_hook"] = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self) -> bool:
        return any(is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs) -> None:
        if not self.has_uninitialized_params():
            return
        n = self._lazy_infer(args[0])
        full_args, full_kwargs = self._lazy_full_args(n)
        fresh = self.cls_to_become(*full_args, **full_kwargs)  # the full layer's own initialisation
        for store, fresh_store in ((self._parameters, fresh._parameters), (self._buffers, fresh._buffers)):
            for name, t in store.items():
                if is_lazy(t):
                    t.materialize(fresh_store[name].shape, dtype=fresh_store[name].dtype)
                    t._data[...] = fresh_store[name]._data
        skip = {"_parameters", "_buffers", "_modules", "training"}
        for key, value in fresh.__dict__.items():
            if key not in skip and not key.startswith("_forward") and not key.startswith("_backward"):
                self.__dict__[key] = value


def _infer_parameters(module, args) -> None:
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._lazy_hook.remove()
    for key in ("_lazy_hook", "_lazy_full_args", "_lazy_infer"):
        module.__dict__.pop(key, None)
    module.__class__ = module.cls_to_become


def _last(x: Tensor) -> int:
    return x.shape[-1]


def _channels(nd: int):
    return lambda x: x.shape[0] if x.dim() == nd + 1 else x.shape[1]


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` with ``in_features`` inferred from the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        self._lazy_init(lambda n: ((n, out_features), dict(bias=bias, device=device, dtype=dtype)), _last)


def _lazy_conv(base, nd: int, transposed: bool):
    def __init__(
        self, out_channels, kernel_size, stride=1, padding=0, *rest, device=None, dtype=None, **kw
    ) -> None:
        names = (
            ("output_padding", "groups", "bias", "dilation", "padding_mode")
            if transposed
            else ("dilation", "groups", "bias", "padding_mode")
        )
        kw.update(zip(names, rest))
        kw.setdefault("bias", True)
        self._lazy_init(
            lambda n: (
                (n, out_channels, kernel_size, stride, padding),
                dict(kw, device=device, dtype=dtype),
            ),
            _channels(nd),
        )

    return type(
        f"Lazy{base.__name__}",
        (LazyModuleMixin, base),
        {
            "cls_to_become": base,
            "__init__": __init__,
            "__doc__": f"``{base.__name__}`` with ``in_channels`` inferred from the first input.",
            "__module__": __name__,
        },
    )


LazyConv1d = _lazy_conv(Conv1d, 1, False)
LazyConv2d = _lazy_conv(Conv2d, 2, False)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d, 1, True)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d, 2, True)


def _lazy_norm(base, infer, affine_default: bool, track_default: bool):
    def __init__(
        self,
        eps=1e-5,
        momentum=0.1,
        affine=affine_default,
        track_running_stats=track_default,
        device=None,
        dtype=None,
    ) -> None:
        self._lazy_init(
            lambda n: ((n, eps, momentum, affine, track_running_stats), dict(device=device, dtype=dtype)),
            infer,
        )

    return type(
        f"Lazy{base.__name__}",
        (LazyModuleMixin, base),
        {
            "cls_to_become": base,
            "__init__": __init__,
            "__doc__": f"``{base.__name__}`` with ``num_features`` inferred from the first input.",
            "__module__": __name__,
        },
    )


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, lambda x: x.shape[1], True, True)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, lambda x: x.shape[1], True, True)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, lambda x: x.shape[1], True, True)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, _channels(1), True, True)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, _channels(2), True, True)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, _channels(3), True, True)
