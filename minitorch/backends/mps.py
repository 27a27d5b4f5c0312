"""``torch.backends.mps``: Apple's Metal backend, never built into minitorch."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
