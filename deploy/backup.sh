#!/usr/bin/env bash
# Nightly logical backup for small and medium installs: one pg_dump in custom format,
# kept for KEEP_DAYS days. Large installs use a base backup and WAL archiving instead
# (README, "Backups"). Usage: DATABASE_URL=postgres://… deploy/backup.sh /var/backups/gridgov
set -euo pipefail
target="${1:?usage: backup.sh DIRECTORY}"
keep_days="${KEEP_DAYS:-14}"
mkdir -p "$target"
file="$target/gridgov-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$file.partial" "${DATABASE_URL:?DATABASE_URL must be set}"
mv "$file.partial" "$file"
find "$target" -name 'gridgov-*.dump' -mtime +"$keep_days" -delete
echo "$file"
