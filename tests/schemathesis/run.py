#!/usr/bin/env python3
"""The API document against the server: a bounded schemathesis pass.

Starts the real binary on 127.0.0.1 (port 0) with a fresh SQLite file and the demo data, signs
in through `POST /api/session`, and runs schemathesis over every operation of
`/api/openapi.json` as a customer, a manager, an admin and signed out. Any server error, any
answer whose status, content type, headers or body the document does not describe, and any
refused valid or accepted invalid request (see schemathesis.toml) fails the pass. The server is
stopped afterwards, whatever happened.

Usage: run.py PATH/TO/switchboard (the debug build; `make api-conformance` passes it).
Environment: SWITCHBOARD_SCHEMATHESIS_SEED (a number, or `random`; default fixed, so CI explores
the same cases every time) and SWITCHBOARD_SCHEMATHESIS_EXAMPLES (per operation and run).
"""

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
DEFAULT_SEED = 20260105
DEFAULT_EXAMPLES = 25
# A run that takes longer than this has hung; the whole pass aims at well under two minutes.
RUN_TIMEOUT_SECS = 150
START_TIMEOUT_SECS = 60


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = Path(sys.argv[1])
    if not binary.is_file():
        print(f"no server binary at {binary}; build it with `cargo build --bin switchboard`", file=sys.stderr)
        return 2
    seed = os.environ.get("SWITCHBOARD_SCHEMATHESIS_SEED", str(DEFAULT_SEED))
    if seed == "random":
        seed = str(random.randrange(1, 2**31))
    examples = os.environ.get("SWITCHBOARD_SCHEMATHESIS_EXAMPLES", str(DEFAULT_EXAMPLES))

    # A TERM (a CI timeout, say) unwinds like an error, so the server is stopped all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="switchboard-schemathesis-") as tmp:
        server, base = start_server(binary, Path(tmp))
        try:
            # Sign in before any run: the runs' failed sign-ins slow this address down.
            cookies = {name: sign_in(base, name) for name in ("carol", "ivan", "dana", "admin")}
            # Generated ids rarely name anything, so the customer's and the manager's runs are
            # aimed at a session of their own: commands reach the session rules instead of 404.
            # The admin run keeps generated ids (and their 404s).
            queue = get_json(base, "/api/queues", cookies["carol"])[0]["id"]
            carols = start_session(base, cookies["carol"], queue)
            ivans = start_session(base, cookies["ivan"], queue)
            canned = get_json(base, f"/api/queues/{queue}/canned", cookies["dana"])[0]["id"]
            # The admin run changes users; aimed at one made for it, it cannot set its own
            # password (which would end its session) or change a user another run signs in as.
            target = create_user(base, cookies["admin"], "schemathesis-target")
            # (who, cookie, extra configuration, extra arguments). Signed out, every operation
            # answers 401 before reading its input, so a few requests per operation say all.
            runs = [
                ("customer (carol)", cookies["carol"], aim_at(carols, canned), []),
                ("manager and agent (dana)", cookies["dana"], aim_at(ivans, canned), []),
                ("admin", cookies["admin"], pin("PATCH /api/admin/users/{id}", id=target), []),
                ("signed out", None, "", ["--phases", "fuzzing", "--max-examples", "5"]),
            ]
            for number, (label, cookie, extra_config, extra_args) in enumerate(runs):
                print(f"\n== schemathesis as {label}: seed {seed}", flush=True)
                config = Path(tmp) / f"schemathesis-{number}.toml"
                config.write_text(CONFIG.read_text() + "\n" + session_auth(cookie) + extra_config)
                if not run_schemathesis(base, seed, examples, config, extra_args, Path(tmp)):
                    failed.append(label)
        finally:
            stop_server(server)
            log = Path(tmp) / "server.log"
            if log.exists() and "panicked" in log.read_text(errors="replace"):
                print("\nthe server panicked; its log:\n" + log.read_text(errors="replace"), file=sys.stderr)
                failed.append("server panic")

    took = time.monotonic() - started
    if failed:
        print(f"\nschemathesis pass FAILED ({', '.join(failed)}) in {took:.0f} s; "
              f"reproduce with SWITCHBOARD_SCHEMATHESIS_SEED={seed}", file=sys.stderr)
        return 1
    print(f"\nschemathesis pass: no server error, the document matches every answer ({took:.0f} s)")
    return 0


