"""`make lab` (and `make lab-ko`), the README's first command: JupyterLab on notebooks/, opened on the index.

The browser a learner would see is replaced by a script (the standard BROWSER variable,
which Python's webbrowser module and therefore Jupyter honour) that only records the
address JupyterLab asks it to open. No Chromium is needed for this test.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

START_TIMEOUT = 180  # s; `make lab` first checks the venv and the MNIST checksums


@pytest.mark.parametrize("target, index", [("lab", "00_index.ipynb"), ("lab-ko", "ko/00_index.ipynb")])
def test_make_lab_starts_jupyterlab_on_the_notebooks(
    tmp_path, repo, isolated_jupyter_env, http_get, stop_group, target, index
):
    if shutil.which("make") is None:
        message = "make is not on PATH (the README's commands need it: sudo apt-get install make)"
        if os.environ.get("DLFS_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "t" + os.urandom(12).hex()
    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "browser.sh"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
    recorder.chmod(0o755)
    env = isolated_jupyter_env(tmp_path / "jupyter")
    # the harness's own no-news settings go: what the learner gets must come from make lab's overrides
    shutil.rmtree(Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension")
    env["BROWSER"] = f"{recorder} %s"
    lab_args = f"--port={port} --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    log = tmp_path / "make-lab.log"
    with open(log, "wb") as log_file:
        # its own process group (session), so that make and the JupyterLab it starts stop together
        proc = subprocess.Popen(
            ["make", target, f"LAB_ARGS={lab_args}"],
            cwd=repo,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while http_get(f"{base}/api/status?token={token}") != 200:
            assert proc.poll() is None, f"make {target} exited with code {proc.returncode}:\n{_tail(log)}"
            assert time.monotonic() < deadline, (
                f"make {target} did not answer on {base} within {START_TIMEOUT} s:\n{_tail(log)}"
            )
            time.sleep(0.5)

        assert http_get(f"{base}/lab?token={token}") == 200, f"{base}/lab does not answer 200:\n{_tail(log)}"
        status = http_get(f"{base}/api/contents/00_index.ipynb?content=0&token={token}")
        assert status == 200, f"the server's root is not notebooks/ (00_index.ipynb: HTTP {status}):\n{_tail(log)}"

        # What the learner's browser is sent to: the index notebook.
        while not (opened.exists() and opened.read_text().strip()):
            assert time.monotonic() < deadline, f"make {target} never opened a browser:\n{_tail(log)}"
            time.sleep(0.5)
        url = _follow_redirect_file(opened.read_text().split()[0])
        print(f"make {target} answered on {base} and opened {urllib.parse.urlsplit(url).path}")
        assert urllib.parse.urlsplit(url).path == f"/lab/tree/{index}", f"make {target} opens {url}, not {index}"
        assert http_get(url) == 200, f"{url} does not answer 200"

        # No news pop-up and no update check; Korean menus for make lab-ko, English for make lab.
        notification = _settings(base, token, "@jupyterlab/apputils-extension:notification")
        assert notification["fetchNews"] == "false" and notification["checkForUpdates"] is False, notification
        locale = _settings(base, token, "@jupyterlab/translation-extension:plugin")["locale"]
        assert locale == ("ko_KR" if target == "lab-ko" else "default"), f"make {target}: JupyterLab's locale {locale}"
        korean = json.loads(urllib.request.urlopen(f"{base}/lab/api/translations/ko_KR?token={token}").read())
        assert korean["data"], "the Korean language pack is not installed (jupyterlab-language-pack-ko-KR)"
    finally:
        stop_group(proc)
    assert http_get(f"{base}/api/status?token={token}") is None, (
        f"JupyterLab still answers on {base} after it was stopped"
    )


def _settings(base: str, token: str, plugin: str) -> dict:
    """The settings JupyterLab gives a plugin: the user's, else the defaults (overrides.json changes those)."""
    with urllib.request.urlopen(f"{base}/lab/api/settings/{plugin}?token={token}") as response:
        answer = json.loads(response.read())
    defaults = {name: spec.get("default") for name, spec in answer["schema"]["properties"].items()}
    return defaults | answer["settings"]


def _follow_redirect_file(address: str) -> str:
    """JupyterLab opens a local HTML file that redirects to the real address; return that address."""
    if not address.startswith("file:"):
        return address
    page = Path(urllib.parse.unquote(urllib.parse.urlsplit(address).path)).read_text()
    match = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', page)
    assert match, f"no redirect in the file JupyterLab opened ({address}):\n{page}"
    return html.unescape(match.group(1))


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
