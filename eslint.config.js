// ESLint for the site's own script (`make lint`): the recommended rules, in a browser.
// The script is a classic one (mkdocs.yml's extra_javascript), which loads Pagefind with import().
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    files: ["overrides/assets/javascripts/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
];
