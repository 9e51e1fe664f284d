#!/usr/bin/env bash
# `make demo`: migrate, seed the demo city if the database is empty, then run the web server together with a
# Celery worker and beat on the embedded defaults (a SQLite file and kombu's filesystem broker under var/).
# Ctrl-C stops all of it. Expects .venv with the requirements installed (the Makefile sees to that).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
# Links in e-mail and SMS point at the portal as this demo serves it (the inbox links relative to the page).
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
# The demo hall's board moves by itself (outlets.tasks.move_demo_hall): its clerks call and serve tickets.
export OUTLETS_DEMO_HALL="${OUTLETS_DEMO_HALL:-TZ-H01}"
bin=.venv/bin

echo "==> Migrating the database"
$bin/python manage.py migrate --no-input
echo "==> Seeding the demo city (skipped when the database already has data)"
$bin/python manage.py seed_demo --if-empty

# Job control on: each background process leads a process group of its own, so that Ctrl-C reaches only this
# script, which then stops them in order.
set -m
worker="" web=""
stop() {
    trap - INT TERM EXIT
    echo "==> Stopping the web server, the worker and beat"
    # The whole group of the development server: its autoreloader runs the server in a child process.
    kill -TERM -- "-$web" 2>/dev/null || true
    # Only the worker's main process: a warm shutdown lets it finish its tasks and stop its pool and beat.
    kill -TERM "$worker" 2>/dev/null || true
    wait || true
}
# Ctrl-C or a TERM is how a demo is meant to end: stop everything and exit 0, so that make does not report
# "Error 143". A server or worker that dies by itself still ends the script with its failure (below).
trap 'stop; exit 0' INT TERM
trap stop EXIT

$bin/celery -A portal worker --beat --concurrency=2 --loglevel=info &
worker=$!
$bin/python manage.py runserver "127.0.0.1:$PORT" &
web=$!

echo "==> The portal is at http://127.0.0.1:$PORT/ (admin: /admin/, API docs: /api/docs/). Ctrl-C stops it."
# Ends as soon as one of them stops, so that a crashed worker is not mistaken for a working demo.
wait -n
