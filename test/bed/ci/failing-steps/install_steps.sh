#!/usr/bin/env bash
# install_steps.sh of the `failing-steps` fixture: fails the way a broken wiring script would.
for i in $(seq 1 25); do echo "step $i of the wiring" >&2; done
echo "cannot insert secret oidc_client: no such dependency" >&2
exit 4
