"""torch's private ``torch.utils.data._utils`` path, which scripts import ``default_collate`` from."""

from . import collate

__all__ = ["collate"]
