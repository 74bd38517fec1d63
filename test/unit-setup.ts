import { applyTestEnv } from "./test-env";

/**
 * Unit tests have no database: the configuration the app's modules read is complete, but its
 * DATABASE_URL names a port nothing listens on, so a unit test that reaches PostgreSQL fails at
 * once with a connection error naming "no-database-in-unit-tests" instead of waiting or
 * starting one. Move such a test to the integration project (it is one).
 */
applyTestEnv("postgres://no-database-in-unit-tests@127.0.0.1:1/no-database-in-unit-tests");
