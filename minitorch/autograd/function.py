"""``Function``: a differentiable operation with ``forward(ctx, ...)`` and ``backward(ctx, *grads)``.

Calling ``MyFn.apply(*args)`` runs ``forward`` and, when grad mode is on and an input requires
grad, records a graph node. The node *is* the ``ctx`` that ``forward`` saw; it is what
``tensor.grad_fn`` returns, and its type name reads like torch's (``MulBackward0``).

Built-in ops subclass :class:`Op`: their ``forward`` computes on ``tensor._data`` (NumPy) and
returns an ndarray; their ``backward`` computes with Tensor ops, so that
``create_graph=True`` gives gradients of gradients for free.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import anomaly_mode, grad_mode

_state = grad_mode._state
_anomaly = anomaly_mode._state
_saved_hooks: list = []  # (pack, unpack) of the active saved_tensors_hooks (autograd/graph.py)
Tensor: Any = None  # set by minitorch.tensor on import (avoids an import cycle and a per-call import)
_new_object = object.__new__


try:  # NumPy >= 2: errstate is a context variable; setting it directly costs ~0.4 us, not ~2 us
    from numpy._core._ufunc_config import _extobj_contextvar as _EXTOBJ
    from numpy._core._ufunc_config import _make_extobj

    _IGNORE_ALL = _make_extobj(all="ignore")

    def quiet_on():
        """Turn NumPy's floating-point warnings off (``np.errstate(all="ignore")``); returns a token."""
        return _EXTOBJ.set(_IGNORE_ALL)

    def quiet_off(token) -> None:
        """Restore the warnings state that ``quiet_on`` replaced."""
        _EXTOBJ.reset(token)

except ImportError:  # pragma: no cover  (older NumPy)

    def quiet_on():
        ctx = np.errstate(all="ignore")
        ctx.__enter__()
        return ctx

    def quiet_off(token) -> None:
        token.__exit__(None, None, None)


_TENSOR_TYPE = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)


class Node:
    """A node of the backward graph. Also the ``ctx`` passed to ``forward``/``backward``."""

    _forward_cls: Any = None
    _out_vc = None  # the output's version counter, for ops that save their output
    save_output = False  # Op flag: keep the output's data so backward can use ``ctx.output``

    # Defaults live on the class so creating a node (once per recorded op) costs almost nothing.
    next_functions: tuple = ()
    _saved: tuple | None = ()
    _saved_versions: tuple = ()
    _freed = False
    _input_meta: tuple = ()
    _pre_hooks: dict | None = None  # output_nr -> [hook], from Tensor.register_hook
    _hooks: list | None = None  # node hooks: fn(grad_inputs, grad_outputs)
    _out_data = None
    _materialize = True
    _leaves: tuple = ()  # the leaves this node's edges lead to (kept alive by the graph)
    _trace: list | None = None  # the forward traceback, recorded in anomaly mode
    _packed = None  # (unpack_hook, packed tensors) where saved_tensors_hooks were on (graph.py)
    _n_outputs = 1
    _is_leaf_node = False  # True on AccumulateGrad
    # the op's ``backward_np`` (see ``Op``), or None: what the engine calls when no graph of the
    # backward is wanted (``create_graph=False``)
    _np_backward = None

    def name(self) -> str:
        return type(self).__name__

    @property
    def needs_input_grad(self) -> tuple:
        """Which inputs require grad (read off the edges; custom Functions set it before forward)."""
        need = self.__dict__.get("_need")
        if need is None:
            need = tuple(fn is not None for fn, _ in self.next_functions)
        return need

    @needs_input_grad.setter
    def needs_input_grad(self, value) -> None:
        self._need = tuple(value)

    @property
    def metadata(self) -> dict:
        """A dict kept on the node for the user (as torch's ``grad_fn.metadata``)."""
        md = self.__dict__.get("_metadata")
        if md is None:
            md = self._metadata = {}
        return md

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    # --- ctx API, as torch's ---
    def save_for_backward(self, *tensors) -> None:
        """Keep ``tensors`` for backward; modifying one in place later makes backward raise."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self._saved = tensors
        self._saved_versions = [t._vc[0] if t is not None else 0 for t in tensors]

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        if self._packed is not None:
            from .graph import _unpack_saved

            return _unpack_saved(self)
        for t, v in zip(self._saved, self._saved_versions):
            if t is not None and t._vc[0] != v:
                where = (
                    f"output {t._output_nr} of {t.grad_fn.name()}"
                    if t.grad_fn is not None
                    else "a leaf tensor"
                    if t.requires_grad
                    else "a tensor that does not require grad"
                )
                self._modified_error(t._data, where, t._vc[0], v)
        return self._saved

    def _modified_error(self, arr, where, version, expected):
        kind = _TENSOR_TYPE.get(arr.dtype.name, arr.dtype.name.capitalize())
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [minitorch.{kind}Tensor {list(arr.shape)}], which is {where}, is at "
            f"version {version}; expected version {expected} instead. Hint: the operation that "
            f"needed it is {self.name()}; avoid modifying that tensor in place "
            "(use an out-of-place op or .clone() it first)."
        )

    @property
    def output(self):
        """The forward output as a Tensor (only for ops with ``save_output = True``)."""
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        if self._out_vc is not None and self._out_vc[0] != 0:
            self._modified_error(self._out_data, f"output 0 of {self.name()}", self._out_vc[0], 0)
        from ..tensor import Tensor

        if _state.enabled:  # double backward: the output must be attached to this node
            return Tensor._make(self._out_data, True, self)
        return Tensor._make(self._out_data, False, None)

    def _output_np(self):
        """``output``'s ndarray, with the same checks (for ``backward_np``)."""
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        vc = self._out_vc
        if vc is not None and vc[0] != 0:
            self._modified_error(self._out_data, f"output 0 of {self.name()}", vc[0], 0)
        return self._out_data

    def mark_non_differentiable(self, *tensors) -> None:
        """Outputs that ``apply`` returns without grad (their grad in backward is zeros)."""
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = value

    def mark_dirty(self, *tensors) -> None:
        pass

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward; may return new grads."""
        return self._add_pre_hook(0, lambda g, fn=fn: _first(fn((g,))))

    def _add_pre_hook(self, output_nr: int, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, [])
        if hooks and getattr(hooks[-1], "_retains_grad", False):
            hooks.insert(len(hooks) - 1, fn)  # NOTE: retain_grad sees the grad after every hook, as torch
        else:
            hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    def _release(self) -> None:  # NOTE: engine._run_fast inlines these three lines
        self._saved = None
        self._out_data = None
        self._freed = True

    def apply(self, *grads):
        """Run this node's backward on output gradients; returns one grad per forward input."""
        return self._forward_cls.backward(self, *grads)


