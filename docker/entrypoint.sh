#!/bin/sh
# Entrypoint of every service image: the same image runs each process of its service by command.
#   web | migrate | relay | consumer | worker | beat | <any command>
# Role names are shortcuts for the documented commands; anything else is executed as given.
set -eu
role="${1:-web}"
case "$role" in
  web)      shift || true; exec python -m common.web_server "$SERVICE" "$@" ;;  # granian or gunicorn
  migrate)  shift; exec python manage.py migrate --noinput "$@" ;;
  relay)    shift; exec python manage.py relay_outbox "$@" ;;
  consumer) shift; exec python manage.py consume_events "$@" ;;
  worker)   shift; exec celery -A config worker --loglevel="${LOG_LEVEL:-INFO}" "$@" ;;
  beat)     shift; exec celery -A config beat --loglevel="${LOG_LEVEL:-INFO}" \
              --scheduler django_celery_beat.schedulers:DatabaseScheduler --pidfile= "$@" ;;
  *)        exec "$@" ;;
esac
