"""The web process serves pages and reads stored results; only the workers run the models."""

import subprocess
import sys

CHECK = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecgsite.settings")
import django
django.setup()
import ecgsite.urls  # every view module, the pages' and the API's
print("torch" in sys.modules)
"""


def test_the_url_configuration_loads_without_torch():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_static_files_are_served_without_collectstatic(client, settings):
    """DEBUG is off and STATIC_ROOT is empty in the tests, as on a server started by hand."""
    assert not settings.DEBUG
    for path in (
        "/static/js/timeline.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ):
        assert client.get(path).status_code == 200, path
