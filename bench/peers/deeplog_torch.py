#!/usr/bin/python3
"""The PyTorch peer for DeepLog (Debian's python3-torch, 2 threads, batched).

  deeplog_torch.py eval MODEL NORMAL ABNORMAL    the DeepLog protocol over every window
  deeplog_torch.py eval-distinct MODEL N A       the same, each distinct window predicted once
  deeplog_torch.py train MODEL TRAIN EPOCHS      epochs of Adam on the same distinct windows

Reads traceaid's safetensors model (PyTorch's state_dict names) and prints one key=value line.
Evaluation batches every window the protocol asks for, as the public reimplementations do but
without their window-at-a-time loop; training weights each distinct window by its count, as
traceaid does, so both do the same work per epoch."""
import json
import sys
import time

import torch
import torch.nn as nn

from safetensors_io import load_safetensors

torch.set_num_threads(2)



class DeepLog(nn.Module):
    def __init__(self, keys, hidden, layers):
        super().__init__()
        self.keys = keys
        self.lstm = nn.LSTM(keys, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, keys)

    def forward(self, windows):
        out, _ = self.lstm(nn.functional.one_hot(windows, self.keys).float())
        return self.fc(out[:, -1, :])


def load_model(path):
    tensors, meta = load_safetensors(path)
    hidden4, keys = tensors["lstm.weight_ih_l0"].shape
    layers = sum(1 for n in tensors if n.startswith("lstm.weight_ih_l"))
    model = DeepLog(keys, hidden4 // 4, layers)
    model.load_state_dict(tensors)
    vocab = json.loads(meta["vocab"]) if "vocab" in meta else [str(k + 1) for k in range(keys)]
    return model, int(meta.get("window", 10)), int(meta.get("top_g", 9)), {n: i for i, n in enumerate(vocab)}


def read_sessions(path, ids):
    with open(path) as f:
        return [[ids.get(k, -1) for k in line.split()] for line in f if line.strip()]


def eval_protocol(model, window, top_g, ids, normal_path, abnormal_path, distinct=False):
    files = [list(dict.fromkeys(tuple(s) for s in read_sessions(p, ids))) for p in (normal_path, abnormal_path)]
    start = time.perf_counter()
    windows, owners = [], []
    flagged = [[False] * len(f) for f in files]
    for which, sessions in enumerate(files):
        for s, keys in enumerate(sessions):
            if len(keys) < window + 1 or -1 in keys:
                flagged[which][s] = True
                continue
            for i in range(len(keys) - window):
                windows.append(keys[i:i + window + 1])
                owners.append((which, s))
    model.eval()
    if distinct:  # each distinct input window predicted once, as traceaid does
        inputs = list(dict.fromkeys(tuple(w[:window]) for w in windows))
        where = {w: i for i, w in enumerate(inputs)}
        data = torch.tensor(inputs, dtype=torch.long)
        tops = []
        with torch.no_grad():
            for begin in range(0, len(data), 4096):
                tops.append(torch.topk(model(data[begin:begin + 4096]), top_g, dim=1).indices)
        top = torch.cat(tops).tolist()
        for w, owner in zip(windows, owners):
            if w[window] not in top[where[tuple(w[:window])]]:
                flagged[owner[0]][owner[1]] = True
    else:
        data = torch.tensor(windows, dtype=torch.long)
        with torch.no_grad():
            for begin in range(0, len(data), 4096):
                batch = data[begin:begin + 4096]
                top = torch.topk(model(batch[:, :window]), top_g, dim=1).indices
                hit = (top == batch[:, window:]).any(dim=1)
                for j in torch.nonzero(~hit).flatten().tolist():
                    which, s = owners[begin + j]
                    flagged[which][s] = True
    seconds = time.perf_counter() - start
    fp, tp = sum(flagged[0]), sum(flagged[1])
    fn = len(files[1]) - tp
    print(f"fp={fp} fn={fn} tp={tp} windows={len(windows)} seconds={seconds:.3f} "
          f"windows_per_s={len(windows) / seconds:.0f}")


def train(model, window, ids, train_path, epochs):
    counts = {}
    for keys in read_sessions(train_path, ids):
        for i in range(len(keys) - window):
            w = tuple(keys[i:i + window + 1])
            counts[w] = counts.get(w, 0) + 1
    data = torch.tensor(list(counts), dtype=torch.long)
    weights = torch.tensor(list(counts.values()), dtype=torch.float32)
    total = float(weights.sum())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss(reduction="none")
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for begin in range(0, len(data), 256):
            idx = order[begin:begin + 256]
            batch, w = data[idx], weights[idx]
            optimizer.zero_grad()
            loss = (loss_fn(model(batch[:, :window]), batch[:, window]) * w).sum() / w.sum()
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    print(f"epochs={epochs} seconds={seconds:.3f} windows_per_s={total * epochs / seconds:.0f}")


def main():
    mode, model_path = sys.argv[1], sys.argv[2]
    model, window, top_g, ids = load_model(model_path)
    if mode in ("eval", "eval-distinct"):
        eval_protocol(model, window, top_g, ids, sys.argv[3], sys.argv[4], mode == "eval-distinct")
    else:
        train(model, window, ids, sys.argv[3], int(sys.argv[4]))


if __name__ == "__main__":
    main()
