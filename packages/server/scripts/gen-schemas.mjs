// Rewrites schemas/config.schema.json from the zod config schema (run after `tsc -b`).
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/config/schema.js";

writeFileSync(new URL("../schemas/config.schema.json", import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log("wrote schemas/config.schema.json");
