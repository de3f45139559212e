#!/usr/bin/python3
"""The PyTorch peer for the seq2seq model (Debian's python3-torch, 2 threads, batched, greedy).

  seq2seq_torch.py score MODEL TRACE.csv PREDICTED.txt [distinct]
      windows at the model's stride, greedy decoding; each window's predicted keys written a
      line to PREDICTED.txt (compared with traceaid score --windows); with "distinct", each
      distinct input window is decoded once, as traceaid does
  seq2seq_torch.py train MODEL EPOCHS TRACE.csv...
      epochs of Adam (lr 0.002, batch 64) on the distinct windows of the first 80% of each trace,
      weighted by their counts: the same work as traceaid train --model seq2seq

The module is the one tests/fixtures/make_seq2seq_fixture.py and docs/MODEL_FORMAT.md give.
Prints one key=value line."""
import csv
import json
import sys
import time

import torch
import torch.nn as nn

from safetensors_io import load_safetensors

torch.set_num_threads(2)
START, UNK = 1, 2



class Encoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.gru = nn.GRU(E, H, batch_first=True)


class Attention(nn.Module):
    def __init__(self, H, U):
        super().__init__()
        self.W1, self.W2, self.V = nn.Linear(H, U), nn.Linear(H, U), nn.Linear(U, 1)

    def forward(self, query, enc):
        weights = torch.softmax(self.V(torch.tanh(self.W1(enc) + self.W2(query).unsqueeze(1))), dim=1)
        return (weights * enc).sum(dim=1)


class Decoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.gru = nn.GRU(H + E, H, batch_first=True)
        self.fc = nn.Linear(H, V)


class Seq2Seq(nn.Module):
    def __init__(self, V, E, H, U, ty):
        super().__init__()
        self.encoder, self.attention, self.decoder, self.ty = Encoder(V, E, H), Attention(H, U), Decoder(V, E, H), ty

    def forward(self, keys, targets=None):
        enc, h = self.encoder.gru(self.encoder.embedding(keys))
        h = h[0]
        prev = torch.full((keys.shape[0],), START, dtype=torch.long)
        logits = []
        for t in range(self.ty):
            step_in = torch.cat([self.attention(h, enc), self.decoder.embedding(prev)], dim=1).unsqueeze(1)
            _, h = self.decoder.gru(step_in, h.unsqueeze(0))
            h = h[0]
            logits.append(self.decoder.fc(h))
            prev = targets[:, t] if targets is not None else logits[-1].argmax(dim=1)
        return torch.stack(logits, dim=1)


def load_model(path):
    t, meta = load_safetensors(path)
    V, E = t["encoder.embedding.weight"].shape
    H, U = t["encoder.gru.weight_hh_l0"].shape[1], t["attention.W1.weight"].shape[0]
    tx, ty, stride = (int(meta.get(k, 5)) for k in ("tx", "ty", "stride"))
    model = Seq2Seq(V, E, H, U, ty)
    model.load_state_dict(t)
    return model, json.loads(meta["vocab"]), tx, ty, stride


def read_keys(path, ids):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        c, e = header.index("class"), header.index("event")
        return [ids.get(r[c] + "/" + r[e], UNK) for r in rows]


def score(model, vocab, tx, ty, stride, trace, out_path, distinct):
    keys = read_keys(trace, {n: i for i, n in enumerate(vocab)})
    start = time.perf_counter()
    windows = [keys[i:i + tx] for i in range(0, len(keys) - tx - ty + 1, stride)]
    model.eval()
    with torch.no_grad():
        if distinct:
            unique = list(dict.fromkeys(map(tuple, windows)))
            where = {w: i for i, w in enumerate(unique)}
            data = torch.tensor(unique, dtype=torch.long)
            preds = torch.cat([model(data[b:b + 4096]).argmax(dim=2) for b in range(0, len(data), 4096)]).tolist()
            predicted = [preds[where[tuple(w)]] for w in windows]
        else:
            data = torch.tensor(windows, dtype=torch.long)
            predicted = torch.cat([model(data[b:b + 4096]).argmax(dim=2) for b in range(0, len(data), 4096)]).tolist()
    seconds = time.perf_counter() - start
    with open(out_path, "w") as f:
        for p in predicted:
            f.write(" ".join(vocab[k] for k in p) + "\n")
    print(f"windows={len(windows)} seconds={seconds:.3f} windows_per_s={len(windows) / seconds:.0f}")


def train(model, vocab, tx, ty, epochs, traces):
    ids = {n: i for i, n in enumerate(vocab)}
    counts = {}
    for trace in traces:
        keys = read_keys(trace, ids)
        end = int(len(keys) * 0.8 + 0.5)
        end -= end % 1000
        for i in range(0, end - tx - ty + 1):
            w = tuple(keys[i:i + tx + ty])
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
        for b in range(0, len(data), 64):
            idx = order[b:b + 64]
            batch, w = data[idx], weights[idx]
            optimizer.zero_grad()
            logits = model(batch[:, :tx], batch[:, tx:])
            loss = (loss_fn(logits.reshape(-1, logits.shape[2]), batch[:, tx:].reshape(-1)).reshape(-1, ty).sum(1) * w).sum() / (w.sum() * ty)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    print(f"epochs={epochs} seconds={seconds:.3f} windows_per_s={total * epochs / seconds:.0f}")


def main():
    mode, model_path = sys.argv[1], sys.argv[2]
    model, vocab, tx, ty, stride = load_model(model_path)
    if mode == "score":
        score(model, vocab, tx, ty, stride, sys.argv[3], sys.argv[4], len(sys.argv) > 5 and sys.argv[5] == "distinct")
    else:
        train(model, vocab, tx, ty, int(sys.argv[3]), sys.argv[4:])


if __name__ == "__main__":
    main()
