# The tensors tutorial: creation, attributes, indexing, joining, arithmetic, in-place ops, numpy bridge
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
print(x_ones.tolist(), x_np.sum().item())
shape = (2, 3)
print(torch.zeros(shape).tolist(), torch.ones(shape).sum().item())
tensor = torch.ones(4, 4)
print(tuple(tensor.shape), tensor.dtype == torch.float32, tensor.device.type)
tensor[:, 1] = 0
print(f"First row: {tensor[0].tolist()}, last column: {tensor[..., -1].tolist()}")
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(tuple(t1.shape))
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1.tolist() == y2.tolist() == y3.tolist())
z1 = tensor * tensor
agg = tensor.sum()
print(agg.item(), type(agg.item()).__name__, z1.sum().item())
tensor.add_(5)
print(tensor[0].tolist())
t = torch.ones(5)
n = t.numpy()
t.add_(1)
print(n.tolist())
n2 = np.ones(3)
t2 = torch.from_numpy(n2)
np.add(n2, 1, out=n2)
print(t2.tolist(), str(t2.dtype))
