import { defineConfig } from "vitest/config";

// Tests import workspace packages from their TypeScript sources (the
// `@tandem/source` export condition) so that no build is needed to run them.
const conditions = ["@tandem/source", "module", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@tandem/source"] } },
  test: {
    include: ["packages/*/src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    // Integration tests start servers and databases; two cores in CI.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test that waits for a condition fails by timing out; print which.
    reporters: ["default"],
  },
});
