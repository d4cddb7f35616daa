#!/usr/bin/env bash
# Builds the test bed's fixture recipes into real git repositories (Co-op Cloud recipe shape).
#
#   make-fixture-repos.sh <out-dir> [fixture...]
#
# Sources: test/bed/recipes/<name>/{fixture.txt,tree/,<overlay>/}. fixture.txt lists the commits in order:
#   <branch> <version> <tag|notag> <overlay dir or -> <commit message...>
# For every step the work tree is replaced by tree/ plus the overlay, @VERSION@ is substituted, and the result
# is committed on <branch> (main, or pr/1 which forks from main the first time it appears); "tag" adds an
# annotated tag <version>. Without any pr/1 step, pr/1 = main. Author, committer, tagger and dates are fixed,
# so commit hashes are reproducible. The repo is rebuilt only when the hash of its sources (and of this
# script) differs from the one stored in <repo>/.git/ccci-fixture-hash.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sources="$here/recipes"

usage() {
  echo "usage: $0 <out-dir> [fixture...]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ $# -gt 0 ]; then
  fixtures=("$@")
else
  fixtures=()
  for dir in "$sources"/*/; do
    [ -f "$dir/fixture.txt" ] && fixtures+=("$(basename "$dir")")
  done
fi

export GIT_AUTHOR_NAME="cc-ci test bed" GIT_AUTHOR_EMAIL="testbed@ci.test"
export GIT_COMMITTER_NAME="cc-ci test bed" GIT_COMMITTER_EMAIL="testbed@ci.test"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git_() { git -c commit.gpgsign=false -c tag.gpgsign=false -c core.autocrlf=false -c core.fileMode=true "$@"; }

source_hash() { # $1 = fixture source dir
  (
    cd "$1"
    sha256sum "$here/make-fixture-repos.sh" | cut -d' ' -f1
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -d' ' -f1
}

build() { # $1 = name, $2 = source dir, $3 = target repo dir
  local name=$1 src=$2 repo=$3 step=0 branch version tagged overlay message
  git_ init -q -b main "$repo"
  while read -r branch version tagged overlay message; do
    case "$branch" in '' | '#'*) continue ;; esac
    step=$((step + 1))
    local date
    date=$(printf '2024-01-%02dT12:00:00+00:00' "$step")
    export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
    if [ "$branch" != main ]; then
      if git_ -C "$repo" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
        git_ -C "$repo" checkout -q "$branch"
      else
        git_ -C "$repo" checkout -q -b "$branch" main
      fi
    else
      git_ -C "$repo" checkout -q main 2>/dev/null || true
    fi
    find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    cp -R "$src/tree/." "$repo/"
    if [ "$overlay" != - ]; then
      [ -d "$src/$overlay" ] || { echo "$name: overlay $overlay missing" >&2; exit 1; }
      cp -R "$src/$overlay/." "$repo/"
    fi
    find "$repo" -path "$repo/.git" -prune -o -type f -exec sed -i "s/@VERSION@/$version/g" {} +
    find "$repo" -path "$repo/.git" -prune -o -type f -exec chmod 0644 {} +
    find "$repo" -path "$repo/.git" -prune -o -type f -name '*.sh' -exec chmod 0755 {} +
    git_ -C "$repo" add -A
    git_ -C "$repo" commit -q -m "$message"
    if [ "$tagged" = tag ]; then
      git_ -C "$repo" tag -a "$version" -m "Release $version"
    fi
  done <"$src/fixture.txt"
  git_ -C "$repo" checkout -q main
  if ! git_ -C "$repo" rev-parse -q --verify refs/heads/pr/1 >/dev/null; then
    git_ -C "$repo" branch pr/1 main
  fi
}

for name in "${fixtures[@]}"; do
  src="$sources/$name"
  [ -f "$src/fixture.txt" ] || { echo "unknown fixture: $name" >&2; exit 1; }
  hash=$(source_hash "$src")
  repo="$out/$name"
  if [ -f "$repo/.git/ccci-fixture-hash" ] && [ "$(cat "$repo/.git/ccci-fixture-hash")" = "$hash" ]; then
    echo "fixture $name: up to date ($(git -C "$repo" rev-parse --short=8 main) main, $(git -C "$repo" rev-parse --short=8 pr/1) pr/1)"
    continue
  fi
  tmp="$out/.$name.tmp.$$"
  rm -rf "$tmp"
  build "$name" "$src" "$tmp"
  echo "$hash" >"$tmp/.git/ccci-fixture-hash"
  rm -rf "$repo"
  mv "$tmp" "$repo"
  echo "fixture $name: built ($(git -C "$repo" rev-parse --short=8 main) main, $(git -C "$repo" rev-parse --short=8 pr/1) pr/1, tags: $(git -C "$repo" tag | tr '\n' ' '))"
done
