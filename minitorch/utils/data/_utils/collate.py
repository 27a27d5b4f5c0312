"""``torch.utils.data._utils.collate``: where older scripts import ``default_collate`` from."""

from .._collate import default_collate, default_convert

__all__ = ["default_collate", "default_convert"]
