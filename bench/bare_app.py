"""The yardstick for the intake benchmark: a bare Flask app that parses the same JSON and answers
202, storing nothing. Served by the same gunicorn settings as the real app."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/api/v1/inquiries")
def create() -> tuple[object, int]:
    payload = request.get_json()
    return jsonify({"reference": "AI-0000-000000", "length": len(payload["message"])}), 202
