import { describe, it } from "vitest";
import { pluginChecks, type PluginSuiteOptions } from "./checks.js";

export { CHECK_NAMES, pluginChecks, type CheckName, type PluginCheck, type PluginSuiteOptions, type SuiteRequest } from "./checks.js";
export {
  SIGNATURE_CHECK_NAMES,
  signatureChecks,
  testSignatures,
  type SignatureCheck,
  type SignatureCheckName,
  type SignatureSuiteOptions,
} from "./signatures.js";

/**
 * Registers the shared property suite for one plugin: call it from the plugin's test file, as
 * unstorage's drivers call testDriver. Exemptions show up as skipped tests that carry their reason.
 */
export function testPlugin<Name extends string, Credentials>(options: PluginSuiteOptions<Name, Credentials>): void {
  describe(`plugin contract: ${options.plugin.id}`, () => {
    for (const check of pluginChecks(options)) {
      if (check.exempt !== undefined) it.skip(`${check.name} (exempt: ${check.exempt})`, () => {});
      else it(check.name, () => check.run(), 60_000);
    }
  });
}
