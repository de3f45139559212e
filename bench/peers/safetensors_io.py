"""Reading traceaid's model files (safetensors, PyTorch's state_dict names) for the peers."""
import json
import struct

import torch


def load_safetensors(path):
    """The tensors by name, and the __metadata__ strings."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(info["shape"]).clone()
    return tensors, meta
