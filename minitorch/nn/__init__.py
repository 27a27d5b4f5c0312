"""``minitorch.nn``: ``Module`` and ``Parameter``, layers, losses, and the submodules
``functional`` (stateless ops), ``init`` (weight initialisation) and ``utils`` (gradient
clipping, parameter vectors)."""

from . import functional, init, parallel, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parallel import DataParallel
from .parameter import Parameter

__all__ = ["DataParallel", "Parameter", "functional", "init", "parallel", "utils", *_modules_all]
