// How the drone tree wires its dependency in, shared by meta.ts and the functional test.

/**
 * The recipe's env variable for the Gitea domain (drone's DRONE_GITEA_SERVER is built from it). An
 * assumption about the recipe (README.md); custom/login.test.ts checks compose.yml still reads it.
 */
export const GITEA_DOMAIN_VARIABLE = 'GITEA_DOMAIN';
