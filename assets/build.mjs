// Builds Hearth's CSS and JS from the pinned npm packages into hearth/core/static/hearth/.
// Run by `make assets` (npm run build). The output is not committed.
import { Logger, compile } from "sass";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "hearth", "core", "static", "hearth");
const modules = join(root, "node_modules");
mkdirSync(join(out, "images"), { recursive: true });

const css = compile(join(root, "assets", "scss", "hearth.scss"), {
  // MOJ Frontend refers to GOV.UK Frontend as node_modules/..., so the root is a load path.
  loadPaths: [root, modules],
  style: "compressed",
  quietDeps: true,
  // GOV.UK and MOJ Frontend warn about their own deprecations; errors still stop the build.
  logger: Logger.silent,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "hearth.css"), css.css);

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
const moj = join(modules, "@ministryofjustice", "frontend", "moj");
// The source maps come too: the scripts name them, and collectstatic checks every name.
for (const [dir, name] of [[govuk, "govuk-frontend.min.js"], [moj, "moj-frontend.min.js"]]) {
  cpSync(join(dir, name), join(out, name));
  cpSync(join(dir, `${name}.map`), join(out, `${name}.map`));
}
cpSync(join(root, "assets", "js", "hearth.mjs"), join(out, "hearth.mjs"));
cpSync(join(govuk, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(moj, "assets", "images"), join(out, "images"), { recursive: true });
console.log(`Built ${out}`);
