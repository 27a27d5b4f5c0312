# Linear regression with nn.Linear, MSELoss and SGD (course style)
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(0)
x_train = rng.uniform(0, 10, (15, 1)).astype(np.float32)
y_train = (2.5 * x_train + 1.0 + rng.normal(0, 0.5, (15, 1))).astype(np.float32)
model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.1)
    model.bias.zero_()
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(60):
    inputs = torch.from_numpy(x_train)
    targets = torch.from_numpy(y_train)
    outputs = model(inputs)
    loss = criterion(outputs, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 20 == 0:
        print(f"Epoch [{epoch + 1}/60], Loss: {loss.item():.4f}")
predicted = model(torch.from_numpy(x_train)).detach().numpy()
print(np.round(predicted[:3, 0], 3).tolist(), type(loss.grad_fn).__name__)
