"""Tensor methods: in-place methods (``add_``, ``mul_``, ``zero_``, ``copy_``, ...) and the version-counter checks
that make them safe for autograd: an in-place change to a tensor that backward needs raises
torch's error, and an in-place change to a view rewrites its base's history.

``Tensor`` (in ``minitorch/tensor.py``) inherits them; each is a one-liner that calls an op.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype, _random
from .._arguments import _d, _to_array
from .._promotion import _result_type
from ..autograd import function as _function
from ..autograd import grad_mode
from ..ops import shape as S

if TYPE_CHECKING:
    from ..tensor import Tensor

_state = grad_mode._state


class InplaceMethods:
    __slots__ = ()

    # Every in-place op bumps the version counter that views and detach() share; a node that saved
    # this tensor for backward compares versions and raises if it was modified (function.py).
    def _recording(self, args) -> bool:
        """True when an in-place op on this tensor must be recorded for autograd."""
        if not _state.enabled:
            return False
        if self._rg or (self._base is not None and self._base._rg):
            return True
        return builtins.any(isinstance(a, _function.Tensor) and a._rg for a in args)

    def _check_inplace(self):
        if self._multi_view and self.grad_fn is not None:
            raise RuntimeError(
                f"Output {self._output_nr} of {self.grad_fn.name()} is a view and is being modified "
                "inplace. This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should replace "
                "the inplace operation by an out-of-place one (or clone() the view first)."
            )
        if self._rg and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation. "
                "Wrap the update in `with minitorch.no_grad():` (as optimizers do) or use an "
                "out-of-place op."
            )
        base = self._base
        if base is not None and base._rg and base.grad_fn is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place operation. "
                "Wrap the update in `with minitorch.no_grad():` or use an out-of-place op."
            )

    def _check_writeable(self):
        if not self._data.flags.writeable:
            if 0 in self._data.strides and self._data.size > 1:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to "
                    "a single memory location. Please clone() the tensor before performing the operation."
                )
            raise RuntimeError(
                "cannot write to a read-only tensor (its NumPy array is not writeable); clone() it first"
            )

    def _check_result(self, arr: np.ndarray) -> None:
        """An in-place result must keep this tensor's shape and be castable to its dtype."""
        if arr.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(arr.shape)}"
            )
        if arr.dtype != self._data.dtype and not np.can_cast(arr.dtype, self._data.dtype, "same_kind"):
            raise RuntimeError(
                f"result type {_dtype.from_numpy_dtype(arr.dtype).type_name} can't be cast to the "
                f"desired output type {self.dtype.type_name}"
            )

    def _history_copy(self) -> Tensor:
        """A copy of the current value carrying this tensor's history (input to the in-place op)."""
        old = _function.Tensor._make(self._data.copy(), self._rg, self.grad_fn)
        old._output_nr = self._output_nr
        return old

    def _adopt(self, new: Tensor) -> None:
        old_fn, old_nr = self.grad_fn, self._output_nr
        self.grad_fn, self._rg, self._output_nr = new.grad_fn, new._rg, 0
        self._vc[0] += 1
        if self._retains_grad:
            self._move_retain_hook(old_fn, old_nr)

    def _inplace(self, fn, *args):
        """Run ``fn(self, *args)`` out of place, then write the result into this tensor's memory
        (and, when autograd records it, make this tensor's history that of the result)."""
        self._check_writeable()
        if not self._recording(args):
            with grad_mode.no_grad():
                new = fn(self, *args)
            self._check_result(new._data)
            np.copyto(self._data, new._data, casting="unsafe")
            self._vc[0] += 1
            return self
        self._check_inplace()
        if self._base is None:
            new = fn(self._history_copy(), *args)
            self._check_result(new._data)
            np.copyto(self._data, new._data, casting="unsafe")
            self._adopt(new)
            return self
        # NOTE: on a view, as torch: the base's history becomes CopySlices(base, new value of the
        # view), and the view's history becomes its view ops replayed on the base.
        base, steps = self._base, self._vfn
        cur = S.replay(base, steps)
        old = _function.Tensor._make(cur._data.copy(), cur._rg, cur.grad_fn)
        old._output_nr = cur._output_nr
        new = fn(old, *args)
        self._check_result(new._data)
        base._adopt(S.CopySlices.apply(base, new, steps))
        view = S.replay(base, steps)
        old_fn, old_nr = self.grad_fn, self._output_nr
        self.grad_fn, self._rg, self._output_nr = view.grad_fn, view._rg, view._output_nr
        self._hist_version = self._vc[0]
        if self._retains_grad:
            self._move_retain_hook(old_fn, old_nr)
        return self

    def _regenerate_history(self) -> None:
        """A view whose memory was modified in place (through its base or another view) since its
        history was set: as torch does, its history becomes its view ops replayed on the base."""
        base = self._base
        if base._rg and self.grad_fn is not None:
            if self._multi_view:
                name = self.grad_fn.name().removesuffix("Backward0")
                raise RuntimeError(
                    f"Output {self._output_nr} of {name} is a view and its base or another view of its "
                    "base has been modified inplace. This view is the output of a function that returns "
                    "multiple views. Such functions do not allow the output views to be modified "
                    "inplace. You should replace the inplace operation by an out-of-place one."
                )
            with grad_mode.enable_grad():
                view = S.replay(base, self._vfn)
            old_fn, old_nr = self.grad_fn, self._output_nr
            self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
            if self._retains_grad:
                self._move_retain_hook(old_fn, old_nr)
        self._hist_version = self._vc[0]

    def _ufunc_(self, ufunc, other):
        """Unrecorded ``self = ufunc(self, other)`` straight into this tensor's memory (no temporaries)."""
        self._check_writeable()
        o = (
            other._data
            if isinstance(other, _function.Tensor)
            else _to_array(other)
            if isinstance(other, (list, tuple))
            else other
        )
        try:
            ufunc(self._data, o, out=self._data, casting="same_kind")
        except TypeError:  # NumPy refuses the cast back (float result into an integer tensor)
            try:  # torch's promotion (an int tensor and a Python float make Float, not Double)
                rd = _result_type(self, other if isinstance(other, _function.Tensor) else o)
            except TypeError:
                rd = np.result_type(self._data, o)
            rt = _dtype.from_numpy_dtype(rd).type_name
            raise RuntimeError(
                f"result type {rt} can't be cast to the desired output type {self.dtype.type_name}"
            ) from None
        except ValueError:
            raise RuntimeError(
                f"in-place {ufunc.__name__}: an operand of shape {list(np.shape(o))} cannot be broadcast to "
                f"the shape of the tensor written to, {list(self._data.shape)}"
            ) from None
        self._vc[0] += 1
        return self

    def add_(self, other, alpha=1):
        if not self._recording((other,)):
            return self._ufunc_(np.add, other if alpha == 1 else _d(other) * alpha)
        return self._inplace(_function.Tensor.add, other, alpha)

    def sub_(self, other, alpha=1):
        if not self._recording((other,)):
            return self._ufunc_(np.subtract, other if alpha == 1 else _d(other) * alpha)
        return self._inplace(_function.Tensor.sub, other, alpha)

    def mul_(self, other):
        if not self._recording((other,)):
            return self._ufunc_(np.multiply, other)
        return self._inplace(_function.Tensor.__mul__, other)

    def div_(self, other, rounding_mode=None):
        if rounding_mode is not None:
            return self._inplace(lambda s, o: s.div(o, rounding_mode=rounding_mode), other)
        if not self._recording((other,)):
            return self._ufunc_(np.true_divide, other)
        return self._inplace(_function.Tensor.__truediv__, other)

    def pow_(self, exponent):
        return self._inplace(_function.Tensor.__pow__, exponent)

    def neg_(self):
        return self._inplace(_function.Tensor.__neg__)

    def clamp_(self, min=None, max=None):
        return self._inplace(_function.Tensor.clamp, min, max)

    clip_ = clamp_

    def exp_(self):
        return self._inplace(_function.Tensor.exp)

    def sqrt_(self):
        return self._inplace(_function.Tensor.sqrt)

    def relu_(self):
        return self._inplace(_function.Tensor.relu)

    def sigmoid_(self):
        return self._inplace(_function.Tensor.sigmoid)

    def tanh_(self):
        return self._inplace(_function.Tensor.tanh)

    def masked_fill_(self, mask, value):
        return self._inplace(_function.Tensor.masked_fill, mask, value)

    def addcmul_(self, t1, t2, value=1):
        if not self._recording((t1, t2)):
            return self._ufunc_(np.add, value * _d(t1) * _d(t2))
        return self._inplace(lambda s, a, b: s + value * a * b, t1, t2)

    def addcdiv_(self, t1, t2, value=1):
        if not self._recording((t1, t2)):
            return self._ufunc_(np.add, value * _d(t1) / _d(t2))
        return self._inplace(lambda s, a, b: s + value * a / b, t1, t2)

    def lerp_(self, end, weight):
        if not self._recording((end, weight)):
            return self._ufunc_(np.add, _d(weight) * (_d(end) - self._data))
        return self._inplace(_function.Tensor.lerp, end, weight)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def _fill_with(self, arr) -> Tensor:
        """Overwrite every element (zero_, fill_, uniform_, ...): the old value gets a zero grad."""
        if self._recording(()):
            return self._inplace(lambda s: S.Copy.apply(s, arr))
        self._check_writeable()
        np.copyto(self._data, arr, casting="unsafe")
        self._vc[0] += 1
        return self

    def zero_(self):
        return self._fill_with(0)

    def fill_(self, value):
        if isinstance(value, _function.Tensor):
            if value._data.ndim:
                raise RuntimeError(
                    f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
                )
            if self._recording((value,)):
                return self._inplace(S.Copy.apply, value)
        return self._fill_with(_d(value))

    def copy_(self, src, non_blocking: bool = False):
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor; differentiable."""
        if not isinstance(src, _function.Tensor):
            src = _function.Tensor(src)
        try:
            np.broadcast_shapes(src._data.shape, self._data.shape)
        except ValueError:
            raise RuntimeError(
                f"copy_: the source of shape {list(src._data.shape)} cannot be broadcast to the "
                f"destination's shape {list(self._data.shape)}"
            ) from None
        if self._recording((src,)):
            return self._inplace(S.Copy.apply, src)
        return self._fill_with(np.broadcast_to(src._data, self._data.shape))

    # random fills: torch's CPU kernels on torch's mt19937 stream (see minitorch/_random.py)
    def uniform_(self, a: float = 0.0, b: float = 1.0, generator=None):
        if a > b:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}"
            )
        d = self._data
        return self._fill_with(_random.ordered(d, _random.uniform(d.size, d.dtype, a, b, generator)))

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator=None):
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        d = self._data
        vals = _random.normal(d.size, d.dtype, mean, std, generator, contiguous=d.flags.c_contiguous)
        return self._fill_with(_random.ordered(d, vals))

    def bernoulli_(self, p=0.5, generator=None):
        d = self._data
        if isinstance(p, _function.Tensor):
            probs = np.broadcast_to(p._data, d.shape)
            vals = _random.bernoulli_tensor(_random.in_order(d, probs), generator)
        else:
            if not 0 <= p <= 1:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
            vals = _random.bernoulli_scalar(d.size, p, generator)
        return self._fill_with(_random.ordered(d, vals))

    def random_(self, low=None, high=None, generator=None, *, to=None):
        """``random_()``: ``[0, max]`` of the dtype; ``random_(to)``; ``random_(from, to)``."""
        if to is not None:
            low, high = (0 if low is None else low), to
        d = self._data
        if low is None and high is None:
            return self._fill_with(_random.ordered(d, _random.random_full(d.size, d.dtype, generator)))
        if high is None:
            low, high = 0, low
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        return self._fill_with(
            _random.ordered(d, _random.random_from_to(d.size, d.dtype, low, high, generator))
        )

    def exponential_(self, lambd: float = 1.0, *, generator=None):
        if lambd <= 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        d = self._data
        return self._fill_with(_random.ordered(d, _random.exponential(d.size, d.dtype, lambd, generator)))

    def geometric_(self, p: float, *, generator=None):
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        d = self._data
        return self._fill_with(_random.ordered(d, _random.geometric(d.size, d.dtype, p, generator)))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None):
        if std <= 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
        d = self._data
        return self._fill_with(_random.ordered(d, _random.log_normal(d.size, d.dtype, mean, std, generator)))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None):
        d = self._data
        return self._fill_with(_random.ordered(d, _random.cauchy(d.size, d.dtype, median, sigma, generator)))

    def set_(self, source):
        self._data = source._data
        self._vc[0] += 1
        return self


_VARIANTS = (
    "abs reciprocal log log2 log10 log1p exp2 expm1 rsqrt square floor ceil trunc round sign "
    "sin cos tan asin acos atan sinh cosh asinh acosh atanh arcsin arccos arctan arcsinh arccosh "
    "arctanh erf erfc atan2 arctan2 fmod remainder hypot logit true_divide floor_divide "
    "cumsum cumprod nan_to_num clamp_min clamp_max"
)


def _variant(name: str):
    def method(self, *args, **kwargs):
        return self._inplace(lambda s, *a: getattr(s, name)(*a, **kwargs), *args)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"``{name}`` in place (as torch's ``{name}_``)."
    return method


class InplaceVariants:
    """The in-place form ``name_`` of each method named in ``_VARIANTS`` (``abs_``, ``log_``,
    ``floor_``, ...): the out-of-place op written back into this tensor. Last among ``Tensor``'s
    bases, so a hand-written in-place method elsewhere wins."""

    __slots__ = ()


for _name in _VARIANTS.split():
    setattr(InplaceVariants, _name + "_", _variant(_name))
del _name
