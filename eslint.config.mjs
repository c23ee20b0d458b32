// Lint config: typescript-eslint's recommended rules over every TypeScript file we own.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "build/", ".tmp/", ".demo/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // `import x = require()` is how TypeScript imports a module whose whole export is one object
      // (the provider modules in provider/providers).
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
    },
  },
);
