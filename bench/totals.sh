#!/usr/bin/env bash
# Times GET /api/v1/reports/totals over a million final transactions, with and without its index
# (ix_transactions_final_by_completed_at). Not part of CI or scripts/test.sh; run it by hand and record what it prints
# in bench/results/README.md.
#   bench/totals.sh                  a private PostgreSQL cluster in a temporary directory (scripts/postgres.sh), removed after
#   bench/totals.sh --pg-port 5432   an existing PostgreSQL on 127.0.0.1 (user relay, no password): its own database, dropped after
# Other options: --rows N (default 1000000), --runs N (timed runs per figure, default 5; one untimed run before them),
# --keep (leave the database, with the index, for a closer look; --pg-port only).
# It builds the relay, starts it once against a fresh database (which migrates it), creates an account and 20 terminals
# in 4 stores through the API, inserts the transactions with generate_series (50 registers, a year of completed_at,
# mixed types, statuses and currencies, results with receipts), VACUUM ANALYZEs, and times the endpoint with curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

ROWS=1000000 RUNS=5 EXISTING_PORT='' KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pg-port) EXISTING_PORT=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "totals.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

DB=relay_bench_totals_$$
WORK=$(mktemp -d /tmp/relay-bench-totals.XXXXXX)
RELAY_PID='' PG_STARTED=0 DB_CREATED=0
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  trap - EXIT INT TERM
  set +e
  if [ -n "$RELAY_PID" ] && kill -0 "$RELAY_PID" 2>/dev/null; then
    kill -TERM "$RELAY_PID"
    for _ in $(seq 1 20); do kill -0 "$RELAY_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$RELAY_PID" 2>/dev/null
  fi
  if [ "$DB_CREATED" = 1 ] && [ "$KEEP" = 1 ] && [ "$PG_STARTED" = 0 ]; then
    echo "Kept the database $DB on 127.0.0.1:$PG_PORT."
  elif [ "$DB_CREATED" = 1 ]; then
    pg_psql -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  fi
  [ "$PG_STARTED" = 1 ] && pg_stop "$WORK/postgres"
  [ "$(id -u)" = 0 ] && [ "$PG_STARTED" = 1 ] && chown -R "$(id -u):$(id -g)" "$WORK"
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Building the relay..."
DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet build src/Relay.Api -c Release --nologo -v quiet >/dev/null

if [ -n "$EXISTING_PORT" ]; then
  PG_PORT=$EXISTING_PORT
else
  [ "$(id -u)" = 0 ] && chmod 755 "$WORK"
  pg_start "$WORK/postgres" 56100
fi
pg_psql -d postgres -c "CREATE DATABASE $DB"
DB_CREATED=1
psql_db() { pg_psql -d "$DB" "$@"; }
echo "PostgreSQL $(psql_db -tAc 'SHOW server_version') on 127.0.0.1:$PG_PORT, database $DB"

# --- The relay, once: it migrates the database, then serves the timed requests ----------------------------------
PORT=$(pg_free_port 5180)
RELAY=http://127.0.0.1:$PORT
ADMIN_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
ConnectionStrings__Relay="Host=127.0.0.1;Port=$PG_PORT;Database=$DB;Username=relay" Relay__AdminApiKey=$ADMIN_KEY \
  ASPNETCORE_URLS=$RELAY Serilog__MinimumLevel=Warning DOTNET_NOLOGO=1 \
  dotnet src/Relay.Api/bin/Release/net10.0/Relay.Api.dll </dev/null >"$WORK/relay.log" 2>&1 &
