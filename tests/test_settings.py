from pathlib import Path

import pytest

from config.settings import ConfigurationError, from_environment, normalise_database_url


def test_defaults_need_no_server(tmp_path: Path) -> None:
    config = from_environment({"INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'triage.sqlite3'}"
    assert config["CELERY"]["broker_url"].startswith("filesystem://")
    assert config["MAIL_SINK_ENABLED"] is True
    assert config["PORT"] == 5000


def test_development_secret_is_generated_once_and_shared(tmp_path: Path) -> None:
    first = from_environment({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    second = from_environment({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        from_environment({"TRIAGE_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="32"):
        from_environment(
            {"TRIAGE_ENV": "production", "SECRET_KEY": "short", "INSTANCE_PATH": str(tmp_path)}
        )


def test_production_cookies_are_secure(tmp_path: Path) -> None:
    config = from_environment(
        {"TRIAGE_ENV": "production", "SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(tmp_path)}
    )
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]


def test_mail_server_replaces_the_sink(tmp_path: Path) -> None:
    config = from_environment(
        {"INSTANCE_PATH": str(tmp_path), "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "2525"}
    )
    assert config["MAIL_SINK_ENABLED"] is False
    assert (config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp.example.org", 2525)


def test_plain_postgresql_url_uses_the_installed_driver() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_bad_numbers_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="PORT"):
        from_environment({"INSTANCE_PATH": str(tmp_path), "PORT": "eighty"})
