# The options of services.cc-ci.settings: the keys of the operator's configuration file
# (src/config/schema.ts, docs/config.schema.json), rendered as /etc/cc-ci/config.json.
#
# Only names and rough types live here. ccci validates the file against its zod schema when it
# starts (exit 2 and the offending key otherwise), so patterns, ranges and defaults are the schema's
# alone: a key left null is left out of the file and ccci's default applies. Every section also
# passes keys it does not know through (freeformType), for ccci to accept or reject.
# test/repo/nix.test.ts checks that these names and the schema's keys are the same.
#
# Uses only lib.mkOption and the lib.types named below: the test evaluates this file with a stub
# of exactly those (there is no nixpkgs where the tests run).
{ lib, freeform }:

let
  inherit (lib) mkOption types;
  section =
    options:
    types.submodule {
      freeformType = freeform;
      inherit options;
    };
  required = type: description: mkOption { inherit type description; };
  optional =
    type: description:
    mkOption {
      type = types.nullOr type;
      default = null;
      inherit description;
    };
  minutes = types.number;
in
{
  abra = required (section {
    bin = optional types.str "The abra executable: an absolute path (abra is not in nixpkgs; the wrapper's PATH does not have it).";
    dir = required types.str "Shared ABRA_DIR whose servers/ holds the server config.";
    server = required types.str "The abra server apps are deployed to (a directory under servers/).";
    tty = optional types.bool "Run abra under `script` so it has a terminal (ccci's default: true).";
  }) "How ccci calls abra.";

  ciDomain = required types.str "Per-run apps are <4 chars>-<6 hex>.<ciDomain>; a wildcard DNS record must point at the swarm.";
  runsDir = required types.str "Every run writes under <runsDir>/<runId>/.";
  lockDir = required types.str "Per-domain lock files (the module's default is on tmpfs: a reboot leaves no lock behind).";
  customizationDir = optional types.str "Per-recipe CI customization trees: <customizationDir>/<recipe>/ (ccci's default: the recipes/ the package ships).";
  deadlineMinutes = optional minutes "Hard deadline of one run (ccci's default: 60).";
  runRetentionDays = optional types.number "Run directories last written longer ago are removed at every janitor pass (ccci's default: 30).";
  chromium = optional types.str "Absolute path of the Chromium used for the app's screenshot.";
  secretsDir = optional types.str "Directory of operator secrets, one per file; every value in it is masked in logs, artifacts and comments.";
  repoLocalAllowlist = optional types.str "File naming the recipes whose repository-local .ccci/ tests and hooks may run (none without it).";
  dependencySource = optional types.str "Where DEPS recipes are cloned from, with {recipe} in it.";

  daemon = optional (section {
    forge = required (section {
      url = required types.str "Base URL of the Gitea or Forgejo server.";
      tokenFile = required types.str "File with the bot's API token (set by services.cc-ci.forgeTokenFile).";
      webhookSecretFile = optional types.str "File with the webhook secret (set by services.cc-ci.webhookSecretFile).";
    }) "The forge the daemon polls and reports to.";
    org = required types.str "Organisation whose members may trigger runs.";
    repositories = required (types.listOf (
      types.either types.str (section {
        repo = required types.str "owner/name on the forge.";
        recipe = optional types.str "The recipe name when it differs from the repository name.";
      })
    )) "Enrolled recipe repositories: \"owner/name\" or { repo; recipe; }.";
    commenterAllowlist = optional (types.listOf types.str) "Logins that may trigger runs without being organisation members.";
    pollIntervalSeconds = optional types.number "Pause between poll cycles (ccci's default: 30).";
    maxTests = optional types.int "Runs at once on this host (set by services.cc-ci.maxTests).";
    runLimitMinutes = optional minutes "The daemon stops a run that takes longer; below deadlineMinutes (default: 90% of it).";
    stateDir = required types.str "The daemon's SQLite database.";
    listen = optional (section {
      host = optional types.str "Address the HTTP server binds to (ccci's default: 127.0.0.1).";
      port = optional types.port "Port of the HTTP server (ccci's default: 8470).";
    }) "Where /hook, /healthz and the run pages are served.";
    publicUrl = optional types.str "Base URL of the run pages, for links in statuses and comments.";
    janitorIntervalMinutes = optional minutes "How often the daemon runs a janitor pass (ccci's default: 5).";
  }) "The CI server (ccci daemon); filled in by the module when services.cc-ci.enable is set.";

  nats = optional (section {
    servers = required (types.listOf types.str) "NATS servers of the JetStream cluster (nats://host:port).";
    credentialsFile = optional types.str "NATS credentials file (set by services.cc-ci.natsCredentialsFile).";
    replicas = optional types.int "JetStream replicas of the run streams (ccci's default: 1).";
    ackWaitSeconds = optional types.int "How long a run request may go without a keep-alive from its worker (ccci's default: 60).";
  }) "Scale-out (docs/scale-out.md): the daemon publishes run requests, `ccci worker` hosts run them.";

  worker = optional (section {
    name = optional types.str "This worker's name in reports and logs (ccci's default: the host name).";
    maxTests = optional types.int "Runs at once on this worker (set by services.cc-ci.worker.maxTests).";
    janitorIntervalMinutes = optional minutes "How often the worker runs a janitor pass over this host's swarm (ccci's default: 5).";
  }) "A host running `ccci worker`; filled in by the module when services.cc-ci.worker.enable is set.";
}
