import { defineConfig } from "vitest/config";

// The emulator's own suites: the real stripe SDK against an emulator on a random port, no
// database and no portal code. Run alone with `npm test -w @eipp/stripe-emulator`; the root
// vitest config lists this file as one of its projects, so `npm test` runs them once too.
export default defineConfig({
  test: {
    name: "stripe-emulator",
    root: import.meta.dirname,
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
