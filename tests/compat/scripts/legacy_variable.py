# Legacy tutorial code: Variable, FloatTensor, .data updates, x.type()
import numpy as np
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor(np.arange(6, dtype=np.float32).reshape(2, 3)), requires_grad=True)
w = Variable(torch.ones(3, 1), requires_grad=True)
print(isinstance(x, torch.FloatTensor), x.type())
for _ in range(3):
    out = (x.mm(w) ** 2).sum()
    out.backward()
    w.data -= 0.001 * w.grad.data
    w.grad.data.zero_()
print(out.item(), w.data.view(-1).tolist())
t = torch.LongTensor([1, 2, 3])
print(t.type(), t.type(torch.float64).dtype == torch.float64, torch.Tensor(2, 3).shape == (2, 3))
