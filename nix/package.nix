# The ccci command, built from this checkout with buildNpmPackage (docs/install.md).
{
  lib,
  buildNpmPackage,
  nodejs_20,
  python3,
  makeWrapper,
  writeText,
  docker-client,
  git,
  util-linux,
  bash,
  coreutils,
}:

let
  root = ../.;
  manifest = lib.importJSON ../package.json;

  # Commands cc-ci starts by name (src/io/*.ts): docker; git; `script` (abra runs under it for a
  # terminal) and `flock` (the lock takeover) from util-linux; bash for install_steps.sh; stat and
  # date for the takeover script. abra is not here: settings.abra.bin names it. Nor is Chromium:
  # settings.chromium must be an absolute path (ccci checks that file, it never searches PATH), so
  # the NixOS module points it at a Chromium package instead.
  runtimePath = lib.makeBinPath [
    docker-client
    git
    util-linux
    bash
    coreutils
  ];

  lockWithUrls = writeText "package-lock.json" (builtins.toJSON (import ./resolved-lock.nix ../package-lock.json));
in
buildNpmPackage {
  pname = manifest.name;
  inherit (manifest) version;
  nodejs = nodejs_20;

  # Only what the build and the installed command read: a change under test/ or docs/ is no rebuild.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      ../package.json
      ../package-lock.json
      ../tsconfig.json
      ../bin
      ../scripts
      ../src
      (lib.fileset.maybeMissing ../recipes)
    ];
  };

  # Runs before the dependencies are fetched and again before npm ci (buildNpmPackage hands postPatch
  # to fetchNpmDeps too), so both see the same lockfile; nix/resolved-lock.nix says why it is needed.
  postPatch = ''
    cp ${lockWithUrls} package-lock.json
  '';

  # PLACEHOLDER, not a real hash: it could not be computed where this file was written (no network,
  # no nixpkgs). The first `nix build` fails with "hash mismatch ... got: sha256-…"; put that value
  # here. It changes whenever package-lock.json does.
  npmDepsHash = lib.fakeHash;

  # better-sqlite3 has no prebuilt binary for Nix's Node and the sandbox has no network, so its
  # install script compiles the bundled SQLite with node-gyp, which needs Python. No pkg-config:
  # nothing is linked against a system library.
  nativeBuildInputs = [
    python3
    makeWrapper
  ];
  env.npm_config_build_from_source = "true";

  # `npm run build` (scripts/build.mjs) bundles src/ into dist/ with esbuild.
  npmBuildScript = "build";

  # Not npm's own install step: it installs what `npm pack` would publish, and with no "files" field
  # npm pack honours .gitignore, which leaves out dist/. bin/ccci needs dist/ (the bundle),
  # scripts/build.mjs (it imports its staleness check) and src/ (the tier reporter, and the
  # staleness check walks it: every file in the store has the same mtime, so the bundle is never
  # rebuilt there).
  installPhase = ''
    runHook preInstall

    npm prune --omit=dev --no-save

    package=$out/lib/node_modules/${manifest.name}
    mkdir -p $package
    cp -r package.json bin dist scripts src node_modules $package/
    if [ -d recipes ]; then cp -r recipes $package/; fi

    # The daemon starts its runs as $package/bin/ccci (patchShebangs points it at this Node), and
    # they inherit this PATH from it.
    makeWrapper ${lib.getExe nodejs_20} $out/bin/ccci \
      --add-flags $package/bin/ccci \
      --prefix PATH : ${runtimePath}

    runHook postInstall
  '';

  meta = {
    inherit (manifest) description;
    license = lib.licenses.agpl3Plus;
    mainProgram = "ccci";
    platforms = lib.platforms.linux;
  };
}
