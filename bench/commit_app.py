"""The floor of intake: a bare Flask app that stores each body with one durable PostgreSQL commit
(one INSERT through psycopg, no ORM, no checks, no broker). Beside the bare app and ours in the
intake benchmark, it shows what the required commit alone costs on this machine."""

import json
import os

import psycopg
from flask import Flask, jsonify, request

app = Flask(__name__)
_connection: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    """One connection per gunicorn worker, opened after the fork."""
    global _connection
    if _connection is None:
        _connection = psycopg.connect(os.environ["DATABASE_URL"])
        _connection.execute("CREATE TABLE IF NOT EXISTS bench_bodies (id serial, body jsonb)")
        _connection.commit()
    return _connection


@app.post("/api/v1/inquiries")
def create() -> tuple[object, int]:
    payload = request.get_json()
    db = connection()
    row = db.execute(
        "INSERT INTO bench_bodies (body) VALUES (%s) RETURNING id", (json.dumps(payload),)
    ).fetchone()
    db.commit()
    return jsonify({"reference": f"AI-0000-{row[0]:06d}"}), 202
