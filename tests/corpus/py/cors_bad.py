from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # expect: cors-wildcard

app = Flask(__name__)
CORS(app)  # expect: cors-wildcard


@app.after_request
def headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"  # expect: cors-wildcard
    return response
