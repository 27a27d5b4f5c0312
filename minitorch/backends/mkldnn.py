"""``torch.backends.mkldnn``: oneDNN is not used (NumPy's BLAS does the work)."""

enabled = True


def is_available() -> bool:
    return False
