# shellcheck shell=bash disable=SC2034  # PG_* are outputs for the caller
# Helpers to run a private PostgreSQL cluster for development and tests. Source this file, then:
#   pg_start DIR PORT [name=value ...]   cluster in DIR/data, log DIR/log, socket in DIR, TCP on 127.0.0.1 only.
#                                        Sets PG_PORT (the port used: PORT, or the next free one), PG_PID and
#                                        PG_STARTED (1 if we started it, 0 if it was already running).
#   pg_stop DIR                          stops the cluster in DIR (fast shutdown) if it runs.
#   pg_psql ARGS...                      psql to 127.0.0.1:$PG_PORT as user relay.
# Superuser is `relay`, trust auth (loopback only). PostgreSQL refuses to run as root: as root, the server runs
# as the `postgres` user (DIR is chowned to it, and every parent of DIR must be traversable by it).

# Sets PG_BINDIR to a directory holding initdb, pg_ctl and postgres; installs PostgreSQL with apt when root.
pg_find_bindir() {
  local d
  [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
  for d in "$(pg_config --bindir 2>/dev/null)" \
           "$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)" \
           "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BINDIR=$d; return 0; fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${PG_INSTALL_TRIED:-}" ]; then
    PG_INSTALL_TRIED=1
    echo "postgres.sh: PostgreSQL server binaries not found; installing the Debian package 'postgresql'..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || return 1
    pg_find_bindir; return
  fi
  echo "postgres.sh: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found." >&2
  echo "  Looked at: pg_config --bindir, /usr/lib/postgresql/*/bin, PATH." >&2
  echo "  Install PostgreSQL 15+ (Debian/Ubuntu: sudo apt-get install postgresql), or set PG_BINDIR," >&2
  echo "  or point the relay at an existing server (ConnectionStrings__Relay / RELAY_TEST_DB)." >&2
  return 1
}

# Succeeds if something listens on TCP PORT (any local address).
pg_port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Prints the first free port at or after $1.
pg_free_port() {
  local p=$1
  while pg_port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Runs a PostgreSQL binary, as `postgres` when we are root.
_pg_run() {
  local bin=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BINDIR/$bin" "$@"; else "$PG_BINDIR/$bin" "$@"; fi
}

pg_start() {
  local dir=$1 port=$2; shift 2
  local data opts setting
  pg_find_bindir || return 1
  mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || return 1
  data=$dir/data
  case "$dir" in *"'"*|*' '*) echo "postgres.sh: cluster path must not contain spaces or quotes: $dir" >&2; return 1 ;; esac

  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$dir" || return 1
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "postgres.sh: the postgres user cannot reach $dir (a parent directory is not traversable)." >&2
      echo "  Fix: chmod o+x on its parents, or set ConnectionStrings__Relay to an existing server." >&2
      return 1
    fi
  fi

  # Already running (e.g. left over from an earlier run that was killed)? Reuse it, and do not claim it.
  if [ -f "$data/postmaster.pid" ] && _pg_run pg_ctl -D "$data" status >/dev/null 2>&1; then
    PG_PID=$(sed -n 1p "$data/postmaster.pid"); PG_PORT=$(sed -n 4p "$data/postmaster.pid"); PG_STARTED=0
    echo "postgres.sh: reusing the PostgreSQL already running in $data (pid $PG_PID, port $PG_PORT)" >&2
    return 0
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    if ! _pg_run initdb -D "$data" -A trust -U relay -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
      echo "postgres.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1
    fi
  fi

  # Unix socket inside DIR, unless that path is too long for a socket (then TCP only).
  local sockdir=$dir
  [ ${#dir} -gt 90 ] && sockdir=
  for _ in 1 2 3; do
    port=$(pg_free_port "$port")
    opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sockdir' -c max_connections=300"
    for setting in "$@"; do opts="$opts -c $setting"; done
    if _pg_run pg_ctl -D "$data" -o "$opts" -l "$dir/log" -w -t 60 start >/dev/null; then
      PG_PORT=$port; PG_PID=$(sed -n 1p "$data/postmaster.pid"); PG_STARTED=1
      echo "$PG_PID" >"$dir/started.pid"
      return 0
    fi
    # Lost a race for the port? Try the next one; otherwise give up.
    grep -q 'could not bind\|Address already in use' "$dir/log" 2>/dev/null || break
    port=$((port + 1))
  done
  echo "postgres.sh: PostgreSQL failed to start; end of $dir/log:" >&2
  tail -n 20 "$dir/log" >&2
  return 1
}

pg_stop() {
  local dir=$1 pid
  [ -f "$dir/data/postmaster.pid" ] || { rm -f "$dir/started.pid"; return 0; }
  pg_find_bindir || return 1
  pid=$(sed -n 1p "$dir/data/postmaster.pid")
  if ! _pg_run pg_ctl -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1; then
    # pg_ctl failed: signal the postmaster only if it is the one we started (SIGINT = fast shutdown).
    if [ -n "$pid" ] && [ "$pid" = "$(cat "$dir/started.pid" 2>/dev/null)" ] &&
       [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = postgres ]; then
      kill -INT "$pid" 2>/dev/null
    fi
  fi
  rm -f "$dir/started.pid"
}

pg_psql() {
  local psql=psql
  [ -x "${PG_BINDIR:-}/psql" ] && psql=$PG_BINDIR/psql
  "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U relay "$@"
}
