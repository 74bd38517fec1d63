import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The Stripe emulator is its own package (stripe-emulator/, @eipp/stripe-emulator): everything
// else imports it by name, so its entry (index.ts) is its whole API — no reaching into its files.
const emulatorEntryOnly = {
  regex: "^(?!@eipp/stripe-emulator$).*(^|/)stripe-emulator(/|$)",
  message: 'Import "@eipp/stripe-emulator" (its index.ts), not the emulator\'s files.',
};

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", ".data/", "test-results/", "playwright-report/", "reports/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    ignores: ["stripe-emulator/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [emulatorEntryOnly] }] },
  },
  {
    // The emulator stands alone: nothing from the portal (aliases, or relative paths out of it).
    files: ["stripe-emulator/*.{ts,js,mjs}"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^(~|#db)/|^\\.\\./", message: "The emulator package imports nothing from the portal." }] }] },
  },
  {
    files: ["stripe-emulator/*/**/*.{ts,js,mjs}"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^(~|#db)/|^\\.\\./\\.\\./", message: "The emulator package imports nothing from the portal." }] }] },
  },
  {
    // Playwright fixtures call `use`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Routes stay thin: they may not reach the database directly.
    files: ["app/routes/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["~/db.server", "#db/*", "drizzle-orm", "drizzle-orm/*"], message: "Routes call a domain function in app/modules instead of querying." }, emulatorEntryOnly] }],
    },
  },
);
