"""``device`` and the accelerator queries scripts make (``cuda.is_available()``...): minitorch runs
on the CPU, so every query says no and moving anything off the CPU raises a clear error."""

from __future__ import annotations

_TYPES = (
    "cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta hpu mtia privateuseone"
).split()


class device:
    """A device, as ``torch.device``: ``device('cpu')``; other types can be named but not used."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device() expects a string like 'cpu', got {type!r}")
        name, _, idx = type.partition(":")
        if name not in _TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}"
            )
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


_default: device | None = None  # set_default_device; None is the CPU


def set_default_device(dev) -> None:
    """Where creation functions put tensors by default; only the CPU can then be used (as torch
    on a machine without CUDA: setting 'cuda' works, creating a tensor raises)."""
    global _default
    _default = None if dev is None else device(dev)


def get_default_device() -> device:
    return _default if _default is not None else device("cpu")


def check_cpu(dev, what: str) -> None:
    """Raise torch's error of a CPU-only build unless ``dev`` (a str, device or None) is the CPU:
    AssertionError for CUDA ("Torch not compiled with CUDA enabled"), NotImplementedError for the
    other backends."""
    if dev is None or isinstance(dev, device) and dev.type == "cpu" or dev == "cpu":
        return
    d = device(dev)
    if d.type == "cpu":
        return
    if d.type == "cuda":
        raise AssertionError(
            f"Torch not compiled with CUDA enabled (minitorch runs on the CPU only; cannot put {what} on '{d}')"
        )
    raise NotImplementedError(f"minitorch runs on the CPU only; cannot put {what} on the '{d.type}' backend")


def check_placement(dev, what: str = "a tensor") -> None:
    """For creation functions: ``device=`` or, when it is None, the default device must be the CPU."""
    check_cpu(dev if dev is not None else _default, what)


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
