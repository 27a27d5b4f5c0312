"""``torch.backends.cudnn``: no cuDNN here; the flags keep their defaults until a script sets them."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> None:
    """cuDNN's version; ``None`` as in a torch build without cuDNN."""
    return None
