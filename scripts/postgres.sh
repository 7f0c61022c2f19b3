#!/usr/bin/env bash
# Private PostgreSQL servers for ./run.sh and ./test.sh. Source this file; it defines functions only.
#   pg_ensure_binaries          find initdb/pg_ctl (install Debian's postgresql package if missing)
#   pg_start DATA_DIR PORT      initdb on first use, start on 127.0.0.1:PORT, create the database
#                               (PG_FSYNC=off for throwaway data; PG_MAX_CONNECTIONS, default 300;
#                               PG_SETTINGS adds server options, e.g. "-c shared_buffers=1GB";
#                               PG_LISTEN, default 127.0.0.1, the addresses to listen on (keep 127.0.0.1 in it);
#                               PG_TRUST_NET, a CIDR whose clients are let in without a password)
#   pg_stop DATA_DIR            stop the server using DATA_DIR
#   pg_free_port                print a free TCP port on loopback
# initdb refuses to run as root, so as root the server runs as the 'postgres' system user.

PG_DATABASE="${PG_DATABASE:-aftersales}"
PG_USER_NAME="${PG_USER_NAME:-aftersales}"

pg_log() { printf '[postgres] %s\n' "$*" >&2; }

pg_find_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { printf '%s\n' "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_ensure_binaries() {
  if PG_BIN="$(pg_find_bindir)"; then export PG_BIN; return 0; fi
  pg_log "PostgreSQL server binaries not found; installing Debian's postgresql package"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { pg_log "not root and no sudo: install the 'postgresql' package, then retry"; return 1; }
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || { pg_log "no apt-get: install PostgreSQL 15+ server binaries, then retry"; return 1; }
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  # Debian's package starts a cluster of its own on 5432; ours are private, so leave it alone.
  PG_BIN="$(pg_find_bindir)" || { pg_log "postgresql installed but initdb still not found"; return 1; }
  export PG_BIN
}

# Runs a PostgreSQL binary as the user that owns the data directory.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  local data_dir="$1" port="$2"
  pg_ensure_binaries || return 1
  mkdir -p "$data_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    if ! runuser -u postgres -- test -x "$(dirname "$data_dir")"; then
      pg_log "the 'postgres' user cannot reach $data_dir (a parent folder is not traversable); use a data folder elsewhere (AFTERSALES_DATA_DIR) or make its parents world-executable"
      return 1
    fi
    chown postgres: "$data_dir"
    chmod 700 "$data_dir"
  fi
  if [ ! -f "$data_dir/PG_VERSION" ]; then
    pg_log "initialising a private cluster in $data_dir"
    pg_as_owner "$PG_BIN/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  fi
  if [ -n "${PG_TRUST_NET:-}" ] && ! grep -q "^host all all ${PG_TRUST_NET} trust" "$data_dir/pg_hba.conf"; then
    echo "host all all ${PG_TRUST_NET} trust" >>"$data_dir/pg_hba.conf"
  fi
  mkdir -p "$data_dir/socket"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data_dir/socket"
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    pg_log "already running from $data_dir"
  else
    pg_as_owner "$PG_BIN/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
      -o "-p $port -k $data_dir/socket -c listen_addresses=${PG_LISTEN:-127.0.0.1} -c max_connections=${PG_MAX_CONNECTIONS:-300} -c fsync=${PG_FSYNC:-on} ${PG_SETTINGS:-}" \
      start >/dev/null || { pg_log "failed to start; log: $data_dir/server.log"; tail -20 "$data_dir/server.log" >&2; return 1; }
  fi
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER_NAME'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_USER_NAME LOGIN" >/dev/null
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DATABASE OWNER $PG_USER_NAME" >/dev/null
  fi
}

pg_connection_string() {
  local port="$1"
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Maximum Pool Size=100\n' "$port" "$PG_DATABASE" "$PG_USER_NAME"
}

pg_stop() {
  local data_dir="$1"
  [ -f "$data_dir/PG_VERSION" ] || return 0
  pg_ensure_binaries || return 1
  pg_as_owner "$PG_BIN/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null 2>&1 || true
}
