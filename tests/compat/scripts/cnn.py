# A small CNN (Conv2d, BatchNorm2d, MaxPool2d, Dropout, Linear) trained a few steps with SGD momentum
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x) if not self.training else x
        x = torch.flatten(x, 1)
        return F.log_softmax(self.fc1(x), dim=1)


rng = np.random.default_rng(0)
data = torch.tensor(rng.standard_normal((16, 1, 12, 12)), dtype=torch.float32)
target = torch.tensor(rng.integers(0, 10, 16))
model = Net()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "bn" not in name:
            p.copy_(torch.tensor(rng.uniform(-0.2, 0.2, tuple(p.shape)), dtype=torch.float32))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
model.train()
for step in range(5):
    optimizer.zero_grad()
    output = model(data)
    loss = F.nll_loss(output, target)
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.5f}")
print(type(loss.grad_fn).__name__, [round(v, 4) for v in model.bn1.running_mean.tolist()])
model.eval()
with torch.no_grad():
    out = model(data)
    print(
        "correct",
        out.argmax(dim=1, keepdim=True).eq(target.view_as(out.argmax(1, keepdim=True))).sum().item(),
    )
print(f"{F.cross_entropy(out, target).item():.5f}")
