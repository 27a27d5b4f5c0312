"""Alias ``torch`` to minitorch: an import hook that resolves ``torch`` and every ``torch.X.Y``
to the minitorch module of the same path (one module object under both names), used by
``python -m minitorch SCRIPT``."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys

__all__ = ["TorchAliasFinder", "install", "uninstall"]


class _AliasLoader(importlib.abc.Loader):
    """Hands back an already imported minitorch module instead of executing anything."""

    def __init__(self, module) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        # NOTE: the import machinery stamped the alias spec on the module; give it back its own
        # so relative imports inside minitorch keep resolving under the minitorch name
        module.__spec__ = self.spec


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """``find_spec('torch.nn.functional')`` -> a spec whose module is ``minitorch.nn.functional``.

    A path minitorch does not have raises ``ModuleNotFoundError`` naming both modules."""

    def __init__(self, alias: str = "torch", target: str = "minitorch") -> None:
        self.alias, self.target = alias, target

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != self.alias and not fullname.startswith(self.alias + "."):
            return None
        real = self.target + fullname[len(self.alias) :]
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name is not None and e.name != real and not real.startswith(e.name + "."):
                raise  # a missing dependency inside minitorch: report it as is
            raise ModuleNotFoundError(
                f"No module named '{fullname}': minitorch has no '{real}' "
                f"(this script runs on minitorch, which aliases '{self.alias}' to '{self.target}')",
                name=fullname,
            ) from None
        is_package = hasattr(module, "__path__")
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module), is_package=is_package)


def install(alias: str = "torch", target: str = "minitorch") -> TorchAliasFinder:
    """Put the alias first on ``sys.meta_path`` (before a real torch, if one is installed)."""
    finder = TorchAliasFinder(alias, target)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(finder: TorchAliasFinder) -> None:
    """Remove ``finder`` and every alias module it put in ``sys.modules``."""
    sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == finder.alias or n.startswith(finder.alias + ".")]:
        del sys.modules[name]
