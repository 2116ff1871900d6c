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