class _CustomNode(Node):
    """The node of a custom ``Function``: its backward's return is checked as torch checks it."""

    _tensor_args: tuple = ()

    def apply(self, *grads):
        res = self._forward_cls.backward(self, *grads)
        single = not isinstance(res, tuple)
        res = (res,) if single else res
        n = len(self._tensor_args)
        if len(res) > n:
            if any(g is not None for g in res[n:]):
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n}, got {len(res)})"
                )
            res = res[:n]
        for i, (g, is_t) in enumerate(zip(res, self._tensor_args)):
            if g is not None and not is_t:
                raise RuntimeError(
                    f"function {self.name()} returned a gradient different than None at position "
                    f"{i + 1}, but the corresponding forward input was not a Variable"
                )
        return res


def _check_hook_result(hook, old, new) -> None:
    """A tensor hook may replace the grad, but not change its type, dtype or size (as torch)."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    od, nd = old._data, new._data
    if od.dtype != nd.dtype:
        kind = _TENSOR_TYPE.get
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was minitorch.{kind(od.dtype.name)}Tensor "
            f"got minitorch.{kind(nd.dtype.name)}Tensor)"
        )
    if od.shape != nd.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _first(res):
    return None if res is None else res[0]


class AccumulateGrad(Node):
    """The node for a leaf that requires grad: adds incoming gradients into ``variable.grad``."""

    _is_leaf_node = True  # (a class flag: the engine's test, cheaper than isinstance)

    def __init__(self, variable) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"


class _RemovableHandle:
    def __init__(self, container: list, item) -> None:
        self._container, self._item = container, item

    def remove(self) -> None:
        try:
            self._container.remove(self._item)
        except ValueError:
            pass


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        node_name = attrs.get("_node_name") or (
            name + ("Backward0" if getattr(cls, "_builtin", False) else "Backward")
        )
        node_base = Node if getattr(cls, "_builtin", False) else _CustomNode
        cls._node_cls = type(node_name, (node_base,), {"_forward_cls": cls})
        # ``backward_np`` is used only where it sits with (or below) the ``backward`` it stands for,
        # so a subclass that overrides ``backward`` alone does not inherit a stale fast path
        mro = cls.__mro__
        has_bw = next((i for i, c in enumerate(mro) if "backward" in c.__dict__), None)
        has_np = next((i for i, c in enumerate(mro) if "backward_np" in c.__dict__), None)
        if has_np is not None and has_bw is not None and has_np <= has_bw and node_base is Node:
            fn = mro[has_np].__dict__["backward_np"]
            cls._node_cls._np_backward = staticmethod(getattr(fn, "__func__", fn))
        if getattr(cls, "save_output", False):  # inherited too (Amin from Amax)
            cls._node_cls.save_output = True


class Function(metaclass=_FunctionMeta):
    """Base class for custom differentiable operations, as ``torch.autograd.Function``.

    Example::

        class Square(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 2 * x * grad

        y = Square.apply(x)
    """

    _builtin = False

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    @classmethod
    def apply(cls, *args):
        from ..tensor import Tensor

        ctx = cls._node_cls()
        # as torch: forward already sees which inputs require grad (whatever the grad mode)
        ctx.needs_input_grad = need = tuple(isinstance(a, Tensor) and a._rg for a in args)
        record = _state.enabled and any(need)
        prev = _state.enabled
        _state.enabled = False  # like torch, forward runs without recording
        try:
            out = cls.forward(ctx, *args)
        finally:
            _state.enabled = prev
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        results = []
        non_diff = getattr(ctx, "_non_diff", ())
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                diff = record and o._data.dtype.kind in "fV" and id(o) not in non_diff
                t = Tensor._make(o._data, diff, ctx if diff else None)
                t._output_nr = i
                t._vc = o._vc  # an output that shares an input's storage shares its version
                results.append(t)
            else:
                results.append(o)
        if record:
            ctx._tensor_args = tuple(isinstance(a, Tensor) for a in args)
            _connect(ctx, args)
            if _anomaly.enabled:
                anomaly_mode._record(ctx)
            if _saved_hooks and ctx._saved:
                from .graph import _pack_saved

                _pack_saved(ctx)
            ctx._n_outputs = len(outs)
            ctx._output_meta = tuple(
                (o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None for o in outs
            )
        return results[0] if single else tuple(results)


_NO_EDGE = (None, 0)


def _connect(ctx: Node, args) -> None:
    """Fill the node's edges (``next_functions``, from which ``needs_input_grad`` is read) and the
    input shapes/dtypes used to reduce grads, in one pass over the arguments (once per recorded op)."""
    nxt, meta = [], []
    for a in args:
        if isinstance(a, Tensor) and a._rg:
            if a._base is not None and a._hist_version != a._vc[0]:
                a._regenerate_history()
            fn = a.grad_fn
            if fn is not None:
                nxt.append((fn, a._output_nr))
            else:
                nxt.append((a._accumulator(), 0))
                # NOTE: the leaf's AccumulateGrad holds it weakly; the graph keeps it alive (as
                # torch), so ``tensor(..., requires_grad=True).exp().sum().backward()`` works.
                ctx._leaves = ctx._leaves + (a,)
            d = a._data
            meta.append((d.shape, d.dtype))
        else:
            nxt.append(_NO_EDGE)
            meta.append(None)
    ctx.next_functions = tuple(nxt)
    ctx._input_meta = tuple(meta)


class Op(Function):
    """A built-in primitive: ``forward`` takes Tensors and returns an ndarray, with no recording.

    ``backward`` gets the output grad as a Tensor and returns Tensors (or None) built from Tensor
    ops, one per forward argument. Gradients shaped like a broadcast output are summed back to
    each input's shape by the engine, so no op has to do it.
    """

    _builtin = True
    is_view = False  # output shares the first input's memory (and so its version counter)
    always_view = False  # ... every time, so no need to check

    @classmethod
    def apply(cls, *args):
        ctx = _new_object(cls._node_cls)
        data = cls.forward(ctx, *args)
        if data.__class__ is not np.ndarray:
            data = np.asarray(data)
        out = _new_object(Tensor)
        out._data = data
        out._vc = [0]
        record = False
        if _state.enabled and data.dtype.kind in "fV":
            for a in args:
                if isinstance(a, Tensor) and a._rg:
                    record = True
                    break
        if record:
            _connect(ctx, args)
            if _anomaly.enabled:
                anomaly_mode._record(ctx)
            if _saved_hooks and ctx._saved:
                from .graph import _pack_saved

                _pack_saved(ctx)
            out._rg = True
            out.grad_fn = ctx
            if ctx.save_output:
                ctx._out_data, ctx._out_vc = data, out._vc  # version-checked like saved tensors
        else:
            out._rg = False
            out.grad_fn = None
        if cls.is_view and (cls.always_view or np.may_share_memory(data, args[0]._data)):
            src = args[0]
            out._vc = src._vc
            # NOTE: ``_vfn`` lists the view ops that rebuild this view from its base; an in-place op
            # on the view replays them to give the base (and the view) their new history.
            step = ((cls, args[1:]),)
            if src._base is None:
                out._base, out._vfn = src, step
            else:
                out._base, out._vfn = src._base, src._vfn + step
            out._hist_version = src._vc[0]
        return out


def once_differentiable(fn):
    """Decorator for ``backward``s that do not support double backward (kept for API parity)."""
    return fn
