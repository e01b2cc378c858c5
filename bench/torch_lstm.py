"""PyTorch anchor of the lstm workload (bench/control_flow.ts): nn.LSTM, batch 32, 50 steps, 32
inputs, 128 units, loss mean(out^2), Adam, on the CPU with 2 threads (Debian python3-torch).
One JSON line with the fields of nodeflow's. Usage: /usr/bin/python3 bench/torch_lstm.py"""
import json, time
import torch

torch.set_num_threads(2)
torch.manual_seed(0)
B, T, D, U = 32, 50, 32, 128
lstm = torch.nn.LSTM(D, U, batch_first=True)
opt = torch.optim.Adam(lstm.parameters(), 1e-3)
x = torch.sin(torch.arange(B * T * D, dtype=torch.float32)).reshape(B, T, D)

def step():
    opt.zero_grad()
    out, _ = lstm(x)
    (out ** 2).mean().backward()
    opt.step()

step()
best = float("inf")
for _ in range(6):
    t0 = time.perf_counter()
    for _ in range(5):
        step()
    best = min(best, (time.perf_counter() - t0) / 5)
print(json.dumps({"workload": "lstm_train", "framework": "pytorch", "batch": B, "steps": T, "inputs": D, "units": U,
                  "train_step_ms": round(best * 1000, 2), "train_sequences_per_s": round(B / best)}))
