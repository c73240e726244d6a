"""The compose stack an operator starts: every part there, watched by a health check, its data on
volumes, and every variable it reads offered in .env.example. (CI also runs
`docker-compose config -q`; no Docker daemon runs here to start it.)"""

from __future__ import annotations

import re

import yaml

from config.settings import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def test_every_part_of_the_system_is_in_the_stack() -> None:
    assert set(SERVICES) >= {
        "web", "worker", "beat", "flower", "postgres", "redis", "mailcatcher", "prepare",
    }  # fmt: skip
    assert "gunicorn" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"][3] == "worker"
    assert SERVICES["beat"]["command"][3] == "beat"
    assert "flower" in SERVICES["flower"]["command"]
    assert SERVICES["prepare"]["command"] == ["triage", "prepare"]


def test_every_long_running_service_has_a_health_check_and_restarts() -> None:
    for name, service in SERVICES.items():
        if name == "prepare":  # a one-off step the others wait for
            assert service["restart"] == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert service.get("restart") == "unless-stopped", name
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_data_lives_on_named_volumes() -> None:
    assert set(COMPOSE["volumes"]) == {"postgres", "redis", "models", "data"}
    mounted = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])}
    assert mounted == set(COMPOSE["volumes"])
    web = SERVICES["web"]["environment"]
    assert web["INSTANCE_PATH"] == "/data" and web["MODEL_DIR"] == "/models"


def test_env_example_offers_every_variable_the_stack_reads() -> None:
    used = set(re.findall(r"\$\{(\w+)", (PROJECT_ROOT / "docker-compose.yml").read_text()))
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    offered = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    assert used <= offered, used - offered
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in offered)
