// Rewrites schemas/*.json from the zod schemas (run after `tsc -b`); the drift test checks them.
import { writeFileSync } from "node:fs";
import { generatedJsonSchema, PUBLISHED_SCHEMAS } from "../dist/published-schemas.js";

for (const name of Object.keys(PUBLISHED_SCHEMAS)) {
  const file = new URL(`../schemas/${name}.schema.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(generatedJsonSchema(name), null, 2)}\n`);
  console.log(`wrote schemas/${name}.schema.json`);
}
