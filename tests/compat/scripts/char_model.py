# A char-level language model (Embedding + LSTM + Linear) on a few hundred bytes of text
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

text = "to be or not to be that is the question whether tis nobler in the mind to suffer " * 3
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
block = 16


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=8, hidden=24):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, idx, state=None):
        out, state = self.lstm(self.emb(idx), state)
        return self.fc(out), state


model = CharLSTM(len(chars))
rng = np.random.default_rng(0)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.uniform(-0.2, 0.2, tuple(p.shape)), dtype=torch.float32))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
starts = np.random.default_rng(1).integers(0, len(data) - block - 1, (30, 8))
for it in range(30):
    ix = torch.tensor(starts[it])
    xb = torch.stack([data[i : i + block] for i in ix])
    yb = torch.stack([data[i + 1 : i + block + 1] for i in ix])
    logits, _ = model(xb)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), yb.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if it % 10 == 0:
        print(f"iter {it} loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    idx = torch.tensor([[stoi["t"]]])
    state, out = None, "t"
    for _ in range(20):
        logits, state = model(idx, state)
        idx = logits[:, -1, :].argmax(-1, keepdim=True)
        out += itos[idx.item()]
print(repr(out))
