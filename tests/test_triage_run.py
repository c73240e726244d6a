"""`triage run` as a user starts it: the whole system from one command, stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MailBox, free_port

TRIAGE = str(Path(sys.executable).with_name("triage"))


def http(method: str, url: str, body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for_health(base: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "triage run exited early"
        try:
            if http("GET", f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("web did not come up")


def start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as handle:
        return subprocess.Popen(
            [TRIAGE, "run"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no child of it is left running


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "MAIL_SERVER",
            "MAIL_PORT",
            "SECRET_KEY",
            "MODEL_DIR",
            "TRIAGE_ENV",
        }
    }
    env.update(
        INSTANCE_PATH=str(tmp_path / "instance"),
        PORT=str(free_port()),
        MAIL_PORT=str(free_port()),
        RELAY_INTERVAL_SECONDS="2",
    )
    return env


def test_fresh_install_runs_on_embedded_defaults(run_env: dict[str, str], tmp_path: Path) -> None:
    """No model, no database, no Redis, no SMTP server: it trains, migrates and mails to files."""
    base = f"http://127.0.0.1:{run_env['PORT']}"
    process = start(run_env, tmp_path / "run.log")
    try:
        wait_for_health(base, process)
        assert http("GET", f"{base}/readyz")[0] == 200
        status, body = http(
            "POST",
            f"{base}/api/v1/inquiries",
            {
                "email": "els@example.org",
                "message": "Mag mijn werkgever software gebruiken die mijn e-mails leest om mijn "
                "productiviteit te beoordelen? Ik werk bij een callcenter in Gent.",
            },
        )
        assert status == 202, body
        sink = Path(run_env["INSTANCE_PATH"]) / "mail"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(sink.glob("*.eml"))) < 1:
            time.sleep(0.5)
        assert list(sink.glob("*.eml")), "the mail sink kept the acknowledgement"
        page = http("GET", f"{base}/dev/mail/")[1]
        assert json.loads(body)["reference"] in page
    finally:
        stop(process)
    assert (Path(run_env["INSTANCE_PATH"]) / "models" / "LIVE").is_file()


def test_run_mails_through_the_configured_server(
    run_env: dict[str, str], tmp_path: Path, mailbox: MailBox, model_dir: Path
) -> None:
    run_env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mailbox.port), MODEL_DIR=str(model_dir))
    base = f"http://127.0.0.1:{run_env['PORT']}"
    process = start(run_env, tmp_path / "run.log")
    try:
        wait_for_health(base, process)
        status, body = http(
            "POST",
            f"{base}/api/v1/inquiries",
            {
                "email": "luc@example.org",
                "language": "fr",
                "message": "Les voitures autonomes peuvent-elles déjà rouler sur les routes "
                "belges ? Quelles règles s'appliquent aux essais de véhicules sans conducteur ?",
            },
        )
        assert status == 202, body
        reference = json.loads(body)["reference"]
        mailbox.wait_for(lambda ms: any(m["X-Triage-Kind"] == "routing" for m in ms), timeout=60)
        routing = mailbox.of_kind("routing")
        assert [m["X-Triage-Reference"] for m in routing] == [reference]
        assert routing[0]["X-Triage-Objective"] == "6"
        status_url = json.loads(body)["status_url"]
        accept_url = routing[0]["X-Triage-Accept-URL"]
        assert http("GET", status_url)[0] == 200
        assert http("GET", accept_url)[0] == 200
    finally:
        stop(process)

    # The logs of the whole run hold no personal data and no secret link.
    log = (tmp_path / "run.log").read_text(errors="replace")
    assert '"GET /status/… HTTP/1.1" 200' in log  # requests are logged, their secrets are not
    for secret in (
        "luc@example.org",
        "voitures autonomes",
        status_url.rsplit("/", 1)[1],
        accept_url.rsplit("/", 1)[1].split("?")[0],
    ):
        assert secret not in log, secret
