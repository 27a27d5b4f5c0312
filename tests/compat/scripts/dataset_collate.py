# A custom Dataset of variable-length sequences, a padding collate_fn, DataLoader, random_split sizes
import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, random_split


class SeqDataset(Dataset):
    def __init__(self, n):
        rng = np.random.default_rng(0)
        self.items = [
            (torch.tensor(rng.integers(1, 9, rng.integers(2, 6))), int(rng.integers(0, 2))) for _ in range(n)
        ]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    return pad_sequence(seqs, batch_first=True, padding_value=0), lengths, torch.tensor(labels)


ds = SeqDataset(10)
loader = DataLoader(ds, batch_size=4, shuffle=False, collate_fn=collate, drop_last=False)
print(len(ds), len(loader))
for padded, lengths, labels in loader:
    print(list(padded.shape), lengths.tolist(), labels.tolist(), padded.sum().item())
train, val = random_split(ds, [7, 3])
print(len(train), len(val))
plain = DataLoader([(torch.tensor([float(i)]), i) for i in range(5)], batch_size=2)
for xb, yb in plain:
    print(xb.view(-1).tolist(), yb.tolist(), str(yb.dtype).split(".")[-1])
