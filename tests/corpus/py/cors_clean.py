from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
