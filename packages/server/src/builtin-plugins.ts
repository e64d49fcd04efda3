import type { AnyPlugin } from "@tidings/core";
import { everlyticLegacy } from "@tidings/plugin-everlytic-legacy";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { sendgrid } from "@tidings/plugin-sendgrid";

/** The plugins that ship with Tidings; community plugins come from the config's `plugins` list. */
export const BUILTIN_PLUGINS: readonly AnyPlugin[] = [everlyticStandard, everlyticLegacy, sendgrid];
