#!/usr/bin/env bash
# Runs the relay locally from a fresh clone, in the foreground until Ctrl+C / SIGTERM.
#  - PostgreSQL: uses ConnectionStrings__Relay if set, else a private cluster in .data/postgres
#    (port RELAY_PG_PORT, default 55432) that this script starts and stops.
#  - Admin key: Relay__AdminApiKey if set, else generated once into .data/admin-key.
#  - A development account, created on first run and kept in .data/dev-account.json.
# The relay listens on http://127.0.0.1:${RELAY_PORT:-5080}; its output goes to .data/relay.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DATA=$ROOT/.data
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

RELAY_PORT=${RELAY_PORT:-5080}
RELAY=http://127.0.0.1:$RELAY_PORT
RELAY_LOG=$DATA/relay.log
RELAY_PID='' TAIL_PID='' PG_DIR='' PG_STARTED=0

for tool in dotnet curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is required but not on PATH." >&2; exit 1; }
done
mkdir -p "$DATA"
[ "$(id -u)" = 0 ] && chmod 755 "$DATA"   # the postgres user must traverse it to reach .data/postgres

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  trap - EXIT INT TERM
  set +e
  [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
  if [ -n "$RELAY_PID" ] && kill -0 "$RELAY_PID" 2>/dev/null; then
    echo "Stopping the relay (pid $RELAY_PID)..."
    kill -TERM -- "-$RELAY_PID" 2>/dev/null   # its own process group: dotnet run and the app it started
    for _ in $(seq 1 30); do kill -0 "$RELAY_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$RELAY_PID" 2>/dev/null
  fi
  if [ "$PG_STARTED" = 1 ]; then
    echo "Stopping PostgreSQL (pid $PG_PID)..."
    pg_stop "$PG_DIR"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL ---------------------------------------------------------------------------------------------
if [ -z "${ConnectionStrings__Relay:-}" ]; then
  PG_DIR=$DATA/postgres
  want=${RELAY_PG_PORT:-55432}
  echo "Starting PostgreSQL in $PG_DIR ..."
  pg_start "$PG_DIR" "$want"
  [ "$PG_PORT" = "$want" ] || echo "Port $want is taken; PostgreSQL listens on $PG_PORT instead."
  if [ -z "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = 'relay'")" ]; then
    pg_psql -d postgres -c 'create database relay'
  fi
  export ConnectionStrings__Relay="Host=127.0.0.1;Port=$PG_PORT;Database=relay;Username=relay"
else
  echo "Using the PostgreSQL in ConnectionStrings__Relay."
fi

# --- Admin key ----------------------------------------------------------------------------------------------
if [ -z "${Relay__AdminApiKey:-}" ]; then
  if [ ! -s "$DATA/admin-key" ]; then
    (umask 077; { openssl rand -hex 32 2>/dev/null || od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; } >"$DATA/admin-key")
  fi
  chmod 600 "$DATA/admin-key"
  Relay__AdminApiKey=$(tr -d '\n' <"$DATA/admin-key")
fi
export Relay__AdminApiKey

# --- Relay ----------------------------------------------------------------------------------------------------
if pg_port_in_use "$RELAY_PORT"; then
  echo "run.sh: port $RELAY_PORT is already in use (another relay?). Stop it or set RELAY_PORT." >&2
  exit 1
fi
export ASPNETCORE_URLS=$RELAY
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Relay__Webhooks__AllowPrivateNetworks=${Relay__Webhooks__AllowPrivateNetworks:-true}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "Building the relay..."
dotnet build src/Relay.Api --nologo -v quiet
echo "Starting the relay on $RELAY (output: $RELAY_LOG) ..."
# setsid: the relay gets its own process group (its id is RELAY_PID), so cleanup can stop exactly it and its child.
setsid dotnet run --project src/Relay.Api --no-launch-profile --no-build </dev/null >"$RELAY_LOG" 2>&1 &
RELAY_PID=$!

deadline=$((SECONDS + ${RELAY_READY_TIMEOUT:-120}))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$RELAY/health/ready" || true)" = 200 ]; do
  if ! kill -0 "$RELAY_PID" 2>/dev/null; then
    echo "run.sh: the relay exited during start-up. Its output:" >&2
    cat "$RELAY_LOG" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run.sh: $RELAY/health/ready did not answer 200 in time. Last output:" >&2
    tail -n 50 "$RELAY_LOG" >&2
    exit 1
  fi
  sleep 1
