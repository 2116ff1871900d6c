"""Without SECRET_KEY in the environment each installation makes its own, once, kept private."""

import os
import stat
import subprocess
import sys

PRINT_KEY = "import ecgsite.settings as s; print(s.SECRET_KEY, s.DEBUG)"


def settings_of(var_dir, **env) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environ |= {"BEATLINE_VAR_DIR": str(var_dir), **env}
    run = subprocess.run(
        [sys.executable, "-c", PRINT_KEY], env=environ, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_a_key_is_made_once_per_installation_and_debug_is_off(tmp_path):
    first, debug = settings_of(tmp_path / "a").split()
    assert len(first) >= 50 and debug == "False"
    assert settings_of(tmp_path / "a").split()[0] == first  # kept across restarts
    assert settings_of(tmp_path / "b").split()[0] != first  # each installation its own
    key_file = tmp_path / "a" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list((tmp_path / "a").glob("secret_key.*"))  # no draft left behind
    assert settings_of(tmp_path / "a", SECRET_KEY="from-env").split()[0] == "from-env"
