import json
import os
import sqlite3
from pathlib import Path

import requests
import yaml
from bs4 import BeautifulSoup
from PIL import Image
from sklearn.linear_model import LinearRegression

from app.models import User

from .utils import helper
