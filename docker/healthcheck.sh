#!/usr/bin/env bash
# Container health check: GET /health on the app's own port with bash's /dev/tcp (the JRE image has no curl) and
# succeed on a 200 status line. Port: $SATWATCH_HTTP_PORT (default 8080).
set -euo pipefail
port="${SATWATCH_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
exec 3<&-
[[ "$status" == HTTP/1.?" 200"* ]]
