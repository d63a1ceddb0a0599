from flask import Flask

DEBUG = True  # expect: debug-enabled

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)  # expect: debug-enabled
