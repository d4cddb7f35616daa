#!/usr/bin/env bash
# The test bed's forge: a real Gitea on 127.0.0.1 with SQLite, seeded with the fixture recipes.
#
#   test/bed/gitea.sh up       build once (cached by version), start, seed; a second run is a fast no-op
#   test/bed/gitea.sh start    start the server on the existing data (tests stop and start it)
#   test/bed/gitea.sh stop     stop the server (data and binary stay)
#   test/bed/gitea.sh status   exit 0 when it answers and is seeded
#
# Seeded: an admin, the bot (a token with write:issue, write:repository, read:organization; member of a
# team with write access to code, issues and pulls, never an owner), a maintainer (org member), an
# outsider (no member), the org `recipes` with every fixture recipe as a repository (tags included; the
# fixtures' pr/1 branch pushed as pr-1) and a pull request pr-1 → main wherever they differ.
# What tests need to know is written to $DIR/forge.json; tokens and passwords are files beside it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed}
VERSION=v1.26.0
PORT=${CCCI_TESTBED_GITEA_PORT:-3300}
URL=http://127.0.0.1:$PORT
ORG=recipes
BUILD=$DIR/gitea/$VERSION
DATA=$DIR/gitea/data
SECRETS=$DIR/gitea/secrets
PIDFILE=$DIR/gitea/gitea.pid
INI=$DATA/custom/conf/app.ini

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die() {
  printf 'testbed (gitea): error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------- build
# Gitea builds only as the main module (its replace directives); without the bindata tag it reads
# options/, templates/ and public/ from STATIC_ROOT_PATH, kept next to the cached binary.
ensure_binary() {
  [ -x "$BUILD/gitea" ] && [ -d "$BUILD/static/options" ] && return 0
  command -v go >/dev/null 2>&1 || die "building Gitea needs Go on PATH"
  step "building Gitea $VERSION from the Go module proxy (once; about 6-9 minutes on 2 cores)"
  local module tmp
  module=$(GOFLAGS=-mod=mod go mod download -json "code.gitea.io/gitea@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
  [ -d "$module" ] || die "go mod download code.gitea.io/gitea@$VERSION gave no module directory"
  tmp=$(mktemp -d "$DIR/gitea/build.XXXXXX")
  cp -r "$module/." "$tmp/src"
  chmod -R u+w "$tmp/src"
  if ! (cd "$tmp/src" && CGO_ENABLED=1 GOFLAGS=-mod=mod go build -tags 'sqlite sqlite_unlock_notify' -o "$tmp/gitea" .) >"$tmp/build.log" 2>&1; then
    tail -n 30 "$tmp/build.log" >&2
    die "go build of Gitea $VERSION failed (log: $tmp/build.log)"
  fi
  mkdir -p "$tmp/static"
  cp -r "$tmp/src/options" "$tmp/src/templates" "$tmp/src/public" "$tmp/static/"
  rm -rf "$BUILD"
  mkdir -p "$BUILD"
  mv "$tmp/gitea" "$tmp/static" "$BUILD/"
  rm -rf "$tmp"
  say "Gitea $VERSION built: $BUILD/gitea"
}

# ---------------------------------------------------------------------------------------------- server
write_ini() {
  mkdir -p "$(dirname "$INI")" "$DATA/log"
  cat >"$INI" <<EOF
RUN_USER = root
RUN_MODE = prod
WORK_PATH = $DATA
[server]
HTTP_ADDR = 127.0.0.1
HTTP_PORT = $PORT
STATIC_ROOT_PATH = $BUILD/static
ROOT_URL = $URL/
OFFLINE_MODE = true
DISABLE_SSH = true
[database]
DB_TYPE = sqlite3
PATH = $DATA/gitea.db
[repository]
ROOT = $DATA/repositories
[security]
INSTALL_LOCK = true
[service]
DISABLE_REGISTRATION = true
[mailer]
ENABLED = false
[webhook]
ALLOWED_HOST_LIST = loopback
DELIVER_TIMEOUT = 5
[cron.update_checker]
ENABLED = false
[log]
MODE = file
LEVEL = Warn
ROOT_PATH = $DATA/log
EOF
}

gitea_() {
  GITEA_WORK_DIR=$DATA GITEA_CUSTOM=$DATA/custom GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT=true "$BUILD/gitea" --config "$INI" --work-path "$DATA" "$@"
}

answers() { curl -fsS -o /dev/null --max-time 2 "$URL/api/v1/version" 2>/dev/null; }

running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE")
  kill -0 "$pid" 2>/dev/null && grep -q gitea "/proc/$pid/cmdline" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

cmd_start() {
  running_pid >/dev/null && answers && return 0
  [ -f "$INI" ] || die "no Gitea data in $DATA: run '$0 up' first"
  command -v curl >/dev/null 2>&1 || die "curl is missing (test/bed/testbed.sh up installs it)"
  GITEA_WORK_DIR=$DATA GITEA_CUSTOM=$DATA/custom GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT=true \
    setsid nohup "$BUILD/gitea" web --config "$INI" --work-path "$DATA" >>"$DATA/log/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local i
  for i in $(seq 1 120); do
    answers && return 0
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$DATA/log/stdout.log" "$DATA/log/gitea.log" 2>/dev/null >&2 || true
  die "Gitea did not answer on $URL within 60 s"
}

cmd_stop() {
  local pid i
  pid=$(running_pid) || return 0
  kill -TERM "$pid"
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

# ---------------------------------------------------------------------------------------------- seeding
api() { # $1 = token file, $2 = method, $3 = path, [$4 = JSON body]; prints the body, fails on >= 400
  local out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' -X "$2" -H "Authorization: token $(cat "$1")" -H 'Content-Type: application/json' \
    ${4:+--data "$4"} "$URL/api/v1$3")
  if [ "$code" -ge 400 ]; then
    printf 'testbed (gitea): %s %s answered %s: %s\n' "$2" "$3" "$code" "$(cat "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const r=process.argv[1].split(".").reduce((o,k)=>o?.[k],v);process.stdout.write(String(r??""))})' "$1"; }

create_user() { # $1 = login, $2 = admin? (true|false)
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s' "$password" >"$SECRETS/$1.password"
  gitea_ admin user create --username "$1" --password "$password" --email "$1@forge.test" \
    --must-change-password=false $([ "$2" = true ] && echo --admin) >/dev/null
}

create_token() { # $1 = login, $2 = scopes
  gitea_ admin user generate-access-token --username "$1" --token-name ccci-testbed --scopes "$2" --raw | tail -n 1 | tr -d '\n' >"$SECRETS/$1.token"
  chmod 600 "$SECRETS/$1.token"
}

seed_hash() {
  {
    sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
    echo "$VERSION $PORT"
    cat "$DIR"/recipes/*/.git/ccci-fixture-hash 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

seeded() { [ -f "$DIR/forge.json" ] && [ "$(cat "$DIR/gitea/seed-hash" 2>/dev/null)" = "$(seed_hash)" ]; }

push_fixture() { # $1 = fixture name; prints its forge.json entry
  local name=$1 repo="$DIR/recipes/$1" auth head_sha main_sha number=null
  api "$SECRETS/ccci-admin.token" POST "/orgs/$ORG/repos" "{\"name\":\"$name\",\"default_branch\":\"main\",\"private\":false}" >/dev/null
  auth="http://ccci-admin:$(cat "$SECRETS/ccci-admin.password")@127.0.0.1:$PORT/$ORG/$name.git"
  # branch names with a slash are refused as pull request heads: pr/1 goes up as pr-1
  git -C "$repo" push -q "$auth" refs/heads/main:refs/heads/main refs/heads/pr/1:refs/heads/pr-1 --tags 2>&1 | grep -v '^remote:' >&2 || true
  main_sha=$(git -C "$repo" rev-parse main)
  head_sha=$(git -C "$repo" rev-parse pr/1)
  if [ "$main_sha" != "$head_sha" ]; then
    # Gitea records pushed branches asynchronously: a pull request asked for too early answers 404
    local i
    for i in $(seq 1 60); do
      api "$SECRETS/ccci-admin.token" GET "/repos/$ORG/$name/branches/pr-1" >/dev/null 2>&1 && break
      [ "$i" -eq 60 ] && die "branch pr-1 of $ORG/$name did not appear within 30 s of the push"
      sleep 0.5
    done
    number=$(api "$SECRETS/ccci-admin.token" POST "/repos/$ORG/$name/pulls" \
      "{\"head\":\"pr-1\",\"base\":\"main\",\"title\":\"$name: the fixture's pull request\",\"body\":\"pr/1 of the fixture recipe\"}" | json_field number)
  fi
  printf '    {"name": "%s", "repo": "%s/%s", "cloneUrl": "%s/%s/%s.git", "mainSha": "%s", "pullRequest": %s}' \
    "$name" "$ORG" "$name" "$URL" "$ORG" "$name" "$main_sha" \
    "$([ "$number" = null ] && echo null || printf '{"number": %s, "head": "pr-1", "sha": "%s"}' "$number" "$head_sha")"
}

seed() {
  step "seeding Gitea on $URL (users, org $ORG, fixture repositories, pull requests)"
  cmd_stop
  rm -rf "$DATA" "$SECRETS" "$DIR/forge.json"
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  write_ini
  gitea_ migrate >/dev/null 2>&1 || die "gitea migrate failed"
  create_user ccci-admin true
  create_user ccci-bot false
  create_user maintainer false
  create_user outsider false
  create_token ccci-admin all
  create_token ccci-bot write:issue,write:repository,read:organization,read:user
  create_token maintainer write:issue,write:repository,read:organization,read:user
  create_token outsider write:issue,read:repository,read:user
  cmd_start
  local admin="$SECRETS/ccci-admin.token" team
  api "$admin" POST /orgs "{\"username\":\"$ORG\",\"visibility\":\"public\"}" >/dev/null
  team=$(api "$admin" POST "/orgs/$ORG/teams" '{"name":"maintainers","permission":"write","includes_all_repositories":true,"units_map":{"repo.code":"write","repo.issues":"write","repo.pulls":"write"}}' | json_field id)
  api "$admin" PUT "/teams/$team/members/maintainer" >/dev/null
  team=$(api "$admin" POST "/orgs/$ORG/teams" '{"name":"ci-bot","permission":"write","includes_all_repositories":true,"units_map":{"repo.code":"write","repo.issues":"write","repo.pulls":"write"}}' | json_field id)
  api "$admin" PUT "/teams/$team/members/ccci-bot" >/dev/null
  local name entries=() d
  for d in "$DIR"/recipes/*/; do
    name=$(basename "$d")
    [ -f "$d/.git/ccci-fixture-hash" ] || continue
    entries+=("$(push_fixture "$name")")
  done
  {
    printf '{\n  "url": "%s",\n  "org": "%s",\n  "users": {\n' "$URL" "$ORG"
    printf '    "admin": {"login": "ccci-admin", "tokenFile": "%s", "passwordFile": "%s"},\n' "$SECRETS/ccci-admin.token" "$SECRETS/ccci-admin.password"
    printf '    "bot": {"login": "ccci-bot", "tokenFile": "%s"},\n' "$SECRETS/ccci-bot.token"
    printf '    "member": {"login": "maintainer", "tokenFile": "%s"},\n' "$SECRETS/maintainer.token"
    printf '    "outsider": {"login": "outsider", "tokenFile": "%s"}\n  },\n' "$SECRETS/outsider.token"
    printf '  "repositories": [\n'
    local IFS=$'\n'
    printf '%s' "${entries[*]}" | sed '$!s/$/,/'
    printf '\n  ]\n}\n'
  } >"$DIR/forge.json.tmp"
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))' "$DIR/forge.json.tmp" || die "wrote an invalid forge.json"
  mv "$DIR/forge.json.tmp" "$DIR/forge.json"
  seed_hash >"$DIR/gitea/seed-hash"
}

cmd_up() {
  mkdir -p "$DIR/gitea"
  ensure_binary
  if seeded; then
    cmd_start
  else
    seed
  fi
}

cmd_status() {
  if ! [ -x "$BUILD/gitea" ]; then
    say "forge:       missing (Gitea $VERSION not built)"
    return 1
  fi
  if ! answers; then
    say "forge:       not running (Gitea $VERSION on $URL)"
    return 1
  fi
  if ! seeded; then
    say "forge:       running but not seeded for the current fixtures"
    return 1
  fi
  say "forge:       ok (Gitea $VERSION on $URL, $DIR/forge.json)"
}

case "${1:-}" in
  up) cmd_up ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|start|stop|status" >&2
    exit 2
    ;;
esac
