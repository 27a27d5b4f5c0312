"""``Module``: the base class of every layer and model, as ``torch.nn.Module``.

Assigning a ``Parameter``, a ``Module`` or a registered buffer to an attribute registers it
(``__setattr__``), so ``parameters()``, ``state_dict()``, ``train()``/``eval()``, dtype
conversion and ``repr`` find everything without the subclass listing anything.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from ... import _device, _dtype
from ..._size import Size
from ...autograd.function import Function
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..functional._arguments import _type_str
from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle"]


def _typename(value) -> str:
    if isinstance(value, Tensor):
        return _type_str(value)
    return type(value).__name__


def _addindent(s: str, n: int) -> str:
    """Indent every line but the first by ``n`` spaces (blank lines stay empty), as torch."""
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join((" " * n + line) if line.strip() else "" for line in lines[1:])


_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods: ``handle.remove()`` unregisters the hook.

    Also a context manager: the hook is removed when the ``with`` block ends.
    """

    _next_id = 0

    def __init__(self, hooks_dict: dict, *extra_dicts) -> None:
        self.hooks_dict = hooks_dict
        self.extra_dicts = extra_dicts
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        for d in (self.hooks_dict, *self.extra_dicts):
            if self.id in d:
                del d[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: keys the model wanted but did not get, and extra keys."""

    missing_keys: list
    unexpected_keys: list

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__


def _is_array_like(v) -> bool:
    return isinstance(v, (Tensor, np.ndarray)) or (hasattr(v, "shape") and hasattr(v, "__array__"))


def _as_array(v) -> np.ndarray:
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, np.ndarray):
        return v
    if hasattr(v, "detach"):  # e.g. a torch tensor that requires grad
        v = v.detach()
    return np.asarray(v)


class _StateDictPart(dict):
    """The entries of a state dict under one module's prefix, with the dict's ``_metadata``."""

    def __init__(self, items, metadata) -> None:
        super().__init__(items)
        self._metadata = metadata


class Module:
    """Base class for all neural network modules; subclass it and define ``forward``.

    Example::

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(4, 8)   # registered as a child module
                self.fc2 = nn.Linear(8, 2)

            def forward(self, x):
                return self.fc2(self.fc1(x).relu())
    """

    training: bool
    _version: int = 1

    def __init__(self, *args, **kwargs) -> None:
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        if args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_backward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()

    def forward(self, *input):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # --- registration ---
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or ``None``, e.g. ``register_parameter('bias', None)``)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(minitorch.nn.Parameter or None required)"
            )
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                "the value in the forward() method."
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (e.g. running stats).

        Persistent buffers are part of ``state_dict``; ``persistent=False`` ones are not.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(minitorch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module, reachable as ``self.<name>``."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path ``target`` (``''`` is ``self``)."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return mod._buffers[name]

    # --- attribute routing ---
    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._remove_from(name, d, self._buffers, self._modules)
            self._non_persistent_buffers_set.discard(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(minitorch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                self._remove_from(name, d, self._parameters, self._buffers)
                self._non_persistent_buffers_set.discard(name)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{_typename(value)}' as child module '{name}' "
                        "(minitorch.nn.Module or None expected)"
                    )
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                if buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(
                            f"cannot assign '{_typename(value)}' as buffer '{name}' "
                            "(minitorch.Tensor or None expected)"
                        )
                    buffers[name] = value
                else:
                    object.__setattr__(self, name, value)

    @staticmethod
    def _remove_from(name, *dicts) -> None:
        for d in dicts:
            if name in d:
                del d[name]

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = (
            dir(type(self))
            + list(self.__dict__)
            + list(self._parameters)
            + list(self._modules)
            + list(self._buffers)
        )
        return sorted(k for k in set(keys) if not k[0].isdigit())

    # --- traversal ---
    def _named_members(
        self, get_members, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ):
        seen = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for k, v in get_members(module):
                if v is None or id(v) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(v))
                yield module_prefix + ("." if module_prefix else "") + k, v

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """All parameters (each shared one once), in registration order, children after parents."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """``(dotted_name, parameter)`` pairs, e.g. ``('0.weight', ...)``."""
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        """``(dotted_name, module)`` for this module (name ``''``) and every descendant."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    # --- modes and grads ---
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch-norm uses batch stats) here and in all children."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the grads of all parameters: to None (default) or to zeros in place."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                with no_grad():
                    p.grad.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and on ``self``, e.g. for custom init."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # --- dtype conversion ---
    def _apply(self, fn: Callable[[Tensor], Tensor]) -> Module:
        """Convert every parameter and buffer with ``fn``. Parameters keep their identity (their
        data is replaced), so an optimizer built before ``model.double()`` still updates them."""
        for m in self.children():
            m._apply(fn)
        with no_grad():
            for p in self._parameters.values():
                if p is None:
                    continue
                new = fn(p)
                if new._data is not p._data:
                    p._data = new._data
                    p._vc[0] += 1
                if p.grad is not None:
                    g = fn(p.grad)
                    if g._data is not p.grad._data:
                        p.grad._data = g._data
            for k, b in self._buffers.items():
                if b is not None:
                    self._buffers[k] = fn(b)
        return self

    def float(self) -> Module:
        """Cast floating-point parameters and buffers to float32."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        """Cast floating-point parameters and buffers to float64."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        return self._apply(lambda t: t.to(_dtype.bfloat16) if t.is_floating_point() else t)

    def to_empty(self, *, device=None, recurse: bool = True) -> Module:
        """New, uninitialised storage for every parameter and buffer (as torch; zeros here)."""
        _device.check_cpu(device, "a module")
        return self._apply(lambda t: Tensor._make(np.zeros_like(t._data), False, None))

    def compile(self, *args, **kwargs) -> None:
        """``torch.compile`` this module in place: minitorch runs eagerly, so nothing changes."""
        return None

    def type(self, dst_type) -> Module:
        return self._apply(lambda t: t.to(dst_type))

    def to(self, *args, **kwargs) -> Module:
        """``to(dtype)``, ``to(tensor)``, ``to('cpu')`` or ``to(device, dtype)``: floating-point
        parameters and buffers are cast; integer ones are left alone."""
        dtype = kwargs.get("dtype")
        devices = [kwargs.get("device")]
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device.device)) or a is None:
                devices.append(a)
            else:
                dtype = a
        for dev in devices:
            _device.check_cpu(dev, "a module")
        if dtype is None:
            return self
        np_dtype = _dtype.to_np(dtype)
        if np_dtype.kind not in "fV":
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={_dtype.from_numpy_dtype(np_dtype)!r}"
            )
        return self._apply(lambda t: t.to(np_dtype) if t.is_floating_point() else t)

    def share_memory(self) -> Module:
        """Kept for API parity (``torch.multiprocessing`` Hogwild setups): ``share_memory_()`` on
        every tensor, a no-op for minitorch's process-memory tensors."""
        for t in [*self.parameters(), *self.buffers()]:
            t.share_memory_()
        return self

    def cpu(self) -> Module:
        return self

    def cuda(self, device=None) -> Module:
        _device.check_cpu("cuda", "a module")

    # --- calling and hooks ---
    def __call__(self, *args, **kwargs):
        if not (
            self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks
        ):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hid, hook in list(self._forward_pre_hooks.items()):
            if hid in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                            f"but got {res}."
                        )
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        state = None
        if self._backward_hooks or self._backward_pre_hooks:
            state = _BackwardHookState(self, args)
            args = state.wrap_inputs(args)
        result = self.forward(*args, **kwargs)
        for hid, hook in list(self._forward_hooks.items()):
            if hid in self._forward_hooks_with_kwargs:
                res = hook(self, args, kwargs, result)
            else:
                res = hook(self, args, result)
            if res is not None:
                result = res
        if state is not None:
            result = state.wrap_outputs(result)
        return result

    def _add_hook(
        self, store: OrderedDict, hook, prepend: bool, kw_store: dict | None = None, with_kwargs: bool = False
    ) -> RemovableHandle:
        handle = RemovableHandle(store, *([kw_store] if kw_store is not None else []))
        store[handle.id] = hook
        if prepend:
            store.move_to_end(handle.id, last=False)
        if with_kwargs and kw_store is not None:
            kw_store[handle.id] = True
        return handle

    def register_forward_pre_hook(
        self, hook, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """``hook(module, args)`` runs before ``forward``; returning a value replaces ``args``.

        With ``with_kwargs=True`` it is ``hook(module, args, kwargs)`` returning ``(args, kwargs)``.
        """
        return self._add_hook(
            self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs, with_kwargs
        )

    def register_forward_hook(
        self, hook, *, prepend: bool = False, with_kwargs: bool = False, always_call: bool = False
    ) -> RemovableHandle:
        """``hook(module, args, output)`` runs after ``forward``; returning a value replaces the output.

        With ``with_kwargs=True`` it is ``hook(module, args, kwargs, output)``.
        """
        return self._add_hook(
            self._forward_hooks, hook, prepend, self._forward_hooks_with_kwargs, with_kwargs
        )

    def register_full_backward_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` runs when the grads w.r.t. the module's outputs are known;
        returning a tuple replaces ``grad_output`` for the rest of backward."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs once the grads w.r.t. the module's
        positional tensor inputs are computed; returning a tuple replaces ``grad_input``.

        Implemented as in torch: inputs and outputs of each call pass through identity nodes
        (``BackwardHookFunctionBackward``) whose backward calls the hooks. Differences from torch:
        tensor inputs that do not require grad are not wrapped (their ``grad_input`` entry is
        None, as in torch); grads of unused outputs arrive as zeros, not None; and the hooks
        registered at backward time (not at forward time) are the ones called.
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    # --- state dict ---
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def get_extra_state(self):
        """Extra state to put in ``state_dict`` (under ``'_extra_state'``): override it, and
        ``set_extra_state``, to save more than parameters and buffers."""
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called. Please file an "
            "issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug."
        )

    def set_extra_state(self, state) -> None:
        """Restore what ``get_extra_state`` returned (called by ``load_state_dict``)."""
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called. Please file an "
            "issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug."
        )

    def register_load_state_dict_post_hook(self, hook) -> RemovableHandle:
        """``hook(module, incompatible_keys)`` runs after ``load_state_dict`` loaded this module;
        it may remove keys from ``incompatible_keys.missing_keys`` / ``unexpected_keys``."""
        if "_load_state_dict_post_hooks" not in self.__dict__:
            self.__dict__["_load_state_dict_post_hooks"] = OrderedDict()
        return self._add_hook(self.__dict__["_load_state_dict_post_hooks"], hook, False)

    def state_dict(
        self, *, destination: dict | None = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (``'0.weight'``), as an OrderedDict.

        The tensors are detached but share memory with the model, as in torch: clone them (or
        ``minitorch.save`` them) to keep a snapshot. To hand them to PyTorch:
        ``{k: torch.from_numpy(v.numpy()) for k, v in sd.items()}``.
        """
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _check_state_dict(
        self, state_dict: dict, prefix: str, missing: list, unexpected: list, errors: list, todo: list
    ) -> None:
        """Validate this module's own entries (not its children's); queue the copies in ``todo``."""
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local = {
            k: v for k, v in itertools.chain(self._parameters.items(), persistent.items()) if v is not None
        }
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not _is_array_like(value):
                errors.append(
                    f'While copying the parameter named "{key}", expected minitorch.Tensor or a NumPy '
                    f"array from checkpoint but received {type(value)}"
                )
                continue
            arr = _as_array(value)
            if param._data.ndim == 0 and arr.shape == (1,):
                arr = arr.reshape(())
            if arr.shape != param._data.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {Size(arr.shape)} from "
                    f"checkpoint, the shape in current model is {param.shape}."
                )
                continue
            if arr.dtype.kind not in "fiubV":
                errors.append(f'While copying the parameter named "{key}", got an array of dtype {arr.dtype}')
                continue
            todo.append((self, name, param, value, arr))
        extra = prefix + _EXTRA_STATE_KEY_SUFFIX
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra in state_dict:
                todo.append((self, _EXTRA_STATE_KEY_SUFFIX, None, state_dict[extra], None))
            else:
                missing.append(extra)
            local = dict(local, **{_EXTRA_STATE_KEY_SUFFIX: None})
        for key in state_dict:
            if key.startswith(prefix):
                parts = key[len(prefix) :].split(".", 1)
                if len(parts) > 1:
                    if parts[0] not in self._modules:
                        unexpected.append(key)
                elif parts[0] not in local:
                    unexpected.append(key)

    def load_state_dict(
        self, state_dict: Mapping, strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy parameters and buffers from ``state_dict`` into this module and its children.

        Values may be minitorch Tensors or NumPy arrays (so a PyTorch state_dict loads after
        ``{k: v.numpy() for k, v in sd.items()}``). Everything is checked before anything is
        copied: with missing or unexpected keys (``strict=True``) or any size mismatch, a
        RuntimeError lists every problem and the model is left unchanged.

        Returns ``_IncompatibleKeys(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing: list = []
        unexpected: list = []
        errors: list = []
        todo: list = []

        metadata = getattr(state_dict, "_metadata", None)  # torch's per-module versions, if saved

        def load(module: Module, local: _StateDictPart, prefix: str) -> None:
            module._check_state_dict(local, prefix, missing, unexpected, errors, todo)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    part = ((k, v) for k, v in local.items() if k.startswith(child_prefix))
                    load(child, _StateDictPart(part, metadata), child_prefix)

        load(self, _StateDictPart(state_dict.items(), metadata), "")
        if strict:
            if unexpected:
                errors.insert(
                    0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected))
                )
            if missing:
                errors.insert(
                    0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing))
                )
        if errors:
            self._run_load_post_hooks(_IncompatibleKeys(missing, unexpected))  # as torch, before raising
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(
                    type(self).__name__, "\n\t".join(errors)
                )
            )
        with no_grad():
            for module, name, param, value, arr in todo:
                if param is None:  # the module's extra state
                    module.set_extra_state(value)
                elif assign:
                    t = value if isinstance(value, Tensor) else Tensor._make(arr, False, None)
                    if name in module._parameters:
                        if not isinstance(t, Parameter):
                            t = Parameter(t, requires_grad=param.requires_grad)
                        else:
                            t.requires_grad_(param.requires_grad)
                        module._parameters[name] = t
                    else:
                        module._buffers[name] = t
                elif arr is not param._data:
                    np.copyto(param._data, arr.reshape(param._data.shape), casting="unsafe")
                    param._vc[0] += 1
        result = _IncompatibleKeys(missing, unexpected)
        self._run_load_post_hooks(result)
        return result

    def _run_load_post_hooks(self, keys) -> None:
        for module in self.modules():
            for hook in module.__dict__.get("_load_state_dict_post_hooks", {}).values():
                hook(module, keys)

    # --- repr ---
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(m), 2) for key, m in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


class _BackwardHookState:
    """Per-call bookkeeping for ``register_full_backward_hook``: which inputs were wrapped and
    the grads w.r.t. the outputs, captured when backward reaches the output identity node."""

    def __init__(self, module: Module, args: tuple) -> None:
        self.module = module
        self.n_args = sum(isinstance(a, Tensor) for a in args)
        self.wrapped: list = []  # positions (among tensor args) that went through the input node
        self.grad_output: tuple | None = None

    def wrap_inputs(self, args: tuple) -> tuple:
        tensors = [a for a in args if isinstance(a, Tensor)]
        self.wrapped = [i for i, t in enumerate(tensors) if t.requires_grad]
        if not self.wrapped or not self.module._backward_hooks:
            self.wrapped = []
            return args
        new = _BackwardHookFunction.apply(self, "input", *[tensors[i] for i in self.wrapped])
        it = iter(new)
        out, k = [], 0
        for a in args:
            if isinstance(a, Tensor):
                out.append(next(it) if k in self.wrapped else a)
                k += 1
            else:
                out.append(a)
        return tuple(out)

    def wrap_outputs(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, (tuple, list)):
            return result
        pos = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
        if not pos:
            return result
        new = _BackwardHookFunction.apply(self, "output", *[outs[i] for i in pos])
        outs = list(outs)
        for i, t in zip(pos, new):
            outs[i] = t
        if single:
            return outs[0]
        return tuple(outs) if isinstance(result, tuple) else outs

    def on_output_grads(self, grads: tuple) -> tuple:
        m = self.module
        for hook in list(m._backward_pre_hooks.values()):
            res = hook(m, grads)
            if res is not None:
                res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                if len(res) != len(grads):
                    raise RuntimeError(
                        f"Backward pre hook returned an invalid number of grad_output, got {len(res)}, "
                        f"but expected {len(grads)}"
                    )
                grads = res
        self.grad_output = grads
        if not self.wrapped:  # no input needs a grad: torch calls the hooks with None grad_inputs
            for hook in list(m._backward_hooks.values()):
                hook(m, (None,) * self.n_args, grads)
        return grads

    def on_input_grads(self, grads: tuple) -> tuple:
        m = self.module
        grad_input = [None] * self.n_args
        for i, g in zip(self.wrapped, grads):
            grad_input[i] = g
        grad_input = tuple(grad_input)
        for hook in list(m._backward_hooks.values()):
            res = hook(m, grad_input, self.grad_output)
            if res is not None:
                res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                if len(res) != len(grad_input):
                    raise RuntimeError(
                        f"Backward hook returned an invalid number of grad_input, got {len(res)}, "
                        f"but expected {len(grad_input)}"
                    )
                grad_input = res
        return tuple(grad_input[i] for i in self.wrapped)


class _BackwardHookFunction(Function):
    """Identity on its tensor arguments; its backward runs a module's backward hooks."""

    _node_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, state, side, *tensors):
        ctx.state, ctx.side = state, side
        return tuple(tensors)

    @staticmethod
    def backward(ctx, *grads):
        st = ctx.state
        grads = st.on_output_grads(grads) if ctx.side == "output" else st.on_input_grads(grads)
        return (None, None, *grads)
