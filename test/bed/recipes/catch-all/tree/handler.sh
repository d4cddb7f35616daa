#!/bin/sh
# Answers every request with 200 and the same body, whatever the path (run by `nc -l -p 80 -e`).
# Read the request line and the headers up to the blank line first, so the client is done sending.
IFS= read -r request_line || exit 0
while IFS= read -r header; do
  header=$(printf '%s' "$header" | tr -d '\r')
  [ -z "$header" ] && break
done
body="<h1>catch-all @VERSION@</h1>"
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' "$((${#body} + 1))" "$body"
