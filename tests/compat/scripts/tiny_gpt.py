# A tiny GPT (nanoGPT style): causal self-attention with F.scaled_dot_product_attention, GELU MLP,
# LayerNorm, weight tying, AdamW with decay groups, and nn.Transformer on the side
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head, self.n_embd = n_head, n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd), nn.GELU(approximate="tanh"), nn.Linear(4 * n_embd, n_embd)
        )

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab=13, block=8, n_embd=16, n_head=2, n_layer=2):
        super().__init__()
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(vocab, n_embd),
                wpe=nn.Embedding(block, n_embd),
                h=nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)]),
                ln_f=nn.LayerNorm(n_embd),
            )
        )
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)
        self.transformer.wte.weight = self.lm_head.weight

    def forward(self, idx, targets=None):
        pos = torch.arange(0, idx.size(1), dtype=torch.long, device=idx.device)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = (
            None
            if targets is None
            else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        )
        return logits, loss


model = GPT()
rng = np.random.default_rng(0)
with torch.no_grad():
    for pn, p in model.named_parameters():
        p.copy_(
            torch.tensor(rng.normal(0, 0.02 if p.dim() > 1 else 0.0, tuple(p.shape)), dtype=torch.float32)
        )
        if pn.endswith("weight") and "ln" in pn:
            p.fill_(1.0)
n_params = sum(p.numel() for p in model.parameters())
print(f"number of parameters: {n_params / 1e3:.2f}K")
param_dict = {pn: p for pn, p in model.named_parameters() if p.requires_grad}
decay = [p for n, p in param_dict.items() if p.dim() >= 2]
nodecay = [p for n, p in param_dict.items() if p.dim() < 2]
optimizer = torch.optim.AdamW(
    [{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
    lr=3e-3,
    betas=(0.9, 0.95),
)
data = torch.tensor(np.tile(np.arange(13), 8))
for it in range(8):
    ix = [(it * 3 + j) % 80 for j in range(4)]
    x = torch.stack([data[i : i + 8] for i in ix])
    y = torch.stack([data[i + 1 : i + 9] for i in ix])
    logits, loss = model(x, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    if it % 2 == 0:
        print(f"iter {it}: loss {loss.item():.4f}, ppl {math.exp(loss.item()):.3f}")
model.eval()
idx = torch.zeros((1, 1), dtype=torch.long)
with torch.no_grad():
    for _ in range(6):
        logits, _ = model(idx[:, -8:])
        probs = F.softmax(logits[:, -1, :] / 1.0, dim=-1)
        idx = torch.cat((idx, probs.argmax(-1, keepdim=True)), dim=1)
print(idx.tolist())
tr = nn.Transformer(
    d_model=8,
    nhead=2,
    num_encoder_layers=1,
    num_decoder_layers=1,
    dim_feedforward=16,
    dropout=0.0,
    batch_first=True,
)
with torch.no_grad():
    for p in tr.parameters():
        p.copy_(torch.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape)), dtype=torch.float32))
src = torch.tensor(rng.standard_normal((2, 5, 8)), dtype=torch.float32)
tgt = torch.tensor(rng.standard_normal((2, 4, 8)), dtype=torch.float32)
out = tr(src, tgt, tgt_mask=tr.generate_square_subsequent_mask(4), tgt_is_causal=True)
print(list(out.shape), f"{out.sum().item():.4f}", f"{out.abs().mean().item():.5f}")
