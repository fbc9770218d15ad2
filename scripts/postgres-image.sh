# shellcheck shell=bash disable=SC2034  # DOCKERD_PID is an output for the caller
# A Docker engine and a postgres:15 image for the tests' PostgreSQL container (Testcontainers, started by
# tests/Relay.Tests/Infrastructure/TestPostgres.cs). Source this file, then:
#   docker_engine_up                makes a Docker engine reachable. Uses one that already answers (a laptop's, GitHub
#                                   Actions'); otherwise, as root, installs Debian's docker.io if dockerd is missing and
#                                   starts dockerd in the background, leaving the firewall and IP forwarding alone and
#                                   publishing container ports on 127.0.0.1 only. Sets DOCKERD_PID (empty when the engine
#                                   is not ours) and exports what Testcontainers needs to use this engine.
#   pg_image_ensure IMAGE           makes IMAGE (postgres:15) available: already there, else pulled, else (no registry,
#                                   as on the project's machines) built here by debootstrap from the Debian mirror.
#   docker_remove_run_containers ID removes the containers labelled relay.tests.run=ID (what a crashed run left).
#   docker_engine_down              stops the dockerd that docker_engine_up started (by its pid), removes its bridge.
# Each prints a reason on stderr and fails when it cannot do its part.

DOCKERD_PID='' DOCKERD_DIR=''

# Succeeds if a Docker engine answers; prints its API version.
_docker_api_version() {
  command -v docker >/dev/null 2>&1 && timeout 20 docker version --format '{{.Server.APIVersion}}' 2>/dev/null
}

_docker_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "postgres-image.sh: no Docker engine is reachable and dockerd is not installed." >&2
    echo "  Start Docker (or install it: Debian/Ubuntu 'apt-get install docker.io', as root), or set RELAY_TEST_DB" >&2
    echo "  to an admin connection string of a PostgreSQL 15+ server." >&2
    return 1
  fi
  echo "postgres-image.sh: installing Debian's docker.io and debootstrap..." >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io debootstrap >&2; }; then
    echo "postgres-image.sh: 'apt-get install docker.io debootstrap' failed." >&2
    return 1
  fi
}

docker_engine_up() {
  local api
  if ! api=$(_docker_api_version); then
    if [ -n "${DOCKER_HOST:-}" ]; then
      echo "postgres-image.sh: the Docker engine in DOCKER_HOST ($DOCKER_HOST) does not answer." >&2
      return 1
    fi
    if ! command -v dockerd >/dev/null 2>&1; then _docker_install || return 1; fi
    if [ "$(id -u)" != 0 ]; then
      echo "postgres-image.sh: no Docker engine is reachable, and starting dockerd needs root." >&2
      echo "  Start Docker, or set RELAY_TEST_DB to an admin connection string of a PostgreSQL 15+ server." >&2
      return 1
    fi
    DOCKERD_DIR=$(mktemp -d)
    # --iptables=false --ip-forward=false: the defaults would switch the FORWARD policy to DROP and turn forwarding on.
    # Without iptables, published ports go through docker-proxy; --ip=127.0.0.1 binds them to loopback only.
    dockerd --iptables=false --ip-forward=false --ip=127.0.0.1 --pidfile "$DOCKERD_DIR/dockerd.pid" \
      >"$DOCKERD_DIR/log" 2>&1 </dev/null &
    DOCKERD_PID=$!
    echo "postgres-image.sh: started dockerd (pid $DOCKERD_PID, log $DOCKERD_DIR/log)" >&2
    for _ in $(seq 60); do
      api=$(_docker_api_version) && break
      if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then break; fi
      sleep 1
    done
    if [ -z "$api" ]; then
      echo "postgres-image.sh: dockerd did not come up; end of its log:" >&2
      tail -n 20 "$DOCKERD_DIR/log" >&2
      return 1
    fi
  fi
  export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}   # Ryuk's image may not be pullable; the
                                                                             # tests remove their container themselves
  case "${DOCKER_HOST:-unix://}" in
    # The machines have a /.dockerenv, so Testcontainers would think it runs in a container and use the bridge address.
    unix://*) export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1} ;;
  esac
  # Testcontainers' Docker client speaks API 1.44; an older engine (Debian's 20.10: 1.41) refuses it.
  if [ -z "${DOCKER_API_VERSION:-}" ] && [ "$(printf '%s\n' "$api" 1.44 | sort -V | head -n 1)" != 1.44 ]; then
    export DOCKER_API_VERSION=$api
  fi
}

