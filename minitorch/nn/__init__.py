"""``minitorch.nn``: ``Module`` and ``Parameter``, layers, losses, and the submodules
``functional`` (stateless ops), ``init`` (weight initialisation) and ``utils`` (gradient
clipping, parameter vectors)."""

from . import functional, init, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Parameter

__all__ = ["Parameter", "functional", "init", "utils", *_modules_all]
