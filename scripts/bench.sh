#!/usr/bin/env bash
# Runs the load benchmark (bench/Relay.Bench): the relay and the floor (bench/Relay.Floor, a bare relay with no
# database) measured one after the other in this one run. Starts its own PostgreSQL (durable commits) and server
# processes on loopback ports, and stops them. Writes bench/results/<mode>.md and .json.
#   scripts/bench.sh           full mode (~15 minutes): 10,000 terminals, the issue's targets
#   scripts/bench.sh --quick   under 2 minutes: checks that the harness works (CI runs it); no targets
# Other options: --terminals N, --paired N, --only relay|floor, --rates R,R, --out DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# 10,000 WebSockets in one process, plus the servers' sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for project in src/Relay.Api bench/Relay.Floor bench/Relay.Bench; do
  dotnet build "$project" -c Release --nologo -v quiet
done
exec dotnet bench/Relay.Bench/bin/Release/net10.0/Relay.Bench.dll "$@"