docker_engine_down() {
  local pid=$DOCKERD_PID
  [ -n "$pid" ] || return 0
  DOCKERD_PID=''
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "postgres-image.sh: dockerd (pid $pid) did not stop in 30 s; killing it." >&2
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  fi
  ip link delete docker0 2>/dev/null
  [ -n "$DOCKERD_DIR" ] && rm -rf "$DOCKERD_DIR"
  DOCKERD_DIR=''
  return 0
}

docker_remove_run_containers() {
  local ids
  ids=$(timeout 20 docker ps -aq --filter "label=relay.tests.run=$1" 2>/dev/null) || return 0
  [ -n "$ids" ] || return 0
  echo "postgres-image.sh: removing containers left by this run: $(echo "$ids" | tr '\n' ' ')" >&2
  # shellcheck disable=SC2086  # one id a word
  timeout 60 docker rm -f $ids >/dev/null
}

# The Debian mirror apt uses here (the first deb822 URIs of a stanza for bookworm, or a one-line entry), else Debian's.
_debian_mirror() {
  local m=''
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk 'BEGIN { RS = ""; FS = "\n" }
             /(^|\n)Suites:[^\n]*bookworm([ \n]|$)/ && !/debian-security/ {
               for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, w, " "); print w[2]; exit } }' \
        /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

# The image's entry point: the official image's interface, as far as the tests use it.
_pg_image_entrypoint() {
  cat <<'ENTRYPOINT'
#!/bin/sh
# postgres:15 built by scripts/postgres-image.sh (Debian's postgresql-15): the official image's interface as the tests
# use it. POSTGRES_USER (superuser, default postgres), POSTGRES_PASSWORD (needed unless POSTGRES_HOST_AUTH_METHOD=trust),
# POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS, PGDATA. Arguments: `postgres ARGS` or `-ARGS...` run the
# server with them; anything else is run as a command. No /docker-entrypoint-initdb.d.
set -eu
case "${1:-}" in -*) set -- postgres "$@" ;; esac
[ "${1:-}" = postgres ] || exec "$@"
shift
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA

if [ "$(id -u)" = 0 ]; then   # set up the directories, then run as postgres (the server refuses root)
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" postgres "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "docker-entrypoint.sh: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as in the official image
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  # As the official image: trust on the socket and loopback inside the container, the password from anywhere else.
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' \
    "host all all all $auth" >"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    db=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    echo "CREATE DATABASE \"$db\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "docker-entrypoint.sh: initialised $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
fi
exec postgres "$@"
ENTRYPOINT
}

# Builds IMAGE from Debian bookworm's postgresql-15 (debootstrap, then docker import).
_pg_image_build() {
  local image=$1 mirror work root
  if ! command -v debootstrap >/dev/null 2>&1; then _docker_install || return 1; fi
  mirror=$(_debian_mirror)
  work=$(mktemp -d) && root=$work/root
  echo "postgres-image.sh: building $image locally (debootstrap bookworm + postgresql-15 from $mirror)..." >&2
  if ! debootstrap --variant=minbase --include=postgresql-15 bookworm "$root" "$mirror" >"$work/log" 2>&1; then
    echo "postgres-image.sh: debootstrap failed; end of its log:" >&2
    tail -n 20 "$work/log" >&2
    rm -rf "$work"
    return 1
  fi
  # The cluster the package made, and what the image does not need.
  rm -rf "$root/var/lib/postgresql/15" "$root/etc/postgresql/15" "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/lib/apt/lists/* "$root/debootstrap" "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info"
  _pg_image_entrypoint >"$root/usr/local/bin/docker-entrypoint.sh"
  chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
  # docker import (engine 20.10) refuses STOPSIGNAL: `docker stop` is a smart shutdown here; Testcontainers force-removes.
  if ! tar -C "$root" -c . | docker import \
      --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
      --change 'CMD ["postgres"]' \
      --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV PGDATA=/var/lib/postgresql/data' \
      --change 'EXPOSE 5432' \
      --change 'LABEL org.relay.built-by=scripts/postgres-image.sh' \
      - "$image" >/dev/null; then
    echo "postgres-image.sh: docker import failed." >&2
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  echo "postgres-image.sh: built $image" >&2
}

pg_image_ensure() {
  local image=$1
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "postgres-image.sh: using the local image $image" >&2
    return 0
  fi
  if timeout 300 docker pull -q "$image" >/dev/null 2>&1; then
    echo "postgres-image.sh: pulled $image" >&2
    return 0
  fi
  echo "postgres-image.sh: could not pull $image (no registry reachable?); building it here." >&2
  _pg_image_build "$image"
}