def start_server(binary: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    """The server on a free loopback port; returns it and its base URL."""
    log_path = tmp / "server.log"
    # Its output goes to a file, never to a pipe nobody reads (a full pipe would stall its logs).
    # Only the configuration given here: no SWITCHBOARD_* of the caller's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")}
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(binary), "--demo", "--listen", "127.0.0.1:0",
             "--database-url", f"sqlite://{tmp / 'switchboard.db'}", "--log-level", "warn,switchboard=info"],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
    # The binary prints the bound address first (port 0 picks a free one).
    deadline = time.monotonic() + START_TIMEOUT_SECS
    listening = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
    while not (match := listening.search(log_path.read_text(errors="replace"))):
        if server.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            raise SystemExit("the server did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.05)
    base = match.group(1)
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise SystemExit("the server did not answer /healthz")
        time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def session_auth(cookie: str | None) -> str:
    """Configuration that authenticates through the document's `session` security scheme, so
    schemathesis knows the cookie is the credential (and can leave it out to check that an
    operation needs it). It is sent only to operations that declare the scheme: signing out
    never ends the run's own session."""
    if cookie is None:
        return ""
    token = cookie.split("=", 1)[1]
    return f'[auth.openapi.session]\napi_key = "{token}"\n\n'


def pin(operation: str, **path: str) -> str:
    """Configuration that fixes path parameters of one operation (`METHOD /path`)."""
    values = ", ".join(f'"path.{name}" = "{value}"' for name, value in path.items())
    return f'[[operations]]\ninclude-name = "{operation}"\nparameters = {{ {values} }}\n'


def aim_at(conversation: str, canned: str) -> str:
    """Configuration that aims every operation on a conversation at `conversation`."""
    return (
        '[[operations]]\ninclude-path-regex = "^/api/conversations/\\\\{id\\\\}"\n'
        f'parameters = {{ "path.id" = "{conversation}", "path.canned" = "{canned}" }}\n'
    )


def get_json(base: str, path: str, cookie: str):
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def start_session(base: str, cookie: str, queue: str) -> str:
    _, conversation, _ = post_json(base, f"/api/queues/{queue}/sessions", {
        "client_id": "schemathesis", "message": "A session for the schemathesis pass",
    }, cookie)
    return conversation["id"]


def post_json(base: str, path: str, body: dict, cookie: str | None = None) -> tuple[int, dict, str]:
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"POST {path}: {e.code} {e.read().decode(errors='replace')}") from None


def sign_in(base: str, username: str) -> str:
    """The session cookie of a demo user (password = username), as `name=value`."""
    _, _, set_cookie = post_json(base, "/api/session", {"username": username, "password": username})
    cookie = set_cookie.split(";", 1)[0]
    if not cookie.startswith("switchboard_session="):
        raise SystemExit(f"signing in {username} set no session cookie: {set_cookie!r}")
    return cookie


def create_user(base: str, admin_cookie: str, username: str) -> str:
    _, user, _ = post_json(base, "/api/admin/users", {
        "username": username, "display_name": "Schemathesis Target",
        "password": "long enough", "roles": ["customer"],
    }, admin_cookie)
    return user["id"]


def run_schemathesis(base: str, seed: str, examples: str, config: Path, extra_args: list[str], tmp: Path) -> bool:
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "--no-color", "run", f"{base}/api/openapi.json",
        "--checks", "all", "--seed", seed, "--max-examples", examples, *extra_args,
        # The WebSocket endpoint is no request-and-answer operation: a schema-valid GET is still
        # no upgrade (400), and a real upgrade answers 101 and stays open. Its handshake,
        # refusals and frames are tested in tests/api (origin.rs, socket.rs, bounds.rs).
        "--exclude-path", "/api/ws",
    ]
    # The working directory is the scratch folder: nothing schemathesis writes lands in the clone.
    try:
        result = subprocess.run(command, cwd=tmp, timeout=RUN_TIMEOUT_SECS)
    except subprocess.TimeoutExpired:
        print(f"schemathesis did not finish within {RUN_TIMEOUT_SECS} s", file=sys.stderr)
        return False
    return result.returncode == 0


if __name__ == "__main__":
    if not SCHEMATHESIS.exists():
        raise SystemExit(f"schemathesis is not installed next to {sys.executable}; run `make schemathesis-deps`")
    sys.exit(main())
