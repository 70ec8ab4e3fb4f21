import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests import workspace packages from their TypeScript sources (the
// `@tandem/source` export condition), so no build is needed to run them.
export default defineConfig({
  resolve: { conditions: ["@tandem/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@tandem/source", ...defaultServerConditions] } },
  test: {
    include: ["packages/*/src/**/*.test.{ts,tsx}", "examples/*/src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    // Integration tests start servers and databases; CI has two cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
