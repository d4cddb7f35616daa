# services.cc-ci: the cc-ci daemon and, optionally, a scale-out worker on NixOS (docs/install.md).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    mkDefault
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    optional
    types
    ;
  cfg = config.services.cc-ci;
  json = pkgs.formats.json { };

  # LoadCredential= copies each secret file to /run/credentials/<unit>/<name> when the unit starts,
  # readable by that unit's processes only (its runs included). The file named in the config is
  # that copy, so the config holds paths, never secrets, and may sit in the world-readable store.
  credentialPath = unit: name: "/run/credentials/${unit}.service/${name}";
  credentials =
    unit:
    optional (cfg.forgeTokenFile != null && unit == "cc-ci") "forge-token:${cfg.forgeTokenFile}"
    ++ optional (cfg.webhookSecretFile != null && unit == "cc-ci") "webhook-secret:${cfg.webhookSecretFile}"
    ++ optional (cfg.natsCredentialsFile != null) "nats-credentials:${cfg.natsCredentialsFile}";

  # ccci's schema has no null: a key left unset is left out, and ccci's own default applies.
  dropNulls =
    value:
    if builtins.isAttrs value then
      lib.mapAttrs (_: dropNulls) (lib.filterAttrs (_: item: item != null) value)
    else if builtins.isList value then
      map dropNulls value
    else
      value;

  configFile = json.generate "cc-ci-config.json" (dropNulls cfg.settings);
  # The worker's own file: the same settings, but each unit has its own credentials directory, so
  # the NATS credentials path must name the worker's.
  workerConfigFile = json.generate "cc-ci-worker.json" (
    dropNulls (
      lib.recursiveUpdate cfg.settings (
        lib.optionalAttrs (cfg.natsCredentialsFile != null) { nats.credentialsFile = credentialPath "cc-ci-worker" "nats-credentials"; }
      )
    )
  );

  ccci = "${cfg.package}/bin/ccci";

  # Both long-running units stop the same way; the numbers are explained at stopTimeout.
  service =
    {
      description,
      command,
      configPath,
      file,
      unit,
    }:
    {
      inherit description;
      wantedBy = [ "multi-user.target" ];
      # Ordered after docker: at shutdown, or when docker is restarted, this unit stops first and
      # its runs tear their apps down while the engine is still there.
      after = [
        "docker.service"
        "network-online.target"
      ];
      requires = [ "docker.service" ];
      wants = [ "network-online.target" ];
      # a changed configuration restarts the unit (the path in ExecStart stays the same)
      restartTriggers = [ file ];
      # root: see services.cc-ci.enable. abra keeps its docker contexts under $HOME.
      environment.HOME = "/root";
      serviceConfig = {
        ExecStart = "${ccci} ${command} --config ${configPath}";
        Restart = "on-failure";
        RestartSec = "10s";
        # exit 2 is a bad configuration or a missing secret: restarting cannot fix it
        RestartPreventExitStatus = "2";
        # SIGTERM to ccci alone: it stops every run, each tears its app down and exits, then ccci
        # exits. The default (control-group) would also signal every abra and docker child of
        # every run at once, behind the runs' backs: a stage, or a teardown already under way,
        # would lose its calls midway. Whatever is left when ccci has exited, or at TimeoutStopSec,
        # is SIGKILLed.
        KillMode = "mixed";
        TimeoutStopSec = cfg.stopTimeout;
        StateDirectory = lib.removePrefix "/var/lib/" cfg.stateDir;
        StateDirectoryMode = "0750";
        LoadCredential = credentials unit;
      };
    };
