# Logistic regression on two Gaussian blobs: BCEWithLogitsLoss, Adam, accuracy
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(0)
X = np.concatenate([rng.normal(-1, 1, (50, 2)), rng.normal(1, 1, (50, 2))]).astype(np.float32)
y = np.concatenate([np.zeros(50), np.ones(50)]).astype(np.float32)
X_t, y_t = torch.tensor(X), torch.tensor(y).view(-1, 1)


class LogisticRegression(torch.nn.Module):
    def __init__(self, n_inputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_inputs, 1)

    def forward(self, x):
        return self.linear(x)


model = LogisticRegression(2)
torch.nn.init.zeros_(model.linear.weight)
torch.nn.init.constant_(model.linear.bias, 0.1)
criterion = torch.nn.BCEWithLogitsLoss()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(100):
    opt.zero_grad()
    loss = criterion(model(X_t), y_t)
    loss.backward()
    opt.step()
    if epoch % 25 == 0:
        print(f"epoch {epoch} loss {loss.item():.5f}")
with torch.no_grad():
    prob = torch.sigmoid(model(X_t))
    acc = ((prob > 0.5).float() == y_t).float().mean()
print(f"accuracy {acc.item():.3f}", type(loss.grad_fn).__name__)
bce = F.binary_cross_entropy(prob, y_t)
print(f"bce {bce.item():.5f}", [round(v, 4) for v in model.linear.weight.detach().view(-1).tolist()])
