"""Browser test tier: JupyterLab in Debian's Chromium, driven by Playwright.

What a learner sees is checked here: a notebook is opened in JupyterLab, run with
"Run All Cells", its outputs inspected, and its sliders dragged with the mouse and
moved with the keyboard. nbval (the other tier) runs the same notebooks in a bare
kernel and cannot see whether a widget renders.

One JupyterLab server and one Chromium serve each pytest process. The server runs on a
temporary stand-in for the checkout whose notebooks/ is a COPY (running cells marks a
notebook dirty and JupyterLab autosaves; the committed notebooks must never change), with
its own config, runtime, settings and workspace folders, and is stopped by its PID at the
end. The notebooks are opened and run two at a time, in the order the tests need them
(NotebookRuns); each test waits for its own, and a notebook closes after its last test, its window
opening the next one.

Without Chromium (or Playwright) these tests skip with a hint; with
DLFS_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# DLFS_BROWSER_NOTEBOOKS points the tier at another folder of notebooks (used to try the
# harness on scratch notebooks); by default it is the repository's notebooks/.
NOTEBOOK_DIR = Path(os.environ.get("DLFS_BROWSER_NOTEBOOKS", REPO / "notebooks")).resolve()
ARTIFACTS = HERE / "artifacts"

ENABLE_HINT = (
    "To run them, install Debian's Chromium (sudo apt-get install chromium) so that "
    "`chromium` is on PATH; Playwright's Python package comes with `make test` and "
    "uses that browser (never run `playwright install`)."
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT = 120  # s; the machine is shared, JupyterLab takes ~15 s when it is busy
PAGE_TIMEOUT = 120  # s; loading JupyterLab and starting a kernel
RUN_ALL_TIMEOUT = 300  # s; notebook 06 takes under a minute alone, about two on a busy machine
RUNS_AT_ONCE = 2  # notebooks loading or running at the same time (NotebookRuns)
REDRAW_TIMEOUT = 60  # s; one slider callback
INTERACTION_TIMEOUT = 30  # s; finding and clicking an element of a page that has loaded

# A widget that JupyterLab could not render shows its Python repr as plain text instead,
# e.g. "Explorer(children=(HBox(children=(FloatLogSlider(value=0.1, ..." (no error message).
WIDGET_REPR = re.compile(r"^\s*(\w+\.)*(Explorer|VBox|HBox|Box|interactive|Output|\w*Slider|\w*Progress)\(", re.M)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b.*$", re.M)
SLIDER_CODE = re.compile(r"\w*Slider\(|_explorer\(|\binteract(ive)?\(")


# --------------------------------------------------------------------------- availability


def _unavailable(reason: str):
    """Skip (a learner's machine) or fail (CI: DLFS_REQUIRE_BROWSER=1) the browser tier."""
    if os.environ.get("DLFS_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"browser tests are required here (DLFS_REQUIRE_BROWSER=1) but {reason}. {ENABLE_HINT}", pytrace=False
        )
    pytest.skip(f"browser tests skipped: {reason}. {ENABLE_HINT}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = shutil.which("chromium")
    if path is None:
        _unavailable("`chromium` is not on PATH")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Python package `playwright` is not installed (make test installs it)")
    return path


# --------------------------------------------------------------------------- JupyterLab server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(base: Path) -> dict[str, str]:
    """Environment for a JupyterLab that touches nothing of the user's own Jupyter setup.

    Settings: no news or update checks (no network here, no pop-up over the notebook) and
    no autosave (belt and braces: the server only ever sees a temporary copy anyway).
    """
    env = dict(os.environ)
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
    ]:
        env[name] = str(base / sub)
        (base / sub).mkdir(parents=True, exist_ok=True)
    settings = {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    }
    for plugin, values in settings.items():
        path = base / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env.pop("JUPYTER_TOKEN", None)
    return env


def http_status(url: str, timeout: float = 5) -> int | None:
    """HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def wait_for_server(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"JupyterLab exited with code {proc.returncode} before answering on {url}; "
                f"its log ({log}) ends with:\n{_tail(log)}"
            )
        if http_status(url) == 200:
            return
        time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer on {url} within {timeout} s; log ({log}):\n{_tail(log)}")


def stop_process(proc: subprocess.Popen, group: bool = False, timeout: float = 20) -> None:
    """Terminate (SIGTERM) and, after `timeout`, kill (SIGKILL) one process or its process group."""
    if proc.poll() is not None and not group:
        return
    send = (lambda sig: os.killpg(proc.pid, sig)) if group else (lambda sig: proc.send_signal(sig))
    try:
        send(signal.SIGTERM)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)  # also what is left of the group after the leader exits
        elif proc.poll() is None:
            proc.kill()
    except ProcessLookupError:
        pass
    proc.wait(timeout=timeout)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def mirror_checkout(mirror: Path) -> Path:
    """A stand-in for the checkout: notebooks/ copied, everything else symlinked. Returns its notebooks/.

    Notebooks run where a learner runs them, inside the checkout (one finds the repository
    root by looking for pyproject.toml above its working directory and reads
    benchmarks/results/), but JupyterLab can only ever write to the copies.
    """
    mirror.mkdir()
    for entry in REPO.iterdir():
        if entry.name != "notebooks":
            (mirror / entry.name).symlink_to(entry)
    shutil.copytree(NOTEBOOK_DIR, mirror / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return mirror / "notebooks"


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    log: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernel_of(self, notebook: str) -> None:
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == notebook:
                self.api("DELETE", f"/api/sessions/{session['id']}")


@pytest.fixture(scope="session")
def jupyterlab(chromium_executable, tmp_path_factory) -> LabServer:
    """One headless JupyterLab for the session, serving a temporary copy of the notebooks."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = mirror_checkout(base / "checkout")
    port, token = free_port(), secrets.token_hex(16)
    log = base / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp: lets the tests run JupyterLab commands (expand collapsed headings and hidden code)
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:  # CI containers run as root; JupyterLab refuses that unless told
        command.append("--allow-root")
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=base,
            env=jupyter_env(base),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = LabServer(url=f"http://127.0.0.1:{port}", token=token, root=root, log=log)
    try:
        wait_for_server(proc, f"{server.url}/api/status?token={token}", log, SERVER_START_TIMEOUT)
        yield server
    finally:
        try:
            for session in server.api("GET", "/api/sessions") if proc.poll() is None else []:
                server.api("DELETE", f"/api/sessions/{session['id']}")
        except (urllib.error.URLError, OSError):
            pass
        stop_process(proc)


# Fixtures for tests that start servers themselves (test_make_lab.py).


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def isolated_jupyter_env():
    """Function base -> environment whose Jupyter folders live under `base`."""
    return jupyter_env


@pytest.fixture
def http_get():
    return http_status


@pytest.fixture
def stop_group():
    """Stop a process started with start_new_session=True together with its children."""
    return lambda proc: stop_process(proc, group=True)


# --------------------------------------------------------------------------- browser and pages


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield chromium
        chromium.close()


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


@dataclass
class Explorer:
    """A slider explorer as rendered: sliders above one ipywidgets.Output with a picture and text."""

    notebook: NotebookPage
    root: object  # playwright Locator of the explorer's outermost widget box

    def slider(self, description: str):
        # a locator given to filter(has=...) must start at the page; it is matched inside each candidate
        label = self.notebook.page.locator(".widget-label").filter(
            has_text=re.compile(rf"^\s*{re.escape(description)}\s*$")
        )
        return self.root.locator(".widget-slider").filter(has=label)

    def readout(self, description: str) -> str:
        return self.slider(description).locator(".widget-readout").text_content().strip()

    def picture(self) -> str:
        """The src of the picture in the explorer's output (a data: URL); '' if there is none."""
        images = self.root.locator(".widget-output img")
        return images.first.get_attribute("src") or "" if images.count() else ""

    def text(self) -> str:
        return "\n".join(t.strip() for t in self.root.locator(".widget-output .jp-RenderedText").all_text_contents())

    def state(self) -> tuple[str, str]:
        return self.picture(), self.text()

    def drag(self, description: str, fraction: float) -> None:
        """Drag the slider's handle with the mouse to `fraction` (0 = left end, 1 = right end) of its track.

        Fractions outside [0, 1] drag past the end, which pins the slider at min or max.
        """
        slider = self.slider(description)
        for _ in range(3):  # JupyterLab's windowed notebook can move the cell after the first scroll
            slider.scroll_into_view_if_needed()
            handle = slider.locator(".noUi-handle").bounding_box()
            if handle and 0 <= handle["y"] <= VIEWPORT["height"] - handle["height"]:
                break
            time.sleep(0.3)
        track = slider.locator(".noUi-target").bounding_box()
        assert handle and track, self.notebook.where(f"slider {description!r} has no visible handle or track")
        mouse = self.notebook.page.mouse
        mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        mouse.down()
        mouse.move(track["x"] + fraction * track["width"], handle["y"] + handle["height"] / 2, steps=12)
        mouse.up()

    def press(self, description: str, key: str, times: int = 1) -> None:
        """Focus the slider's handle (as a Tab or a click would) and press `key` `times` times."""
        handle = self.slider(description).locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def wait_for_redraw(self, before: tuple[str, str], what: str, text: bool = True) -> tuple[str, str]:
        """Wait until the picture (and, if `text`, the printed text) differ from `before` and the kernel is idle."""
        deadline = time.monotonic() + REDRAW_TIMEOUT
        while True:
            now = self.state()
            text_changed = not text or (now[1] and now[1] != before[1])
            if now[0] and now[0] != before[0] and text_changed and self.notebook.kernel_idle():
                time.sleep(0.5)  # a later callback (one per key press) may still replace it
                settled = self.state()
                if settled == now and self.notebook.kernel_idle():
                    return now
                continue
            if time.monotonic() > deadline:
                picture = "unchanged" if now[0] == before[0] else ("missing" if not now[0] else "changed")
                text = "unchanged" if now[1] == before[1] else ("missing" if not now[1] else "changed")
                raise AssertionError(
                    self.notebook.where(
                        f"after {what} the explorer did not redraw within {REDRAW_TIMEOUT} s: picture {picture}, "
                        f"text {text} (text now: {now[1]!r})"
                    )
                )
            time.sleep(0.25)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.root.scroll_into_view_if_needed()
        self.root.screenshot(path=str(path))
        return path


@dataclass
class RunResult:
    seconds: float | None  # from Run All to the kernel's last activity; None if the server did not say or no run


class NotebookPage:
    """One notebook opened in JupyterLab, the only notebook of a window (a page, the only one of its context).

    A window's first notebook loads JupyterLab; a later one is opened in the JupyterLab already there,
    after the earlier notebook was closed (loading JupyterLab anew cost about 3 CPU seconds more each time).
    """

    def __init__(self, server: LabServer, window, name: str, run_all: bool = True):
        self.server, self.name, self.run_all = server, name, run_all
        self.path = server.root / name
        self.failure_screenshot: Path | None = None
        # One window per notebook at a time: pages of one context are tabs, and Chromium throttles
        # the timers and animation frames of the tabs in the background (sliders stopped redrawing).
        self.page = window
        self.page.set_default_timeout(PAGE_TIMEOUT * 1000)
        self.console: list[str] = []  # the browser console's errors and warnings, for failure messages
        self._listeners = {
            "console": lambda m: (
                self.console.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
            "pageerror": lambda e: self.console.append(f"page error: {e}"),
        }
        for event, listener in self._listeners.items():
            self.page.on(event, listener)
        self.notes: list[str] = []
        self.result: RunResult | None = None
        self.closed = False
        self.launch_error: BaseException | None = None
        self.running = False  # Run All has been clicked
        self._started = time.monotonic()
        self._idle_since: float | None = None

    # ---- messages and screenshots
    def where(self, message: str) -> str:
        shot = f" (screenshot: {self.failure_screenshot})" if self.failure_screenshot else ""
        return f"{self.name}: {message}{shot}"

    def screenshot(self, path: Path, full: bool = True) -> Path:
        """Screenshot of the browser window; `full` grows the window to the notebook's height first.

        JupyterLab scrolls the notebook inside its own panel, so Playwright's full_page
        would only capture the window: make the window as tall as the notebook instead.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        if full:
            height = self.page.evaluate(
                "() => { const n = document.querySelector("
                "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');"
                " return n ? n.scrollHeight : 0; }"
            )
            self.page.set_viewport_size(
                {"width": VIEWPORT["width"], "height": int(min(max(height + 200, VIEWPORT["height"]), 30000))}
            )
            self.page.evaluate(  # Run All leaves the notebook scrolled to its end
                "() => { const n = document.querySelector("
                "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');"
                " if (n) n.scrollTop = 0; }"
            )
            self.page.wait_for_timeout(1000)  # let the cells that came into view paint
        try:
            self.page.screenshot(path=str(path))
        finally:
            if full:
                self.page.set_viewport_size(VIEWPORT)
        return path

    # ---- JupyterLab state
    def status_bar(self) -> str:
        bar = self.page.locator("#jp-main-statusbar")
        return bar.inner_text() if bar.count() else ""

    def kernel_idle(self) -> bool:
        """Idle according to the status bar (it says 'Initializing' while the toolbar already says idle)."""
        text = self.status_bar()
        toolbar = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator")
        return (
            re.search(r"\| Idle\b", text) is not None
            and "No Kernel" not in text
            and toolbar.count() > 0
            and toolbar.first.get_attribute("data-status") == "idle"
        )

    def prompts(self) -> list[str]:
        return [
            p.strip()
            for p in self.page.locator(
                ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt"
            ).all_text_contents()
        ]

    def wait_until(self, condition, timeout: float, what: str, stable: float = 1.0) -> None:
        """Poll `condition` until it holds for `stable` seconds in a row."""
        deadline, since = time.monotonic() + timeout, None
        while True:
            if condition():
                since = since or time.monotonic()
                if time.monotonic() - since >= stable:
                    return
            else:
                since = None
            if time.monotonic() > deadline:
                raise AssertionError(
                    self.where(
                        f"timed out after {timeout} s waiting for {what}; status bar: "
                        f"{self.status_bar()!r}; prompts: {self.prompts()}"
                    )
                )
            time.sleep(0.25)

    # ---- actions
    def start_open(self) -> None:
        """Open this notebook: in the window's JupyterLab, or by loading JupyterLab with it in a fresh
        workspace (returns before the kernel is up)."""
        if self.page.url.startswith(self.server.url):
            self.page.evaluate("path => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", self.name)
            return
        workspace = re.sub(r"\W+", "-", self.name)  # a dot in a workspace name breaks the URL route
        self.page.goto(
            f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.name}?reset&token={self.server.token}",
            wait_until="commit",
        )

    def ready(self) -> bool:
        """The notebook is shown and its kernel has been idle for 1.5 s (a non-blocking finish_open)."""
        if not self._ready_or_kernel_dialog():
            self._idle_since = None
            return False
        self._idle_since = self._idle_since or time.monotonic()
        return time.monotonic() - self._idle_since >= 1.5

    def finish_open(self) -> None:
        """Wait until the notebook is shown and the kernel idle: the status bar, not only the toolbar.

        The toolbar's indicator says idle while the status bar still says 'Initializing',
        and a Run All clicked then is silently lost.
        """
        self.wait_until(
            self._ready_or_kernel_dialog, PAGE_TIMEOUT, "the kernel to start (status bar 'Idle')", stable=1.5
        )

    def _ready_or_kernel_dialog(self) -> bool:
        dialogs = self.page.locator(".jp-Dialog")
        slow = dialogs.filter(has_text="Keep Waiting")
        if slow.count():
            # "The loading screen is taking a long time": the machine is busy; a learner waits.
            self.notes.append("JupyterLab's loading took long enough to ask whether to keep waiting")
            slow.get_by_role("button", name="Keep Waiting").click()
            return False
        dialog = dialogs.filter(has_text="Select Kernel")
        if dialogs.count() and not dialog.count():
            raise AssertionError(self.where(f"JupyterLab shows a dialog: {dialogs.first.inner_text()!r}"))
        if dialog.count():
            # A notebook without kernelspec metadata asks; a learner would click Select.
            self.notes.append("JupyterLab asked to select a kernel (the notebook has no kernelspec metadata)")
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
            return False
        return self.kernel_idle()

    def menu(self, menu: str, item: str) -> None:
        self.page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile(rf"^{re.escape(menu)}$")).click()
        entry = self.page.locator(".lm-Menu-item").filter(
            has=self.page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(rf"^{re.escape(item)}$"))
        )
        entry.click()

    def show_all(self) -> None:
        """Expand every collapsed heading (the Deep dives) and show all code, as a learner who opens them sees it."""
        self.page.evaluate(
            "async () => { const c = window.jupyterapp.commands;"
            " await c.execute('notebook:expand-all-headings'); await c.execute('notebook:show-all-cell-code'); }"
        )

    def show_as_committed(self) -> None:
        """Instead of a run: everything expanded. Until a run, JupyterLab shows a committed widget as its text."""
        self.show_all()
        cells = len(self.code_cells())
        self.wait_until(lambda: len(self.prompts()) == cells, 30, f"all {cells} code cells to show", stable=0.5)
        self.result = RunResult(seconds=None)
        self.page.set_default_timeout(INTERACTION_TIMEOUT * 1000)

    def start_run(self) -> None:
        """Show every cell, Edit > Clear Outputs of All Cells, check that they are gone, Run > Run All Cells.

        Deep-dive sections start collapsed and exercise solutions with their code hidden; JupyterLab runs
        them all the same, but only shows what is expanded, so everything is expanded first (as a learner
        who opens them would see it) to check every cell's prompt and outputs.
        """
        self.show_all()
        self.menu("Edit", "Clear Outputs of All Cells")
        self.wait_until(
            lambda: (
                self.page.locator(
                    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell-outputArea .jp-OutputArea-child"
                ).count()
                == 0
                and all(p in ("[ ]:", "") for p in self.prompts())
            ),
            30,
            "Edit > Clear Outputs of All Cells to remove every output",
            stable=0.5,
        )
        self._started = time.monotonic()
        self._started_at = time.time()
        self._idle_since = None
        self.running = True
        self.menu("Run", "Run All Cells")
        self.wait_until(
            lambda: any(p == "[*]:" or re.fullmatch(r"\[\d+\]:", p) for p in self.prompts()),
            60,
            "Run > Run All Cells to start",
            stable=0,
        )

    def run_finished(self) -> bool:
        """True once no cell is queued or running and the kernel has been idle for 1.5 s (does not block).

        Raises when Run All has gone on for longer than RUN_ALL_TIMEOUT.
        """
        if self.result is not None:
            return True
        if "[*]:" not in self.prompts() and self.kernel_idle():
            self._idle_since = self._idle_since or time.monotonic()
            if time.monotonic() - self._idle_since >= 1.5:
                self.result = RunResult(seconds=self._run_seconds())
                self.page.set_default_timeout(INTERACTION_TIMEOUT * 1000)  # loaded: fail fast from now on
                return True
            return False
        self._idle_since = None
        if time.monotonic() - self._started > RUN_ALL_TIMEOUT:
            raise AssertionError(
                self.where(
                    f"Run All Cells did not finish within {RUN_ALL_TIMEOUT} s; status bar: "
                    f"{self.status_bar()!r}; prompts: {self.prompts()}"
                )
            )
        return False

    def _run_seconds(self) -> float | None:
        """How long Run All took, from the kernel's last activity as the server recorded it.

        (Two notebooks run side by side and a test may wait for one that finished earlier, so
        the time a test waited says little.)
        """
        try:
            for session in self.server.api("GET", "/api/sessions"):
                if session.get("path") == self.name:
                    last = datetime.fromisoformat(session["kernel"]["last_activity"].replace("Z", "+00:00"))
                    return last.timestamp() - self._started_at
        except (urllib.error.URLError, OSError, KeyError, ValueError):
            pass
        return None

    # ---- what the learner sees
    def source(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8"))

    def code_cells(self) -> list[dict]:
        return [c for c in self.source()["cells"] if c["cell_type"] == "code"]

    def problems(self) -> list[str]:
        """Everything a learner would see as broken after Run All, as readable messages."""
        problems = []
        # The texts of every cell's outputs, read in one call (a query per cell and output costs seconds)
        cells = self.page.evaluate(
            """() => Array.from(document.querySelectorAll(
                   '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')).map(cell => {
                 const texts = selector => Array.from(cell.querySelectorAll(selector)).map(e => e.textContent);
                 return {
                   code: cell.classList.contains('jp-CodeCell'),
                   stderr: texts(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"),
                   outputs: texts('.jp-Cell-outputArea .jp-OutputArea-output'),
                   plain: texts(".jp-Cell-outputArea .jp-RenderedText[data-mime-type='text/plain']"),
                 };
               })"""
        )
        code_number = 0
        for index, cell in enumerate(cells):
            is_code = cell["code"]
            code_number += is_code
            label = f"cell {index + 1}" + (f" (code cell {code_number})" if is_code else "")
            for text in cell["stderr"]:
                if TRACEBACK.search(text):
                    problems.append(f"{label}: error output:\n{text[-1500:]}")
            for text in cell["outputs"]:
                if "Error displaying widget" in text:
                    problems.append(f"{label}: {text.strip()[:300]}")
            for text in cell["plain"] if self.run_all else []:  # not run: widgets are text until then
                if WIDGET_REPR.search(text):
                    problems.append(
                        f"{label}: a widget is shown as text, not rendered "
                        f"(is the JupyterLab widget extension installed?): {text.strip()[:200]}"
                    )
        # Every non-empty code cell ran: an error stops Run All and leaves later prompts empty.
        prompts = self.prompts()
        nonempty = [bool("".join(c["source"]).strip()) for c in self.code_cells()]
        if len(prompts) != len(nonempty):
            problems.append(f"JupyterLab shows {len(prompts)} code cells, the file has {len(nonempty)}")
        else:
            not_run = [
                i + 1
                for i, (p, ran) in enumerate(zip(prompts, nonempty, strict=False))
                if ran and not re.fullmatch(r"\[\d+\]:", p)
            ]
            if not_run:
                problems.append(f"code cells {not_run} did not run (prompts: {[prompts[i - 1] for i in not_run]})")
        return problems

    def has_slider_code(self) -> bool:
        return any(SLIDER_CODE.search("".join(c["source"])) for c in self.code_cells())

    def committed_widget_views(self) -> int:
        return sum(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {})
            for c in self.code_cells()
            for o in c.get("outputs", [])
        )

    def rendered_widget_views(self) -> int:
        return self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell-outputArea > .jp-OutputArea-child"
            " > .jp-OutputArea-output > .jupyter-widgets"
        ).count()

    def rendered_sliders(self) -> int:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-slider .noUi-handle").count()

    def explorer(self, slider_description: str) -> Explorer:
        """The outermost rendered widget of the cell output that holds the slider with this description."""
        label = self.page.locator(".widget-label").filter(
            has_text=re.compile(rf"^\s*{re.escape(slider_description)}\s*$")
        )
        root = self.page.locator(
            ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
        ).filter(has=self.page.locator(".widget-slider").filter(has=label))
        count = root.count()
        assert count == 1, self.where(
            f"expected one explorer with a slider labelled {slider_description!r}, found {count}"
        )
        return Explorer(self, root)

    def close(self) -> None:
        """Shut the notebook's kernel down and close the notebook, unsaved (the committed notebooks never
        change: the server works on a copy); the window then opens the next notebook. A window that failed
        to load, or whose notebook does not close, is closed itself."""
        if self.closed:
            return
        self.closed = True
        try:
            self.server.shutdown_kernel_of(self.name)
        except (urllib.error.URLError, OSError):
            pass
        for event, listener in self._listeners.items():
            self.page.remove_listener(event, listener)
        reusable = False
        try:
            if self.launch_error is None:
                reusable = self.page.evaluate(
                    """async () => { const shell = window.jupyterapp.shell;
                         const open = () => Array.from(shell.widgets('main')).filter(w => w.context);  // no Launcher
                         for (const w of open()) {
                           w.context.model.dirty = false;  // no "save changes?" dialog
                           w.close();
                         }
                         for (let i = 0; i < 50 && open().length; i++) await new Promise(r => setTimeout(r, 100));
                         return open().length === 0; }"""
                )
        except Exception:  # the page crashed or never loaded JupyterLab
            pass
        if not reusable:
            self.page.context.close()  # NotebookRuns then stops offering the window


def notebook_names(edition: str) -> list[str]:
    """Every notebook of an edition ("en", or "ko" under ko/), so that a notebook added later is covered without
    editing the tests. Names are paths relative to notebooks/, as JupyterLab serves them."""
    if edition == "ko":
        return sorted(f"ko/{p.name}" for p in (NOTEBOOK_DIR / "ko").glob("*.ipynb"))
    return sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))


def pytest_generate_tests(metafunc):
    """notebook_name: the notebooks of the test class's edition (its `edition` attribute)."""
    if "notebook_name" in metafunc.fixturenames:
        metafunc.parametrize("notebook_name", notebook_names(metafunc.cls.edition))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots (git-ignored; CI keeps it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_configure(config):
    config.addinivalue_line("markers", "notebook(name): the browser test drives this notebook (opened and run for it)")
    if not hasattr(config, "workerinput"):  # once, in the main process: the folder shows this run only
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()


def _notebooks_of(item) -> list[str]:
    """The notebooks a test opens: its notebook_name parameter and its notebook markers."""
    callspec = getattr(item, "callspec", None)
    names = [callspec.params["notebook_name"]] if callspec and "notebook_name" in callspec.params else []
    return names + [m.args[0] for m in item.iter_markers("notebook")]


def pytest_collection_modifyitems(items):
    """Each slider test right after the Run All test of its notebook, so that the page can close then."""
    first_use = {}
    for index, item in enumerate(items):
        for name in _notebooks_of(item):
            first_use.setdefault(name, index)
    keys = {id(item): (min((first_use[n] for n in _notebooks_of(item)), default=i), i) for i, item in enumerate(items)}
    items.sort(key=lambda item: keys[id(item)])


def _notebook_uses(session, cls) -> tuple[list[str], set[str]]:
    """The notebooks the selected tests of a test class will open, once per test, in test order; and those
    to run (a test asks for executed_notebook), the others being opened as committed (opened_notebook)."""
    items = [item for item in session.items if getattr(item, "cls", None) is cls]
    uses = [(n, "opened_notebook" not in item.fixturenames) for item in items for n in _notebooks_of(item)]
    return [n for n, _ in uses if (NOTEBOOK_DIR / n).exists()], {n for n, run in uses if run}


class NotebookRuns:
    """Opens a test class's notebooks and runs them, RUNS_AT_ONCE at a time, in the order the tests need them.

    A test asks for its notebook with `get`, which keeps the next ones loading and running while it
    waits; a notebook's page (a JupyterLab front end and a kernel) is closed after the last test that
    uses it. All sixteen at once made each run several times slower on the 2-core machine and left
    the widget extension missing its start on busy pages (sliders shown as text); one by one, most of
    the time went to waiting for each front end and kernel to come up. A window whose notebook was
    closed opens the next one in the JupyterLab it has loaded.
    """

    def __init__(self, server: LabServer, browser, uses: list[str], to_run: set[str]):
        self.server, self.browser, self.to_run = server, browser, to_run
        self.queue = list(dict.fromkeys(uses))
        self.uses_left = Counter(uses)
        self.pages: dict[str, NotebookPage] = {}
        self.windows: list = []  # every window (a page in a context of its own) still open

    def _free_window(self):
        busy = {id(p.page) for p in self.pages.values() if not p.closed}
        self.windows = [w for w in self.windows if not w.is_closed()]
        for window in self.windows:
            if id(window) not in busy:
                return window
        self.windows.append(self.browser.new_context(viewport=VIEWPORT).new_page())
        return self.windows[-1]

    def _active(self) -> list[NotebookPage]:
        return [p for p in self.pages.values() if not p.closed and p.launch_error is None and p.result is None]

    def pump(self) -> None:
        """Move every started notebook one step on (Run All once its kernel is up) and start the next ones."""
        for page in self._active():
            try:
                if page.running:
                    page.run_finished()
                elif page.ready():
                    page.start_run() if page.run_all else page.show_as_committed()
                elif time.monotonic() - page._started > PAGE_TIMEOUT:
                    page.finish_open()  # waits once more and fails with the status bar in the message
            except Exception as error:
                page.launch_error = error
        while self.queue and len(self._active()) < RUNS_AT_ONCE:
            name = self.queue.pop(0)
            page = self.pages[name] = NotebookPage(self.server, self._free_window(), name, name in self.to_run)
            try:
                page.start_open()
            except Exception as error:
                page.launch_error = error

    def get(self, name: str) -> NotebookPage:
        """The notebook's page once its Run All has finished (or its launch error is set)."""
        page = self.pages.get(name)
        if (page is None or page.closed) and name not in self.queue:  # not planned, or closed earlier
            self.pages.pop(name, None)
            self.queue.insert(0, name)
        while True:
            self.pump()
            page = self.pages.get(name)
            if page is not None and (page.launch_error is not None or page.result is not None):
                return page
            time.sleep(0.25)

    def used(self, name: str) -> None:
        """A test is done with the notebook: close its page if no later test needs it."""
        self.uses_left[name] -= 1
        if self.uses_left[name] <= 0 and name in self.pages:
            self.pages[name].close()

    def close(self) -> None:
        for page in self.pages.values():
            page.close()
        for window in self.windows:
            if not window.is_closed():
                window.context.close()


@pytest.fixture(scope="class")
def _notebook_runs(request, jupyterlab, browser):
    """The NotebookRuns of a test class (one edition): under pytest-xdist a worker runs a whole class, and opens
    ahead only the notebooks of that class."""
    ARTIFACTS.mkdir(exist_ok=True)
    runs = NotebookRuns(jupyterlab, browser, *_notebook_uses(request.session, request.cls))
    yield runs
    runs.close()


@pytest.fixture
def executed_notebook(request, _notebook_runs):
    """Factory: the NotebookPage of a notebook opened in JupyterLab, outputs cleared, Run All finished.

    A failing test in which it was used gets a screenshot in
    tests/browser/artifacts/FAILED-<test>.png.
    """
    used: list[NotebookPage] = []
    request.node._notebook_pages = used

    def run(name: str) -> NotebookPage:
        if not (NOTEBOOK_DIR / name).exists():
            pytest.fail(f"{name} does not exist in {NOTEBOOK_DIR}; its browser test needs it", pytrace=False)
        page = _notebook_runs.get(name)
        page.failure_screenshot = ARTIFACTS / f"FAILED-{_slug(request.node.name)}.png"
        used.append(page)
        if page.launch_error is not None:
            raise page.launch_error
        return page

    yield run
    for page in used:
        _notebook_runs.used(page.name)


@pytest.fixture
def opened_notebook(executed_notebook):
    """Factory: the NotebookPage of a notebook opened in JupyterLab as committed, everything expanded, not run
    (unless another test of the class runs it: then it is that run's page)."""
    return executed_notebook


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, save a screenshot of each notebook page it used."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for page in getattr(item, "_notebook_pages", []):
        try:
            path = page.screenshot(page.failure_screenshot, full=False)
            report.sections.append(("browser screenshot", f"{page.name}: {path}"))
        except Exception as error:  # the page may have crashed; the test's own failure matters more
            report.sections.append(("browser screenshot", f"{page.name}: could not take one: {error}"))
