#!/usr/bin/env bash
# cc-ci local test bed: docker engine + single-node swarm, busybox-based images, a backup-bot-two stand-in,
# the abra stand-in's shared ABRA_DIR, fixture recipe repositories, a ccci.json pointing at all of it, and
# a real Gitea on 127.0.0.1 serving the fixture recipes with pull requests (test/bed/gitea.sh).
#
#   test/bed/testbed.sh up       set everything up (idempotent; a second run is a fast no-op)
#   test/bed/testbed.sh status   report what is ready; exit 0 if everything is, else 1
#   test/bed/testbed.sh down     remove all stacks and the test bed's volumes/secrets/configs, stop Gitea (swarm, dockerd and data stay)
#
# State lives in ${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed}. Runs as root. No registry is used: images are
# built FROM scratch with the host's static busybox and deployed with --resolve-image never.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
DIR=${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed}
CI_DOMAIN=ci.test
CI_STACK_SUFFIX=_${CI_DOMAIN//./_}
BOT_STACK=backup-bot-two
BOT_SERVICE=${BOT_STACK}_app
BUSYBOX_IMAGE=ccci-testbed/busybox:1.35.0
BOT_IMAGE=ccci-testbed/backup-bot:1
CATCH_ALL_IMAGE=ccci-testbed/catch-all:1
HASH_LABEL=ccci-testbed.hash
ABRA_BIN=$repo/test/abra-standin/abra
CUSTOMIZATION_DIR=$here/ci

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die() {
  printf 'testbed: error: %s\n' "$*" >&2
  exit 1
}

need_root() {
  [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages, starts dockerd and writes $DIR)"
}

busybox_bin() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    [ -x "$b" ] && { readlink -f "$b"; return 0; }
  done
  return 1
}

busybox_static_installed() {
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'
}

