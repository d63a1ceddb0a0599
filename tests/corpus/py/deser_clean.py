import json

import torch
import yaml
from yaml import CSafeLoader


def load_all(data, stream, path):
    a = yaml.safe_load(stream)
    b = yaml.load(stream, Loader=yaml.SafeLoader)
    c = yaml.load(stream, Loader=CSafeLoader)
    d = json.loads(data)
    e = torch.load(path, weights_only=True)
    return a, b, c, d, e
