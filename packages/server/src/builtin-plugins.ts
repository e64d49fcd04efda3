import type { AnyPlugin } from "@tidings/core";
import { brevo } from "@tidings/plugin-brevo";
import { everlyticLegacy } from "@tidings/plugin-everlytic-legacy";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { mailjet } from "@tidings/plugin-mailjet";
import { netcore } from "@tidings/plugin-netcore";
import { postmark } from "@tidings/plugin-postmark";
import { resend } from "@tidings/plugin-resend";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { ses } from "@tidings/plugin-ses";
import { sparkpost } from "@tidings/plugin-sparkpost";

/** The plugins that ship with Tidings; community plugins come from the config's `plugins` list. */
export const BUILTIN_PLUGINS: readonly AnyPlugin[] = [
  everlyticStandard,
  everlyticLegacy,
  sendgrid,
  postmark,
  mailjet,
  sparkpost,
  brevo,
  netcore,
  ses,
  resend,
];
