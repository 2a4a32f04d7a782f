#!/usr/bin/env bash
# A local Synapse for `switchboard-load --target matrix` (docs/benchmarks.md): installed into a
# venv outside the repository, one server on 127.0.0.1 with SQLite, open registration and no
# rate limits that the load would hit.
#
#   scripts/synapse.sh install        venv under ${SWITCHBOARD_TOOLS:-/var/tmp/switchboard-ci}
#   scripts/synapse.sh start DIR      config, database, log and pid file in DIR; waits until up
#   scripts/synapse.sh stop DIR
#
# SYNAPSE_PORT (default 8008) is the port it listens on.
set -euo pipefail

SYNAPSE_VERSION=1.163.2
TOOLS=${SWITCHBOARD_TOOLS:-/var/tmp/switchboard-ci}
VENV=$TOOLS/synapse-venv
PORT=${SYNAPSE_PORT:-8008}

usage() {
    echo "usage: $0 install | start DIR | stop DIR" >&2
    exit 2
}

install() {
    mkdir -p "$TOOLS"
    if [[ ! -x $VENV/bin/python ]]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet "matrix-synapse==$SYNAPSE_VERSION"
    "$VENV/bin/python" -c 'import synapse; print("synapse", synapse.__version__)'
}

start() {
    local dir=$1
    [[ -x $VENV/bin/python ]] || { echo "no Synapse in $VENV: run $0 install" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -f $dir/synapse.pid ]] && kill -0 "$(cat "$dir/synapse.pid")" 2>/dev/null; then
        echo "Synapse already runs from $dir (pid $(cat "$dir/synapse.pid"))" >&2
        exit 1
    fi
    rm -f "$dir/synapse.pid"
    local url=http://127.0.0.1:$PORT/_matrix/client/versions
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
        echo "something already answers on port $PORT: stop it or set SYNAPSE_PORT" >&2
        exit 1
    fi
    if [[ ! -f $dir/homeserver.yaml ]]; then
        # Keys (signing, macaroon, form secret) and the log config; the rest is overridden below.
        (cd "$dir" && "$VENV/bin/python" -m synapse.app.homeserver \
            --server-name localhost --config-path "$dir/homeserver.yaml" \
            --data-directory "$dir" --generate-config --report-stats=no >/dev/null)
    fi
    # A second config file: its top-level keys replace the generated ones.
    local huge='{per_second: 100000, burst_count: 100000}'
    cat >"$dir/load.yaml" <<YAML
server_name: localhost
pid_file: $dir/synapse.pid
listeners:
  - port: $PORT
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: $dir/homeserver.db
media_store_path: $dir/media_store
log_config: $dir/localhost.log.config
report_stats: false
enable_registration: true
enable_registration_without_verification: true
registrations_require_3pid: []
use_presence: false
presence:
  enabled: false
federation_domain_whitelist: []
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
enable_metrics: false
# Only the set-up registers users (and hashes their passwords): cheap hashing keeps a big desk's
# set-up short and does not touch what is measured.
bcrypt_rounds: 4
rc_message: $huge
rc_registration: $huge
rc_registration_token_validity: $huge
rc_login:
  address: $huge
  account: $huge
  failed_attempts: $huge
rc_joins:
  local: $huge
  remote: $huge
rc_joins_per_room: $huge
rc_invites:
  per_room: $huge
  per_user: $huge
  per_issuer: $huge
rc_third_party_invite: $huge
rc_room_creation: $huge
rc_admin_redaction: $huge
rc_3pid_validation: $huge
rc_presence:
  per_user: $huge
rc_delayed_event_mgmt: $huge
rc_reports: $huge
rc_media_create: $huge
rc_key_requests: $huge
rc_user_directory: $huge
rc_profile: $huge
YAML
    # Quiet log: warnings only, to a file in DIR.
    sed -i 's/^\(\s*level:\s*\)INFO/\1WARNING/' "$dir/localhost.log.config"
    "$VENV/bin/python" -m synapse.app.homeserver \
        --config-path "$dir/homeserver.yaml" --config-path "$dir/load.yaml" \
        --daemonize
    for _ in $(seq 1 120); do
        if [[ -f $dir/synapse.pid ]] && ! kill -0 "$(cat "$dir/synapse.pid")" 2>/dev/null; then
            echo "Synapse exited while starting; see $dir/homeserver.log" >&2
            exit 1
        fi
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then
            echo "Synapse $SYNAPSE_VERSION on http://127.0.0.1:$PORT (pid $(cat "$dir/synapse.pid"), data in $dir)"
            return 0
        fi
        sleep 0.5
    done
    echo "Synapse did not answer $url within 60 s; see $dir/homeserver.log" >&2
    stop "$dir" || true
    exit 1
}

stop() {
    local dir=$1
    local pidfile=$dir/synapse.pid
    [[ -f $pidfile ]] || { echo "no $pidfile: not running" >&2; return 0; }
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "Synapse (pid $pid) did not stop within 10 s: killing it" >&2
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
    echo "Synapse stopped"
}

case ${1:-} in
    install) install ;;
    start) [[ $# -eq 2 ]] || usage; start "$2" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