# ---------------------------------------------------------------------------------------------- packages
ensure_packages() {
  local missing=()
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    missing+=(docker.io busybox-static git)
  fi
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # the app screenshot (src/io/browser.ts): headless Chromium, driven by playwright-core
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # the summary card is set in DejaVu Sans (src/io/render-png.ts)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  # scale-out (docs/scale-out.md): the JetStream cluster of the worker tests
  command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
  # packaging: every .nix file is parsed by nix-instantiate --parse (test/repo/nix.test.ts)
  command -v nix-instantiate >/dev/null 2>&1 || missing+=(nix-bin)
  busybox_static_installed || missing+=(busybox-static)
  command -v git >/dev/null 2>&1 || missing+=(git)
  if [ ${#missing[@]} -gt 0 ]; then
    # shellcheck disable=SC2207
    missing=($(printf '%s\n' "${missing[@]}" | sort -u))
    step "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}"
  fi
  busybox_bin >/dev/null || die "busybox-static is installed but no /bin/busybox or /usr/bin/busybox found"
}

# ---------------------------------------------------------------------------------------------- engine
ensure_engine() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$DIR"
  step "starting dockerd (log: $DIR/dockerd.log)"
  setsid nohup dockerd >"$DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$DIR/dockerd.pid"
  local i
  for i in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      say "dockerd is up (pid $(cat "$DIR/dockerd.pid"))"
      return 0
    fi
    sleep 1
  done
  {
    echo "testbed: error: dockerd did not answer within 60 s. Its log is $DIR/dockerd.log; last 20 lines:"
    tail -n 20 "$DIR/dockerd.log" | sed 's/^/    /'
  } >&2
  exit 1
}

swarm_state() {
  docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown
}

ensure_swarm() {
  if [ "$(swarm_state)" != active ]; then
    step "initialising a single-node swarm (advertise 127.0.0.1)"
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  local i
  for i in $(seq 1 30); do
    docker node ls >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "swarm is initialised but 'docker node ls' does not work after 30 s"
}

# ---------------------------------------------------------------------------------------------- images
# The content hash covers the build directory and the busybox binary that gets copied in.
image_hash() { # $1 = build dir
  {
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    sha256sum "$(busybox_bin)" | cut -d' ' -f1
  } | sha256sum | cut -d' ' -f1
}

image_label() { # $1 = image
  docker image inspect "$1" --format "{{index .Config.Labels \"$HASH_LABEL\"}}" 2>/dev/null || true
}

ensure_image() { # $1 = image, $2 = build dir
  local image=$1 context=$2 hash tmp
  hash=$(image_hash "$context")
  if [ "$(image_label "$image")" = "$hash" ]; then
    return 0
  fi
  step "building $image"
  tmp=$(mktemp -d)
  cp -R "$context/." "$tmp/"
  cp "$(busybox_bin)" "$tmp/busybox"
  if [ -f "$tmp/main.go" ]; then
    command -v go >/dev/null 2>&1 || die "building $image needs Go (the machine's toolchain; apt-get install golang-go)"
    # the binary is named after the image (ccci-testbed/catch-all:1 → catch-all)
    (cd "$tmp" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -o "$tmp/$(basename "${image%%:*}")" main.go) >"$tmp.log" 2>&1 ||
      { cat "$tmp.log" >&2; die "compiling $context/main.go failed"; }
  fi
  if ! docker build --label "$HASH_LABEL=$hash" -t "$image" "$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "building $image failed"
  fi
  rm -rf "$tmp" "$tmp.log"
}

# ---------------------------------------------------------------------------------------------- backup bot
bot_running() {
  [ -n "$(docker ps -q --filter "label=com.docker.swarm.service.name=$BOT_SERVICE" --filter status=running 2>/dev/null)" ]
}

ensure_bot() {
  local hash current
  hash=$(image_label "$BOT_IMAGE")
  current=$(docker service inspect "$BOT_SERVICE" --format '{{index .Spec.Labels "ccci-testbed.image-hash"}}' 2>/dev/null || true)
  if [ "$current" = "$hash" ] && bot_running; then
    return 0
  fi
  step "deploying stack $BOT_STACK"
  local log
  log=$(mktemp)
  if ! BOT_IMAGE_HASH=$hash docker stack deploy --resolve-image never -c "$here/backup-bot-two/compose.yml" "$BOT_STACK" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "docker stack deploy $BOT_STACK failed"
  fi
  rm -f "$log"
  local i
  for i in $(seq 1 60); do
    if [ "$(docker service inspect "$BOT_SERVICE" --format '{{index .Spec.Labels "ccci-testbed.image-hash"}}' 2>/dev/null)" = "$hash" ] &&
      [ "$(docker service ls --filter "name=$BOT_SERVICE" --format '{{.Replicas}}')" = "1/1" ] && bot_running; then
      return 0
    fi
    sleep 1
  done
  docker service ps --no-trunc "$BOT_SERVICE" >&2 || true
  die "the $BOT_SERVICE task is not running after 60 s"
}

# ---------------------------------------------------------------------------------------------- config
ccci_json() {
  cat <<EOF
{
  "abra": {
    "bin": "$ABRA_BIN",
    "dir": "$DIR/abra",
    "server": "default",
    "tty": true
  },
  "ciDomain": "$CI_DOMAIN",
  "runsDir": "$DIR/runs",
  "lockDir": "$DIR/locks",
  "customizationDir": "$CUSTOMIZATION_DIR",
  "repoLocalAllowlist": "$here/repo-local-allowlist",
  "dependencySource": "$DIR/recipes/{recipe}"
}
EOF
}

write_config() {
  mkdir -p "$DIR/abra/servers/default" "$DIR/runs" "$DIR/locks" "$DIR/recipes"
  local want
  want=$(ccci_json)
  if [ ! -f "$DIR/ccci.json" ] || [ "$(cat "$DIR/ccci.json")" != "$want" ]; then
    printf '%s\n' "$want" >"$DIR/ccci.json"
  fi
}

fixture_names() {
  local d
  for d in "$here"/recipes/*/; do
    [ -f "$d/fixture.txt" ] && basename "$d"
  done
}

# ---------------------------------------------------------------------------------------------- commands
cmd_up() {
  need_root
  mkdir -p "$DIR"
  ensure_packages
  ensure_engine
  ensure_swarm
  ensure_image "$BUSYBOX_IMAGE" "$here/images/busybox"
  ensure_image "$BOT_IMAGE" "$here/images/backup-bot"
  ensure_image "$CATCH_ALL_IMAGE" "$here/images/catch-all"
  ensure_bot
  write_config
  "$here/make-fixture-repos.sh" "$DIR/recipes" | sed 's/^/    /'
  "$here/gitea.sh" up
  say ""
  say "state dir:        $DIR"
  say "engine:           docker $(docker version --format '{{.Server.Version}}'), swarm $(swarm_state)"
  say "images:           $BUSYBOX_IMAGE, $BOT_IMAGE, $CATCH_ALL_IMAGE"
  say "backup bot:       stack $BOT_STACK (service $BOT_SERVICE, label coop-cloud.backupbot.enabled=true)"
  say "abra:             $ABRA_BIN (stand-in), ABRA_DIR $DIR/abra, server default"
  say "fixtures:         $DIR/recipes/{$(fixture_names | paste -sd, -)}"
  say "cc-ci config:     $DIR/ccci.json"
  say "forge:            Gitea on http://127.0.0.1:${CCCI_TESTBED_GITEA_PORT:-3300} (org recipes; $DIR/forge.json)"
  say "test bed ready"
}

cmd_status() {
  local missing=() name
  if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    missing+=("docker engine (not running or not installed)")
  else
    say "engine:      ok (docker $(docker version --format '{{.Server.Version}}'))"
    if [ "$(swarm_state)" = active ] && docker node ls >/dev/null 2>&1; then
      say "swarm:       ok"
    else
      missing+=("swarm (state: $(swarm_state))")
    fi
    local pair image context
    for pair in "$BUSYBOX_IMAGE=$here/images/busybox" "$BOT_IMAGE=$here/images/backup-bot" "$CATCH_ALL_IMAGE=$here/images/catch-all"; do
      image=${pair%%=*}
      context=${pair#*=}
      if [ -z "$(image_label "$image")" ]; then
        missing+=("image $image")
      elif busybox_bin >/dev/null && [ "$(image_label "$image")" != "$(image_hash "$context")" ]; then
        missing+=("image $image (out of date)")
      else
        say "image:       ok ($image)"
      fi
    done
    if bot_running; then
      say "backup bot:  ok ($BOT_SERVICE running)"
    else
      missing+=("backup bot (service $BOT_SERVICE not running)")
    fi
  fi
  [ -d "$DIR/abra/servers/default" ] && say "abra server: ok ($DIR/abra/servers/default)" || missing+=("abra server dir $DIR/abra/servers/default")
  [ -f "$DIR/ccci.json" ] && say "config:      ok ($DIR/ccci.json)" || missing+=("config $DIR/ccci.json")
  for name in $(fixture_names); do
    if [ -f "$DIR/recipes/$name/.git/ccci-fixture-hash" ]; then
      say "fixture:     ok ($name)"
    else
      missing+=("fixture repo $DIR/recipes/$name")
    fi
  done
  "$here/gitea.sh" status || missing+=("forge (Gitea)")
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing:"
    printf '  - %s\n' "${missing[@]}"
    say "run: $0 up"
    return 1
  fi
  say "test bed ready"
}

# Names the test bed owns: per-run apps (<stack>_ of any app under the CI domain) and the backup bot.
owned_name() { # $1 = volume/secret/config name
  [[ $1 =~ ^[a-z0-9-]+${CI_STACK_SUFFIX}_ ]] || [[ $1 == ${BOT_STACK}* ]]
}

cmd_down() {
  need_root
  "$here/gitea.sh" stop
  say "Gitea stopped"
  if ! docker info >/dev/null 2>&1; then
    say "docker engine is not running: nothing to remove"
    return 0
  fi
  local stacks stack i left name kind
  stacks=$(docker stack ls --format '{{.Name}}' 2>/dev/null || true)
  for stack in $stacks; do
    step "removing stack $stack"
    docker stack rm "$stack" >/dev/null
  done
  for i in $(seq 1 120); do
    left=""
    for stack in $stacks; do
      left+=$(docker service ls -q --filter "label=com.docker.stack.namespace=$stack")
      left+=$(docker ps -aq --filter "label=com.docker.stack.namespace=$stack")
      left+=$(docker network ls -q --filter "label=com.docker.stack.namespace=$stack")
    done
    [ -z "$left" ] && break
    [ "$i" -eq 120 ] && die "stacks still have services/containers/networks after 120 s: $stacks"
    sleep 1
  done
  for name in $(docker volume ls --format '{{.Name}}'); do
    owned_name "$name" || continue
    for i in $(seq 1 30); do
      docker volume rm "$name" >/dev/null 2>&1 && break
      [ "$i" -eq 30 ] && die "could not remove volume $name"
      sleep 1
    done
    say "removed volume $name"
  done
  for kind in secret config; do
    for name in $(docker "$kind" ls --format '{{.Name}}'); do
      owned_name "$name" || continue
      docker "$kind" rm "$name" >/dev/null
      say "removed $kind $name"
    done
  done
  if [ -d "$DIR/abra/servers/default" ]; then
    for name in "$DIR"/abra/servers/default/*".$CI_DOMAIN.env"; do
      [ -e "$name" ] || continue
      rm -f "$name"
      say "removed app env file $name"
    done
  fi
  say "test bed down: stacks removed, Gitea stopped; the swarm, dockerd, images and $DIR are left in place"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
