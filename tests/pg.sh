# tests/pg.sh - a private PostgreSQL server for the tests (source it after
# tests/lib.sh).
#
# pg_start [NAME]: initdb into $T/NAME (default pg) as an unprivileged
# user (postgres when the system has it, else nobody), a Unix socket in
# that directory and no TCP listener, a free port number (it names the
# socket), trust authentication for local connections, fsync off; then a
# database "pinmilter".  Sets PG_DIR, PG_PORT, PG_BIN and PGURI (the
# libpq URI of that database, user pm); the server is stopped at exit.
# Returns 1 only when the server binaries are not installed (Debian
# package postgresql: scripts/install-deps installs it); any other
# failure is a "Bail out!".
#
# pg_stop, pg_restart: stop the server (fast shutdown), start it again.
# pg_sql SQL: run SQL in the database with psql (-At: bare values).

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

pg_start() {
	PG_BIN=$(pg_bindir) || return 1
	PG_DIR=$T/${1:-pg}
	if getent passwd postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$PG_USER" "$PG_DIR"
		PG_AS="runuser -u $PG_USER --"
	else
		PG_AS=""
	fi
	# A port no server of this machine has: nothing listens on TCP,
	# but a fixed number would clash in /tmp lock files.
	PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if ! $PG_AS "$PG_BIN/initdb" -D "$PG_DIR/data" -U pm -A trust -E UTF8 \
	    --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1; then
		echo "Bail out! initdb failed: $(tail -3 "$PG_DIR/initdb.log")"
		exit 1
	fi
	cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
port = $PG_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
CONF
	pg_ctl_start || { echo "Bail out! PostgreSQL did not start: $(tail -5 "$PG_DIR/server.log")"; exit 1; }
	at_exit pg_stop
	if ! "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U pm pinmilter 2>"$PG_DIR/createdb.err"; then
		echo "Bail out! createdb failed: $(cat "$PG_DIR/createdb.err")"
		exit 1
	fi
	PGURI="postgresql://pm@/pinmilter?host=$PG_DIR&port=$PG_PORT"
	export PGURI
	return 0
}

pg_ctl_start() {
	$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start >/dev/null 2>&1
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
	$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
}

pg_restart() {
	pg_stop && pg_ctl_start
}

pg_sql() {
	PGOPTIONS=--client-min-messages=warning "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U pm -d pinmilter -c "$1"
}

# pg_fresh: an empty database "pinmilter" again (dropped and made anew).
pg_fresh() {
	"$PG_BIN/dropdb" -h "$PG_DIR" -p "$PG_PORT" -U pm --if-exists -f pinmilter &&
	"$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U pm pinmilter
}
