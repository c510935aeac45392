"""The files that describe how the portal is deployed stay consistent with the code."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_compose_runs_the_production_shape_with_shared_app_definition():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    web = services["web"]
    for name in ("worker", "beat"):
        # Worker and beat reuse the web service's definition; only the command differs.
        assert services[name]["image"] == web["image"]
        assert services[name]["environment"] == web["environment"]
        assert services[name]["command"] != web["command"]
    assert "gunicorn config.wsgi:application" in web["command"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert web["environment"]["REDIS_URL"].startswith("redis://")


def test_every_dependency_is_pinned():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    loose = [r for r in requirements if "==" not in r]
    assert not loose, f"unpinned: {loose}"
    assert any(r.startswith("Django==5.2.") for r in requirements)
