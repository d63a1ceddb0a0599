import os

import requests
import yaml
from bs4 import BeautifulSoup

import fastjsonschema_validator  # expect: hallucinated-import
from flask_secure_headers import Guard  # expect: hallucinated-import
import huggingface_datasets_utils  # expect: hallucinated-import

try:
    import ujson as json  # expect: hallucinated-import
except ImportError:
    import json
