"""Optimizers and learning-rate schedulers, as ``torch.optim``.

``Optimizer`` (optimizer.py) holds the bookkeeping every optimizer shares; each algorithm is one
short file whose ``step`` follows torch's formulas in torch's order of operations.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "LBFGS", "lr_scheduler"]
