# cc-ci for Nix: the `ccci` package and the NixOS module services.cc-ci (docs/install.md).
{
  description = "cc-ci: a continuous-integration server for Co-op Cloud recipes";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";

  outputs =
    { self, nixpkgs }:
    let
      # a CI host is a Docker swarm node: Linux only
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forEachSystem = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forEachSystem (pkgs: rec {
        cc-ci = pkgs.callPackage ./nix/package.nix { };
        default = cc-ci;
      });

      # The module builds its package from the host's own nixpkgs (services.cc-ci.package).
      nixosModules.default = ./nix/module.nix;

      overlays.default = final: _prev: { cc-ci = final.callPackage ./nix/package.nix { }; };
    };
}
