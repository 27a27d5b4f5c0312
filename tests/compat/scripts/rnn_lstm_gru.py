# Sequence regression with RNN, LSTM and GRU (batch_first), weights from numpy
import numpy as np
import torch
import torch.nn as nn


class SeqModel(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(input_size=3, hidden_size=8, num_layers=2, batch_first=True)
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((6, 7, 3)), dtype=torch.float32)
y = x.sum(dim=(1, 2)).unsqueeze(1) * 0.1
for cell in (nn.RNN, nn.LSTM, nn.GRU):
    model = SeqModel(cell)
    prng = np.random.default_rng(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(prng.uniform(-0.3, 0.3, tuple(p.shape)), dtype=torch.float32))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(10):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    out, h = model.rnn(x)
    h = h[0] if isinstance(h, tuple) else h
    print(cell.__name__, f"{loss.item():.5f}", list(out.shape), list(h.shape), f"{h.abs().sum().item():.4f}")
