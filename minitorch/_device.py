"""``device`` and the accelerator queries scripts make (``cuda.is_available()``...): minitorch runs
on the CPU, so every query says no and moving anything off the CPU raises a clear error."""

from __future__ import annotations


class device:
    """A device, as ``torch.device``: ``device('cpu')``; other types can be named but not used."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device() expects a string like 'cpu', got {type!r}")
        name, _, idx = type.partition(":")
        self.type = name
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        return (
            f"device(type='{self.type}')"
            if self.index is None
            else f"device(type='{self.type}', index={self.index})"
        )

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_cpu(dev, what: str) -> None:
    """Raise unless ``dev`` (a str or device) is the CPU."""
    if dev is not None and device(dev).type != "cpu":
        raise RuntimeError(f"minitorch runs on the CPU only; cannot move {what} to {str(dev)!r}")


class _Unavailable:
    """``mps``, ``accelerator``: present so scripts can ask, always unavailable (``minitorch.cuda`` is
    a package, as ``torch.cuda``)."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def is_available(self) -> bool:
        return False

    def device_count(self) -> int:
        return 0

    def current_accelerator(self):
        return None

    def manual_seed(self, seed: int) -> None:
        pass  # nothing to seed: there is no accelerator

    manual_seed_all = manual_seed


mps = _Unavailable("mps")
accelerator = _Unavailable("accelerator")
