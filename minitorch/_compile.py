"""``compile``: torch's graph compiler entry point. minitorch runs eagerly, so it returns the
module or function it is given (and works as a decorator, with or without arguments)."""

from __future__ import annotations

__all__ = ["compile"]


def compile(  # noqa: A001
    model=None,
    *,
    fullgraph: bool = False,
    dynamic=None,
    backend="inductor",
    mode=None,
    options=None,
    disable: bool = False,
):
    """``minitorch.compile(model)`` returns ``model``; ``@minitorch.compile(mode=...)`` returns a
    decorator that returns the function."""
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise RuntimeError("torch.compile: model must be callable (a Module or a function)")
    return model
