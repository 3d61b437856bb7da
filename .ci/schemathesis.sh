#!/usr/bin/env bash
# Property-based checks of the management API against its own OpenAPI
# document, once per role (issue 15, "make it hard to bring back").
#
# What it does, on a clean checkout:
#   1. installs schemathesis (pinned, from PyPI) into a venv under
#      target/schemathesis/ unless that venv already has this version;
#   2. builds `bot-connector` (debug); for each role starts a fresh
#      `bot-connector demo` on a free loopback port (the in-process LiveEngage
#      emulator, a running demo bot, the API, the dashboard and the tester),
#      reads the demo's admin token from its output, and creates a token of
#      the role through the API: admin, campaign_manager, agent_manager,
#      agent, and a custom one (view + start). A fresh server per role: an
#      admin run revokes tokens and deletes bots it finds;
#   3. runs schemathesis once per token against GET /api/openapi.json,
#      bounded (--max-examples, --max-time and a hard `timeout`), failing on
#      - any 5xx                               (not_a_server_error)
#      - an answer whose body leaves the schema (response_schema_conformance)
#      - a status code the document does not list (status_code_conformance)
#      - a content type the document does not list (content_type_conformance)
#      - any 2xx that the role table forbids    (role_table, below: each
#        operation's `x-permission` in the document lists the permissions of
#        which the caller needs one; the role's permissions are those of
#        `Role::permissions` in bins/bot-connector/src/access.rs, which the
#        role-table tests pin, repeated in ROLE_PERMISSIONS here);
#   4. stops each server after its run, and however the script ends (trap);
#      a server that died or logged a panic fails the run.
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 8), SCHEMATHESIS_MAX_TIME
# seconds per role (default 30). Reports (JUnit) go to
# target/schemathesis/reports/. Runs in about two to three minutes after the
# build on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

SCHEMATHESIS_VERSION="4.32.5"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-8}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-30}"
WORK="$PWD/target/schemathesis"
VENV="$WORK/venv"
mkdir -p "$WORK/reports"

# The role table of bins/bot-connector/src/access.rs (Role::permissions).
declare -A ROLE_PERMISSIONS=(
    [admin]="view,create,start,stop,edit,delete,manage_tokens"
    [campaign_manager]="view,create,start,stop,edit,delete,manage_tokens"
    [agent_manager]="view,stop,edit,delete"
    [agent]="view,stop,edit,delete"
    [custom]="view,start"
)

echo "-- schemathesis $SCHEMATHESIS_VERSION"
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$VENV/bin/schemathesis" --version

echo "-- build bot-connector"
cargo build --quiet -p bot-connector --bin bot-connector
LOG="$WORK/server.log"
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap stop_server EXIT

# Starts a fresh `bot-connector demo` (its own emulator and in-memory state):
# sets BASE and ADMIN (the demo's admin token). A fresh one per role, so a
# role that may revoke tokens or delete bots cannot spoil the next role's run.
start_server() {
    : >"$LOG"
    RUST_LOG="${RUST_LOG:-warn}" "$ROOT/target/debug/bot-connector" demo --listen 127.0.0.1:0 >>"$LOG" 2>&1 &
    SERVER_PID=$!
    BASE=""
    ADMIN=""
    for _ in $(seq 1 600); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "bot-connector demo exited early:" >&2
            cat "$LOG" >&2
            exit 1
        fi
        line="$(grep -m1 'Management API:' "$LOG" || true)"
        if [ -n "$line" ]; then
            BASE="$(echo "$line" | grep -oE 'http://[0-9.:]+' | head -1)"
            ADMIN="$(echo "$line" | grep -oE 'bc_[A-Za-z0-9]+' | head -1)"
            break
        fi
        sleep 0.2
    done
    if [ -z "$BASE" ] || [ -z "$ADMIN" ]; then
        echo "bot-connector demo did not print its API address and token in 120 s:" >&2
        cat "$LOG" >&2
        exit 1
    fi
}

# Stops the server; fails the run if it died or panicked meanwhile.
check_and_stop_server() {
    local role="$1"
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "bot-connector died during the run as $role:" >&2
        tail -50 "$LOG" >&2
        failed=1
    fi
    if grep -q "panicked" "$LOG"; then
        echo "bot-connector panicked during the run as $role:" >&2
        grep -B2 -A5 "panicked" "$LOG" >&2
        failed=1
    fi
    stop_server
}

# A token of `role` (custom: with the permissions of ROLE_PERMISSIONS[custom]).
new_token() {
    local role="$1" body
    if [ "$role" = custom ]; then
        body="{\"name\":\"schemathesis $role\",\"role\":\"custom\",\"permissions\":[\"$(echo "${ROLE_PERMISSIONS[custom]}" | sed 's/,/","/g')\"]}"
    else
        body="{\"name\":\"schemathesis $role\",\"role\":\"$role\"}"
    fi
    curl -sS --fail-with-body -X POST "$BASE/api/tokens" \
        -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$body" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# The check that knows the role table.
cat >"$WORK/role_table_hooks.py" <<'PY'
"""A schemathesis check: no 2xx for an operation the token's role may not call."""
import os

import schemathesis

PERMISSIONS = {p for p in os.environ.get("BC_PERMISSIONS", "").split(",") if p}


@schemathesis.check
def role_table(ctx, response, case):
    if not 200 <= response.status_code < 300:
        return None
    needed = case.operation.definition.raw.get("x-permission")
    if needed is None:
        raise AssertionError(f"{case.operation.label} has no x-permission in the document")
    if needed and not PERMISSIONS & set(needed):
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} to a token with "
            f"{sorted(PERMISSIONS)}; the role table asks for one of {needed}"
        )
    return None
PY

failed=0
for role in admin campaign_manager agent_manager agent custom; do
    start_server
    token="$(new_token "$role")"
    echo "-- schemathesis as $role (${ROLE_PERMISSIONS[$role]}) against $BASE"
    started=$SECONDS
    # From inside target/: schemathesis keeps a crash cache in its working folder.
    cd "$WORK"
    if ! PYTHONPATH="$WORK" SCHEMATHESIS_HOOKS=role_table_hooks BC_PERMISSIONS="${ROLE_PERMISSIONS[$role]}" \
        timeout $((MAX_TIME + 60)) "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" \
        --url "$BASE" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,role_table \
        --phases examples,coverage,fuzzing \
        --max-examples "$MAX_EXAMPLES" \
        --max-time "$MAX_TIME" \
        --request-timeout 20 \
        --workers 1 \
        --generation-database none \
        --no-color \
        --report junit --report-junit-path "$WORK/reports/$role.xml"; then
        echo "schemathesis found problems as $role (report: $WORK/reports/$role.xml)" >&2
        failed=1
    fi
    cd "$ROOT"
    check_and_stop_server "$role"
    echo "-- $role took $((SECONDS - started)) s"
done
exit "$failed"
