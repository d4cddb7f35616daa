// cc-ci customization of the Co-op Cloud recipe keycloak (Keycloak with its database; README.md).
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  // the master realm's public endpoint: answered once Keycloak has started and reached its database
  HEALTH_PATH: '/realms/master',
  HEALTH_OK: [200],
  // Keycloak's first start (schema creation, the bootstrap admin) may outlast the default 120 s on a busy host
  HTTP_TIMEOUT: 300,
});
