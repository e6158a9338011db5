# Shared helpers for scripts/run and scripts/test. Source it; it defines functions only.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      command -v "$candidate"; return 0
    fi
  done
  warn "Python 3.11 or newer is required."; return 1
}

# Create .venv and install the project (with dev extras) when pyproject.toml changed.
ensure_venv() {
  local stamp="$VENV/.installed" wanted
  wanted="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    say "Installing dependencies (pip install -e '.[dev]')"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
    echo "$wanted" > "$stamp"
  fi
}

redis_reachable() {
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys, redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
except Exception:
    sys.exit(1)
PY
}

postgres_reachable() {
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys, psycopg
try:
    url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
    psycopg.connect(url, connect_timeout=2).close()
except Exception:
    sys.exit(1)
PY
}

# Create the database named in a postgres:// URL when it does not exist yet.
ensure_database() {
  "$PY" - "$1" <<'PY'
import sys, psycopg
url = sys.argv[1]
name = url.rsplit("/", 1)[1].split("?")[0]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
}

# Start the local PostgreSQL and Redis when they are installed but down (CI and dev machines).
start_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && [ -d /etc/postgresql ]; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  if ! (redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG) &&
     command -v redis-server >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break
    sleep 1
  done
}

# Headless Chromium from Debian's packages, for the browser tests (never a browser download).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    warn "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests."
    return 1
  fi
}

# Debian's Korean TrueType font, embedded in the monthly M/M report PDF (reportlab).
ensure_korean_font() {
  if [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian's fonts-nanum for the M/M report PDF"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null
  else
    warn "The Korean PDF font is missing: run 'sudo apt-get install fonts-nanum'."
    return 1
  fi
}
