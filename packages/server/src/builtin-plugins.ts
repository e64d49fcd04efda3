import type { AnyPlugin } from "@tidings/core";
import { anypost } from "@tidings/plugin-anypost";
import { brevo } from "@tidings/plugin-brevo";
import { everlyticLegacy } from "@tidings/plugin-everlytic-legacy";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { infobip } from "@tidings/plugin-infobip";
import { mailersend } from "@tidings/plugin-mailersend";
import { mailjet } from "@tidings/plugin-mailjet";
import { mailtrap } from "@tidings/plugin-mailtrap";
import { mandrill } from "@tidings/plugin-mandrill";
import { netcore } from "@tidings/plugin-netcore";
import { plivo } from "@tidings/plugin-plivo";
import { postal } from "@tidings/plugin-postal";
import { postmark } from "@tidings/plugin-postmark";
import { resend } from "@tidings/plugin-resend";
import { ringcentral } from "@tidings/plugin-ringcentral";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { ses } from "@tidings/plugin-ses";
import { sinch } from "@tidings/plugin-sinch";
import { sparkpost } from "@tidings/plugin-sparkpost";
import { telnyx } from "@tidings/plugin-telnyx";
import { termii } from "@tidings/plugin-termii";
import { twilio } from "@tidings/plugin-twilio";
import { unisenderGo } from "@tidings/plugin-unisender-go";
import { vonage } from "@tidings/plugin-vonage";

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
  postal,
  mailtrap,
  mandrill,
  mailersend,
  anypost,
  unisenderGo,
  telnyx,
  twilio,
  plivo,
  vonage,
  infobip,
  termii,
  ringcentral,
  sinch,
];
