"""/metrics as Prometheus reads it: inquiries by status, mails, the outbox, task durations and
failures, and the live model version."""

from __future__ import annotations

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from inquiries import pipeline
from inquiries.metrics import record_task_run
from inquiries.submission import submit_inquiry


def scrape(client, **headers: str) -> dict[str, list]:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(answer.get_data(True))
    }


def value(samples: list, **labels: str) -> float:
    return next(s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_count_what_happened(app: Flask, client, mailbox) -> None:
    with app.test_request_context():
        for text in (
            "Wanneer krijg ik mijn belastingteruggave van vorig jaar terug?",
            "Ons ziekenhuis wil software gebruiken die röntgenfoto's automatisch analyseert. "
            "Moet die software een CE-markering hebben als medisch hulpmiddel?",
        ):
            inquiry = submit_inquiry(
                {"email": "a@example.org", "message": text}, channel="api", interface_language="nl"
            )
            pipeline.classify(inquiry.id)
    with app.app_context():
        record_task_run("workers.tasks.classify_inquiry", 0.03, failed=False)
        record_task_run("workers.tasks.classify_inquiry", 0.7, failed=False)
        record_task_run("workers.tasks.deliver_mail", 12.0, failed=True)

    metrics = scrape(client)
    assert value(metrics["triage_inquiries"], status="needs_review") == 1
    assert value(metrics["triage_inquiries"], status="received") == 1  # waits to be routed
    assert value(metrics["triage_inquiries"], status="closed") == 0
    assert value(metrics["triage_deliveries"], kind="acknowledgement", state="pending") == 2
    assert value(metrics["triage_outbox_open"]) >= 1
    durations = metrics["triage_task_duration_seconds"]
    classify = {"task": "workers.tasks.classify_inquiry"}
    assert value(durations, **classify, le="0.05") == 1
    assert value(durations, **classify, le="1.0") == 2
    assert value(durations, **classify, le="+Inf") == 2
    assert value([s for s in durations if s.name.endswith("_sum")], **classify) == 0.73
    assert value(metrics["triage_task_failures"], task="workers.tasks.deliver_mail") == 1
    [live] = metrics["triage_model_live"]
    assert live.value == 1 and live.labels["version"]


def test_a_metrics_token_keeps_strangers_out(app: Flask, client) -> None:
    app.config["METRICS_TOKEN"] = "s3cret-token-for-prometheus"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert scrape(client, Authorization="Bearer s3cret-token-for-prometheus")
