# "Learning PyTorch with Examples": torch.optim (RMSprop)
import math

import numpy as np
import torch

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
rng = np.random.default_rng(3)
with torch.no_grad():
    for prm in model.parameters():
        prm.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, tuple(prm.shape)).astype(np.float32)))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(1000):
    loss = loss_fn(model(xx), y)
    if t % 250 == 99:
        print(t, round(loss.item(), 2))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
w = model[0].weight.detach().numpy()[0]
print("Result:", round(model[0].bias.item(), 4), [round(float(v), 4) for v in w])
