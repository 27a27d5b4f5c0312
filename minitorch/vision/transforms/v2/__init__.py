"""``torchvision.transforms.v2``: here the same classes as ``minitorch.vision.transforms``
(v2's extras for boxes/masks/videos are not provided). ``ToImage`` and ``ToDtype`` cover the
v2 idiom ``Compose([ToImage(), ToDtype(torch.float32, scale=True)])``."""

from . import functional
from .. import *  # noqa: F403
from .. import __all__ as _all
from ._extra import ToDtype, ToImage

__all__ = [*_all, "ToImage", "ToDtype"]
