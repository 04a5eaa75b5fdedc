#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 (user postgres, trust auth, database "test") so the
# PostgreSQL half of the verifier API tests runs. Starts the cluster when it is stopped; installs it from
# Debian when it is absent. Idempotent; run by .ci/run before `npm test`.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "ci-postgres: installing PostgreSQL from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if [ ! -f "/etc/postgresql/$version/main/postgresql.conf" ]; then
  echo "ci-postgres: creating cluster $version/main"
  pg_createcluster "$version" main --port 5432 >/dev/null
fi
conf=/etc/postgresql/$version/main

# Test machines only: trust local connections (the suite connects as postgres without a password).
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$conf/pg_hba.conf"; then
  { echo 'local all all trust'; echo 'host all all 127.0.0.1/32 trust'; echo 'host all all ::1/128 trust'; cat "$conf/pg_hba.conf"; } > "$conf/pg_hba.conf.new"
  mv "$conf/pg_hba.conf.new" "$conf/pg_hba.conf"
  chown postgres:postgres "$conf/pg_hba.conf"
  restart=1
fi
sed -i -E 's/^#?port = [0-9]+/port = 5432/' "$conf/postgresql.conf"

if pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  if [ "${restart:-0}" = 1 ]; then pg_ctlcluster --skip-systemctl-redirect "$version" main reload; fi
else
  echo "ci-postgres: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test'
echo "ci-postgres: PostgreSQL $version ready on 127.0.0.1:5432"
