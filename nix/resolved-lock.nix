# package-lock.json with a `resolved` URL on every registry entry.
#
# The lockfile is written with npm's omit-lockfile-registry-resolved setting: its entries carry a
# version and an integrity, but no URL. fetchNpmDeps (prefetch-npm-deps) downloads only entries
# that have a `resolved` URL and skips the rest without a word, and npm ci in the build sandbox is
# offline, so without the URLs the build would meet an empty cache. The URL filled in is the one
# npm itself derives for such an entry (the public registry's tarball path), and the integrity
# stays as locked: this changes where a tarball is fetched from, never which bytes are installed.
#
# Builtins only, no nixpkgs lib: test/repo/nix.test.ts evaluates this file for real.
lockFile:
let
  lock = builtins.fromJSON (builtins.readFile lockFile);
  last = list: builtins.elemAt list (builtins.length list - 1);
  pieces = separator: text: builtins.filter builtins.isString (builtins.split separator text);
  # "node_modules/a/node_modules/@scope/b" is the package "@scope/b"
  nameOf = key: last (pieces "node_modules/" key);
  # @scope/b 1.2.3 -> https://registry.npmjs.org/@scope/b/-/b-1.2.3.tgz
  tarball = name: version: "https://registry.npmjs.org/${name}/-/${last (pieces "/" name)}-${version}.tgz";
  withUrl =
    key: entry:
    # the root project, entries that already say where they come from, links and workspace members
    if key == "" || entry ? resolved || (entry.link or false) || !(entry ? version) then
      entry
    else
      # an aliased dependency names its real package in `name`
      entry // { resolved = tarball (entry.name or (nameOf key)) entry.version; };
in
lock // { packages = builtins.mapAttrs withUrl lock.packages; }
