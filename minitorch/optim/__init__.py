"""Optimizers and learning-rate schedulers, as ``torch.optim``.

``Optimizer`` (optimizer.py) holds the bookkeeping every optimizer shares; each algorithm is one
short file whose ``step`` follows torch's formulas in torch's order of operations.
"""

from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .asgd import ASGD
from .adamw import AdamW
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "LBFGS",
    "Adamax",
    "NAdam",
    "RAdam",
    "ASGD",
    "Rprop",
    "lr_scheduler",
    "swa_utils",
]
