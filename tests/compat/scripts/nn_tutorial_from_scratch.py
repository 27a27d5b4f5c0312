# "What is torch.nn really?": logistic regression from scratch, then nn.Module, DataLoader with
# shuffling and a small CNN (random data in place of MNIST; torch's seeded weights)
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(0)
x_train, y_train, x_valid, y_valid = map(
    torch.tensor,
    (
        rng.random((256, 784), dtype=np.float32),
        rng.integers(0, 10, 256),
        rng.random((64, 784), dtype=np.float32),
        rng.integers(0, 10, 64),
    ),
)
n, c = x_train.shape
weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def model(xb):
    return xb @ weights + bias


loss_func = F.cross_entropy


def accuracy(out, yb):
    return (torch.argmax(out, dim=1) == yb).float().mean()


bs, lr = 64, 0.5
print(f"{loss_func(model(x_train[:bs]), y_train[:bs]).item():.4f}")
for _epoch in range(2):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs : i * bs + bs], y_train[i * bs : i * bs + bs]
        loss = loss_func(model(xb), yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
print(f"{loss_func(model(xb), yb).item():.4f} {accuracy(model(xb), yb).item():.4f}")


class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func

    def forward(self, x):
        return self.func(x)


def fit(epochs, model, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[(loss_func(model(xb), yb).item(), len(xb)) for xb, yb in valid_dl])
        print(epoch, f"{np.sum(np.multiply(losses, nums)) / np.sum(nums):.5f}")


train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=bs, shuffle=True)
valid_dl = DataLoader(TensorDataset(x_valid, y_valid), batch_size=bs * 2)
lin = nn.Linear(784, 10)
fit(2, lin, optim.SGD(lin.parameters(), lr=lr), train_dl, valid_dl)
cnn = nn.Sequential(
    Lambda(lambda x: x.view(-1, 1, 28, 28)),
    nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
fit(1, cnn, optim.SGD(cnn.parameters(), lr=0.1, momentum=0.9), train_dl, valid_dl)