RELAY_PID=$!
deadline=$((SECONDS + 120))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$RELAY/health/ready" || true)" = 200 ]; do
  kill -0 "$RELAY_PID" 2>/dev/null || { echo "totals.sh: the relay exited:" >&2; cat "$WORK/relay.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "totals.sh: the relay did not get ready:" >&2; tail -n 30 "$WORK/relay.log" >&2; exit 1; }
  sleep 1
done

api() { curl -sS --fail-with-body -H 'Content-Type: application/json' "$@"; }
account=$(api -X POST "$RELAY/api/v1/accounts" -H "Authorization: Bearer $ADMIN_KEY" -d '{"name":"Bench totals"}')
KEY=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$account")
ACCOUNT=$(psql_db -tAc "SELECT id FROM accounts")
for i in $(seq 0 19); do
  api -X POST "$RELAY/api/v1/terminals" -H "Authorization: Bearer $KEY" \
    -d "{\"label\":\"Terminal $i\",\"storeId\":\"store-$((i % 4))\"}" >/dev/null
done

# --- A year of final transactions --------------------------------------------------------------------------------
# Row i: register till-(i % 50) on terminal (i % 50) % 20, so a register always uses the same terminal and store; its
# completed_at advances through 2026 with i, and the rows are stored in that order, as the relay writes them (no join
# here: one would let the planner reorder them, leaving a day's rows on as many pages as it has rows).
echo "Inserting $ROWS transactions..."
started=$SECONDS
psql_db -v account="$ACCOUNT" -v rows="$ROWS" <<'SQL'
SELECT setseed(0.16) \gset
CREATE TEMP TABLE bench_terminals AS SELECT array_agg(id ORDER BY label) AS ids FROM terminals WHERE account_id = :'account';
INSERT INTO transactions (id, account_id, register_id, register_name, terminal_id, type, status, amount, currency,
    cash_out_amount, tip_amount, reference, created_at, updated_at, expires_at, delivered_at, started_at, completed_at,
    result)
SELECT gen_random_uuid(), :'account', 'till-' || r, 'Till ' || r, (SELECT ids FROM bench_terminals)[r % 20 + 1], x.type, x.status,
    CASE WHEN x.priced THEN x.amount END, CASE WHEN x.priced THEN x.currency END,
    CASE WHEN x.type = 'cash_out' THEN 2000 END, CASE WHEN x.tip_asked THEN x.tip END, 'order-' || i,
    x.ended - interval '20 seconds', x.ended, x.ended + interval '70 seconds',
    CASE WHEN x.status <> 'expired' THEN x.ended - interval '18 seconds' END,
    CASE WHEN x.status <> 'expired' THEN x.ended - interval '17 seconds' END, x.ended,
    CASE WHEN x.status IN ('approved', 'declined', 'failed') THEN jsonb_strip_nulls(jsonb_build_object(
        'outcome', x.status, 'responseCode', CASE x.status WHEN 'approved' THEN '00' WHEN 'declined' THEN '51' ELSE '96' END,
        'responseText', CASE x.status WHEN 'approved' THEN 'Approved' WHEN 'declined' THEN 'Insufficient funds'
                        ELSE 'Card read error' END,
        'authCode', CASE WHEN x.status = 'approved' THEN upper(substr(md5(i::text), 1, 6)) END,
        'cardScheme', 'visa', 'maskedPan', '************4242', 'entryMode', 'contactless', 'paymentMethod', 'card',
        'terminalReference', 'SIM' || upper(substr(md5('ref' || i), 1, 8)),
        'amountAuthorised', CASE WHEN x.status = 'approved' AND x.priced
                                 THEN x.amount + COALESCE(x.tip, 0) + COALESCE(x.surcharge, 0) END,
        'tipAmount', x.tip, 'surchargeAmount', CASE WHEN x.status = 'approved' THEN x.surcharge END,
        'merchantReceipt', x.receipt || E'\nMERCHANT COPY', 'customerReceipt', x.receipt || E'\nCUSTOMER COPY'))
    END
FROM generate_series(0, :rows - 1) AS i
CROSS JOIN LATERAL (SELECT i % 50 AS r, random() AS k, random() AS s, random() AS c) AS pick
CROSS JOIN LATERAL (SELECT
    CASE WHEN k < 0.84 THEN 'purchase' WHEN k < 0.92 THEN 'refund' WHEN k < 0.94 THEN 'cash_out' WHEN k < 0.96 THEN 'void'
         WHEN k < 0.98 THEN 'settlement' ELSE 'logon' END AS type,
    CASE WHEN s < 0.88 THEN 'approved' WHEN s < 0.95 THEN 'declined' WHEN s < 0.97 THEN 'cancelled' WHEN s < 0.99 THEN 'failed'
         ELSE 'expired' END AS status,
    (100 + floor(random() * 20000))::bigint AS amount,
    CASE WHEN c < 0.9 THEN 'NZD' ELSE 'AUD' END AS currency,
    CASE WHEN random() < 0.15 THEN (50 + floor(random() * 500))::bigint END AS tip,
    random() < 0.5 AS tip_asked,
    CASE WHEN random() < 0.05 THEN 50::bigint END AS surcharge,
    timestamptz '2026-01-01 00:00:00+00' + (i * (interval '365 days' / :rows)) AS ended) AS y
CROSS JOIN LATERAL (SELECT y.*, y.type NOT IN ('settlement', 'logon') AS priced,
    E'RELAY SIMULATOR\nTerminal ' || (pick.r % 20) || E'  Till ' || pick.r || E'\n' || to_char(y.ended, 'YYYY-MM-DD HH24:MI')
    || E'\nPURCHASE\nAMOUNT         NZD ' || (y.amount / 100.0)::numeric(12, 2)
    || E'\nVISA CONTACTLESS ************4242\nAID A0000000031010\nAUTH ' || upper(substr(md5(i::text), 1, 6))
    || E'\nAPPROVED\nTHANK YOU' AS receipt) AS x;
SQL
echo "  inserted in $((SECONDS - started)) s"
psql_db -c "VACUUM ANALYZE transactions"
psql_db -tAc "SELECT 'table ' || pg_size_pretty(pg_table_size('transactions')) || ', index ' ||
  pg_size_pretty(pg_relation_size('ix_transactions_final_by_completed_at')) || ', correlation of completed_at with the rows'' order '
  || round(correlation::numeric, 3) FROM pg_stats WHERE tablename = 'transactions' AND attname = 'completed_at'"

# --- Timing --------------------------------------------------------------------------------------------------------
DAY_FROM=2026-07-15T00:00:00Z DAY_TO=2026-07-16T00:00:00Z
TERMINAL=$(psql_db -tAc "SELECT id FROM terminals WHERE store_id = 'store-1' ORDER BY label LIMIT 1")
declare -A CASES=(
  ["one day, the account"]="from=$DAY_FROM&to=$DAY_TO"
  ["one day, one store"]="from=$DAY_FROM&to=$DAY_TO&storeId=store-1"
  ["one day, one terminal"]="from=$DAY_FROM&to=$DAY_TO&terminalId=$TERMINAL"
  ["one month, the account"]="from=2026-07-01T00:00:00Z&to=2026-08-01T00:00:00Z"
  ["the whole year, the account"]="from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z"
)
ORDER=("one day, the account" "one day, one store" "one day, one terminal" "one month, the account" "the whole year, the account")

# Prints the median of RUNS timed requests (after one untimed), in milliseconds, and checks each answered 200.
median_ms() {
  local url="$RELAY/api/v1/reports/totals?$1" out code times=()
  curl -s -o /dev/null -H "Authorization: Bearer $KEY" "$url"
  for _ in $(seq 1 "$RUNS"); do
    out=$(curl -s -o "$WORK/body.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $KEY" "$url")
    code=${out%% *}
    [ "$code" = 200 ] || { echo "totals.sh: $url answered $code: $(cat "$WORK/body.json")" >&2; exit 1; }
    times+=("$(awk -v s="${out#* }" 'BEGIN { printf "%.1f", s * 1000 }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# The count of the last response, to show each case summed what it should.
counted() { grep -o '"count":[0-9]*' "$WORK/body.json" | awk -F: '{ n += $2 } END { print n + 0 }'; }

# The statement the relay sends for one day (Reports/ReportQueries.cs), with the day's values in place of its parameters.
explain_day() {
  psql_db -v account="$ACCOUNT" -v from="$DAY_FROM" -v to="$DAY_TO" <<'SQL'
EXPLAIN (ANALYZE, BUFFERS)
SELECT t.type, t.status, t.currency, count(*) AS count,
    COALESCE(sum(t.amount), 0)::bigint AS amount,
    COALESCE(sum((t.result ->> 'amountAuthorised')::bigint), 0)::bigint AS amount_authorised,
    COALESCE(sum(COALESCE((t.result ->> 'tipAmount')::bigint, t.tip_amount)), 0)::bigint AS tip_amount,
    COALESCE(sum(t.cash_out_amount), 0)::bigint AS cash_out_amount,
    COALESCE(sum((t.result ->> 'surchargeAmount')::bigint), 0)::bigint AS surcharge_amount
FROM transactions t
WHERE t.account_id = :'account' AND t.completed_at >= :'from' AND t.completed_at < :'to'
  AND t.status NOT IN ('pending', 'delivered', 'in_progress', 'cancel_requested')
GROUP BY t.type, t.status, t.currency ORDER BY t.type, t.status, t.currency;
SQL
}

declare -A WITH WITHOUT ROWS_SEEN
for name in "${ORDER[@]}"; do
  WITH[$name]=$(median_ms "${CASES[$name]}")
  ROWS_SEEN[$name]=$(counted)
done
echo
echo "EXPLAIN (ANALYZE, BUFFERS), one day, with the index:"
explain_day

psql_db -c "DROP INDEX ix_transactions_final_by_completed_at" -c "ANALYZE transactions"
for name in "${ORDER[@]}"; do WITHOUT[$name]=$(median_ms "${CASES[$name]}"); done
echo
echo "EXPLAIN (ANALYZE, BUFFERS), one day, without the index:"
explain_day

started=$(date +%s%N)
psql_db -c 'CREATE INDEX ix_transactions_final_by_completed_at ON transactions (account_id, completed_at, terminal_id)
  WHERE completed_at IS NOT NULL'
built_ms=$((($(date +%s%N) - started) / 1000000))

echo
echo "GET /api/v1/reports/totals over $ROWS final transactions, median of $RUNS (ms, curl's time_total):"
printf '| %-28s | %12s | %10s | %13s |\n' "period" "transactions" "with index" "without index"
printf '|%s|%s|%s|%s|\n' "------------------------------" "-------------:" "-----------:" "--------------:"
for name in "${ORDER[@]}"; do
  printf '| %-28s | %12s | %10s | %13s |\n' "$name" "${ROWS_SEEN[$name]}" "${WITH[$name]}" "${WITHOUT[$name]}"
done
echo "Building the index again over the $ROWS rows: ${built_ms} ms."
