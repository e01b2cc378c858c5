"""GPU anchor: the mlp and cnn workloads of ../shared/bench/torch_fmnist.py in PyTorch on CUDA,
reading the same IDX files as nodeflow (Debian's dataset-fashion-mnist when present, else the
subset shipped in data/). Each step is timed to its completion (torch.cuda.synchronize), as
nodeflow's GPU bench does. One JSON line per workload, the fields of the other anchors.
Usage: python torch_gpu.py [mlp|cnn|all] [epochs] [data_dir]"""
import gzip, json, os, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN = "/usr/share/datasets/fashion-mnist"
SUBSET = os.path.join(HERE, "..", "data", "fashion-mnist-subset")

def idx(d, name):
    path = os.path.join(d, name + ".gz")
    with (gzip.open(path) if os.path.exists(path) else open(os.path.join(d, name), "rb")) as f:
        b = f.read()
    ndim = b[3]; dims = [int.from_bytes(b[4 + 4*i:8 + 4*i], "big") for i in range(ndim)]
    return np.frombuffer(b, np.uint8, offset=4 + 4*ndim).reshape(dims)

which = sys.argv[1] if len(sys.argv) > 1 else "all"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
d = sys.argv[3] if len(sys.argv) > 3 else (DEBIAN if os.path.exists(DEBIAN) else SUBSET)
dev = torch.device("cuda")
torch.manual_seed(0)
xtr = torch.tensor(idx(d, "train-images-idx3-ubyte"), dtype=torch.float32, device=dev) / 255
ytr = torch.tensor(idx(d, "train-labels-idx1-ubyte"), dtype=torch.long, device=dev)
xte = torch.tensor(idx(d, "t10k-images-idx3-ubyte"), dtype=torch.float32, device=dev) / 255
yte = torch.tensor(idx(d, "t10k-labels-idx1-ubyte"), dtype=torch.long, device=dev)

def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 10))
def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7*7*64, 1024), nn.ReLU(), nn.Dropout(0.5), nn.Linear(1024, 10))

def run(name, model, batch, lr, max_steps=None):
    model = model.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x = xtr if name == "mlp" else xtr.unsqueeze(1)
    xt = xte if name == "mlp" else xte.unsqueeze(1)
    steps = 0; times = []
    for ep in range(epochs):
        perm = torch.randperm(len(x), device=dev)
        for i in range(0, len(x), batch):
            idxs = perm[i:i+batch]
            t = time.perf_counter()
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idxs]), ytr[idxs])
            loss.backward()
            opt.step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t); steps += 1
            if max_steps and steps >= max_steps: break
        if max_steps and steps >= max_steps: break
    model.eval()
    with torch.no_grad():
        t = time.perf_counter()
        acc = (model(xt).argmax(1) == yte).float().mean().item()
        inf = time.perf_counter() - t
    ms = float(np.median(times[5:])) * 1e3
    print(json.dumps({"anchor": "pytorch-cuda-" + torch.__version__, "workload": name,
                      "batch": batch, "steps": steps, "ms_per_step": round(ms, 3),
                      "train_examples_per_s": round(batch / ms * 1e3),
                      "test_acc": round(acc, 4), "infer_10k_s": round(inf, 3),
                      "data": "full" if d == DEBIAN else "subset"}), flush=True)

if which in ("mlp", "all"): run("mlp", mlp(), 100, 1e-3)
if which in ("cnn", "all"): run("cnn", cnn(), 50, 1e-4, max_steps=300)
