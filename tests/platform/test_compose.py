"""docker-compose.yml and the Dockerfile agree with the code they run. No Docker engine runs where
this was built, so these files are checked here instead: each service runs a command that
exists, each worker serves a queue the tasks are sent to, and each variable set is one the
code reads."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands

from ecgsite.celery import app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "webhooks", "recover")
READERS = (ROOT / "ecgsite" / "settings.py", ROOT / "mlcore" / "paths.py")


def command(service: str) -> list[str]:
    return shlex.split(COMPOSE["services"][service]["command"])


def test_the_stack_has_its_services():
    assert set(COMPOSE["services"]) == {*APP_SERVICES, "redis", "postgres"}
    for name in APP_SERVICES:
        assert COMPOSE["services"][name]["build"] == "."  # one image for all of them


def test_every_variable_set_is_read_by_the_code():
    read = "\n".join(path.read_text() for path in READERS)
    for name in COMPOSE["services"]["web"]["environment"]:
        assert f'"{name}"' in read, f"{name} is set in docker-compose.yml but never read"


def test_the_workers_serve_the_queues_tasks_are_sent_to():
    served = set()
    for name in ("worker", "webhooks"):
        args = command(name)
        assert args[:4] == ["celery", "-A", "ecgsite", "worker"]
        served.add(args[args.index("-Q") + 1])
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert served == routed | {app.conf.task_default_queue}


def test_the_commands_exist():
    assert command("recover")[:3] == ["python", "manage.py", "recover_analyses"]
    assert "recover_analyses" in get_commands()
    web = command("web")[-1]  # sh -c "migrate && gunicorn <app> ..."
    app = re.search(r"gunicorn (\S+)", web).group(1)
    module, attribute = app.split(":")
    assert module == "ecgsite.wsgi" and attribute == "application"
    assert (ROOT / "ecgsite" / "wsgi.py").exists()


def test_the_image_vendors_the_same_scripts_as_the_makefile():
    def vendored(text: str) -> set[str]:
        return set(re.findall(r"node_modules/(\S+?\.js)", text))

    dockerfile = vendored((ROOT / "Dockerfile").read_text())
    assert dockerfile and dockerfile == vendored((ROOT / "Makefile").read_text())
