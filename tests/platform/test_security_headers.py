"""Every page runs scripts only from the site's own files, and an HTTPS site keeps to HTTPS."""

import re
import subprocess
import sys

from django.urls import reverse

from ecgsite.headers import CONTENT_SECURITY_POLICY


def test_pages_and_api_carry_the_policy(alice_client):
    for url in [reverse("dashboard"), "/account/", "/api/v1/docs/", "/api/v1/recordings/"]:
        answer = alice_client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY


def test_the_api_docs_have_no_inline_script(alice_client):
    page = alice_client.get("/api/v1/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all("src=" in attrs or not body.strip() for attrs, body in scripts)
    assert alice_client.get("/api/v1/docs/?script").status_code == 200


def https_settings(**env: str) -> str:
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    environ = {"DJANGO_SETTINGS_MODULE": "ecgsite.settings", "PATH": "/usr/bin:/bin", **env}
    run = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_an_https_site_sends_hsts_and_secure_cookies(tmp_path):
    var = {"BEATLINE_VAR_DIR": str(tmp_path)}
    assert https_settings(**var) == "False False 0 None"
    secure = https_settings(
        SITE_URL="https://ecg.example.org", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", **var
    )
    assert secure == "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