done

# --- Development account ------------------------------------------------------------------------------------
account_key() {
  [ -f "$DATA/dev-account.json" ] || return 0
  sed -n 's/.*"apiKey"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$DATA/dev-account.json" | head -n 1
}
KEY=$(account_key)
if [ -z "$KEY" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" \
       "$RELAY/api/v1/terminals" || true)" != 200 ]; then
  echo "Creating the development account..."
  response=$(curl -sS -w '\n%{http_code}' -X POST "$RELAY/api/v1/accounts" \
    -H "Authorization: Bearer $Relay__AdminApiKey" -H 'Content-Type: application/json' -d '{"name":"Development"}')
  status=${response##*$'\n'}
  body=${response%$'\n'*}
  if [ "$status" != 201 ]; then
    echo "run.sh: POST /api/v1/accounts answered $status: $body" >&2
    exit 1
  fi
  (umask 077; printf '%s\n' "$body" >"$DATA/dev-account.json")
  chmod 600 "$DATA/dev-account.json"
  KEY=$(account_key)
  [ -n "$KEY" ] || { echo "run.sh: no apiKey in the account response: $body" >&2; exit 1; }
fi

# --- Banner -----------------------------------------------------------------------------------------------------
cat <<EOF

==================================================================================================
 Relay is running: $RELAY        Swagger: $RELAY/swagger
 Dashboard:        $RELAY/dashboard   (sign in with the account API key, or the admin key for every account)
 Metrics:          $RELAY/metrics     (Prometheus text; the admin key)
 Admin key:        $Relay__AdminApiKey
 Account API key:  $KEY   (account "Development", saved in .data/dev-account.json)
${PG_DIR:+ PostgreSQL:       $ConnectionStrings__Relay (data in .data/postgres)
}==================================================================================================
Try it (copy-paste):

  RELAY=$RELAY
  KEY=$KEY

  # 1) create a terminal; note its activationCode
  curl -s -X POST \$RELAY/api/v1/terminals -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/json' -d '{"label":"Till 1"}'

  # 2) in a second shell: activate the simulated terminal, then run it (it prints a pairing code)
  dotnet run --project src/Relay.Terminal.Simulator -- activate --relay $RELAY --code <activationCode>
  dotnet run --project src/Relay.Terminal.Simulator -- run

  # 3) pair a register with the terminal
  curl -s -X POST \$RELAY/api/v1/pairings -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/json' -d '{"pairingCode":"<code>","registerId":"till-1","registerName":"Till 1"}'

  # 4) take a payment (waits up to 30 s for the terminal's result); watch it on the dashboard
  curl -s -X POST \$RELAY/api/v1/transactions -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/json' -H "Idempotency-Key: \$(uuidgen || cat /proc/sys/kernel/random/uuid)" -H 'Prefer: wait=30' -d '{"registerId":"till-1","type":"purchase","amount":1250,"currency":"NZD"}'

  # 5) what the relay counted
  curl -s \$RELAY/metrics -H "Authorization: Bearer $Relay__AdminApiKey" | grep '^relay_'

Relay output follows (also in $RELAY_LOG). Ctrl+C stops the relay and the PostgreSQL this script started.
EOF

tail -n 0 -f "$RELAY_LOG" &
TAIL_PID=$!
set +e
wait "$RELAY_PID"
status=$?
echo "The relay exited (status $status)."
exit "$status"
