import marshal
import pickle

import torch
import yaml


def load_all(data, stream, blob, path):
    a = pickle.loads(data)  # expect: unsafe-deserialization
    b = yaml.load(stream)  # expect: unsafe-deserialization
    c = yaml.load(stream, Loader=yaml.Loader)  # expect: unsafe-deserialization
    d = marshal.loads(blob)  # expect: unsafe-deserialization
    e = torch.load(path, weights_only=False)  # expect: unsafe-deserialization
    return a, b, c, d, e
