import argparse
import logging
import os

from flask import Flask

DEBUG = os.getenv("DEBUG") == "1"
logging.basicConfig(level=logging.DEBUG)
parser = argparse.ArgumentParser()
parser.add_argument("--debug", action="store_true")
app = Flask(__name__)

if __name__ == "__main__":
    app.run(debug=False)