in
{
  options.services.cc-ci = {
    enable = mkEnableOption ''
      the cc-ci daemon (`ccci daemon`), the CI server for Co-op Cloud recipes. It runs as root:
      it drives the docker engine (membership of the docker group is root in all but name), and
      the generic backup check writes its marker files straight into the app's volumes under
      /var/lib/docker/volumes, which only root can reach'';

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The cc-ci package (its `ccci` command).";
    };

    settings = mkOption {
      type = types.submodule {
        freeformType = json.type;
        options = import ./settings-options.nix {
          inherit lib;
          freeform = json.type;
        };
      };
      default = { };
      description = ''
        The configuration file, rendered as /etc/cc-ci/config.json (schema: docs/config.schema.json).
        ccci validates it when it starts; the module fills in the paths and credentials it manages.
      '';
    };

    stateDir = mkOption {
      type = types.str;
      default = "/var/lib/cc-ci";
      description = "Where runs (runs/) and the daemon's database (daemon/) live; systemd creates it (StateDirectory=), so it must be under /var/lib.";
    };

    maxTests = mkOption {
      type = types.ints.positive;
      default = 1;
      description = "Runs at once on this host (settings.daemon.maxTests); the rest wait, first come first served.";
    };

    # Strings, not Nix paths: a path literal would be copied into the world-readable store.
    forgeTokenFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/run/secrets/cc-ci-forge-token";
      description = "File with the bot's forge API token (required for the daemon); loaded with LoadCredential=.";
    };

    webhookSecretFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "File with the webhook secret; when set, POST /hook accepts signed deliveries. Loaded with LoadCredential=.";
    };

    natsCredentialsFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "NATS credentials (.creds) file of this host, when the cluster requires one. Loaded with LoadCredential=.";
    };

    stopTimeout = mkOption {
      type = types.str;
      default = "25min";
      description = ''
        TimeoutStopSec= of the daemon and the worker. A stop waits for every run to tear down: each
        app's teardown has its own 10-minute budget (src/actors/tear-down-app.ts) and a recipe's
        dependencies are torn down after it, one by one; the daemon then spends up to 20 s
        delivering reports. 25 minutes covers an app with one dependency (2 × 10 min, the 5 s
        grace of the stage that was cut, the 20 s flush) with room to spare; raise it by 10 minutes
        for each further dependency of the recipes you enroll.
      '';
    };

    worker = {
      enable = mkEnableOption ''
        a scale-out worker (`ccci worker`, docs/scale-out.md): it runs the run requests the daemon
        publishes to NATS JetStream. It needs settings.nats. Like the daemon, it runs its own
        janitor passes (settings.worker.janitorIntervalMinutes), so no janitor timer is needed'';

      maxTests = mkOption {
        type = types.ints.positive;
        default = 1;
        description = "Runs at once on this worker (settings.worker.maxTests).";
      };

    };
  };

  config = mkIf (cfg.enable || cfg.worker.enable) {
    assertions = [
      {
        assertion = !cfg.enable || cfg.forgeTokenFile != null;
        message = "services.cc-ci.forgeTokenFile is required for the daemon: the bot's token, as a file.";
      }
      {
        assertion = !cfg.worker.enable || cfg.settings.nats != null;
        message = "services.cc-ci.worker.enable needs services.cc-ci.settings.nats (the JetStream servers).";
      }
      {
        assertion = lib.hasPrefix "/var/lib/" cfg.stateDir;
        message = "services.cc-ci.stateDir must be under /var/lib/ (it is the units' StateDirectory=).";
      }
      {
        assertion = lib.all (file: file == null || lib.hasPrefix "/" file) [
          cfg.forgeTokenFile
          cfg.webhookSecretFile
          cfg.natsCredentialsFile
        ];
        message = "services.cc-ci: forgeTokenFile, webhookSecretFile and natsCredentialsFile must be absolute paths.";
      }
    ];

    services.cc-ci.settings = mkMerge [
      {
        runsDir = mkDefault "${cfg.stateDir}/runs";
        lockDir = mkDefault "/run/lock/cc-ci";
        chromium = mkDefault "${pkgs.chromium}/bin/chromium";
        # where `abra server add`, run as root, puts the server config
        abra.dir = mkDefault "/root/.abra";
      }
      (mkIf cfg.enable {
        daemon = {
          stateDir = mkDefault "${cfg.stateDir}/daemon";
          maxTests = cfg.maxTests;
          forge.tokenFile = credentialPath "cc-ci" "forge-token";
          forge.webhookSecretFile = mkIf (cfg.webhookSecretFile != null) (credentialPath "cc-ci" "webhook-secret");
        };
      })
      (mkIf (cfg.enable && cfg.natsCredentialsFile != null) { nats.credentialsFile = credentialPath "cc-ci" "nats-credentials"; })
      (mkIf cfg.worker.enable { worker.maxTests = cfg.worker.maxTests; })
    ];

    # The engine runs, abra and the janitor call; the swarm itself is set up once by hand (docs/install.md).
    virtualisation.docker.enable = mkDefault true;

    environment.etc."cc-ci/config.json".source = configFile;
    environment.etc."cc-ci/worker.json" = mkIf cfg.worker.enable { source = workerConfigFile; };
    # `ccci janitor`, `ccci run` and `ccci recipe check` by hand read /etc/cc-ci/config.json by default
    environment.systemPackages = [ cfg.package ];

    # On /run the lock dir is emptied at boot, when no run can be alive. It must exist again before
    # the start-up janitor pass: with no lock dir the janitor probes nothing, and with an empty one
    # it reaps at once every app a reboot cut off (docs/concurrency.md).
    systemd.tmpfiles.rules = [ "d ${cfg.settings.lockDir} 0755 root root -" ];

    systemd.services.cc-ci = mkIf cfg.enable (service {
      description = "cc-ci daemon: the CI server for Co-op Cloud recipes";
      command = "daemon";
      configPath = "/etc/cc-ci/config.json";
      file = configFile;
      unit = "cc-ci";
    });

    systemd.services.cc-ci-worker = mkIf cfg.worker.enable (service {
      description = "cc-ci worker: runs the run requests of the cc-ci daemon";
      command = "worker";
      configPath = "/etc/cc-ci/worker.json";
      file = workerConfigFile;
      unit = "cc-ci-worker";
    });
  };
}
