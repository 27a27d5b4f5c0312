"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``is_grad_enabled``.

Each works as a context manager and as a decorator, and restores the previous mode
even when the body raises.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading


class _State(threading.local):
    """Grad mode per thread, as torch: a new thread starts with grad enabled."""

    enabled = True
    inference = False  # inside inference_mode()


_state = _State()


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are recorded for backward."""
    return _state.enabled


class _GradMode:
    _mode: bool

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc) -> None:
        _state.enabled = self._prev

    def __call__(self, fn):
        mode = self._mode
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(fn, mode)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = _state.enabled
            _state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = prev

        return wrapper


@contextlib.contextmanager
def _mode_set(mode: bool):
    prev = _state.enabled
    _state.enabled = mode
    try:
        yield
    finally:
        _state.enabled = prev


def _wrap_generator(fn, mode: bool):
    """A decorated generator runs each of its steps in ``mode`` (the caller's mode in between)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        gen = fn(*args, **kwargs)
        try:
            with _mode_set(mode):
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with _mode_set(mode):
                        gen.close()
                    raise
                except BaseException as e:
                    with _mode_set(mode):
                        response = gen.throw(e)
                else:
                    with _mode_set(mode):
                        response = gen.send(request)
        except StopIteration as e:
            return e.value

    return wrapper


class _NoParamDecorator(_GradMode):
    def __new__(cls, orig_func=None):
        if callable(orig_func):  # ``@no_grad`` without parentheses, as torch 2 allows
            return cls()(orig_func)
        return super().__new__(cls)


class no_grad(_NoParamDecorator):
    """Disable gradient recording: ``with minitorch.no_grad(): ...`` or ``@minitorch.no_grad()``."""

    _mode = False

    def __init__(self) -> None:
        pass


class enable_grad(_NoParamDecorator):
    """Enable gradient recording inside a ``no_grad`` block."""

    _mode = True

    def __init__(self) -> None:
        pass


class set_grad_enabled(_GradMode):
    """Set grad mode to ``mode``. Takes effect at once (like torch) and also works with ``with``."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __enter__(self) -> None:
        pass  # already applied in __init__

    def __exit__(self, *exc) -> None:
        _state.enabled = self._prev

    def __call__(self, fn):
        _state.enabled = self._prev  # as a decorator, the mode applies only inside fn
        return super().__call__(fn)


class inference_mode(no_grad):
    """Alias of ``no_grad`` (minitorch has no separate inference tensors); inside it
    ``is_inference_mode_enabled()`` is True."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inference = _state.inference
        _state.inference = not self._mode

    def __exit__(self, *exc) -> None:
        _state.inference = self._prev_inference
        super().__exit__(*exc)

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):  # (grad mode per step, as for no_grad)
            return super().__call__(fn)
        mode = not self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_inference_mode_enabled() -> bool:
    return _state.inference
