export { Random } from "./random.js";
export { basicAuth, withDuplicates, type SimulatedRequest } from "./request.js";
export {
  EVERLYTIC_TYPES,
  everlyticLegacyPayload,
  everlyticStandardPayload,
  everlyticTraffic,
  type EverlyticTrafficOptions,
  type EverlyticType,
} from "./everlytic.js";
export { SENDGRID_EVENTS, sendgridBody, sendgridEvent, sendgridSignatureHeaders, sendgridTraffic, type SendgridTrafficOptions } from "./sendgrid.js";
export { twilioSignature, twilioTraffic, type TwilioTrafficOptions } from "./twilio.js";
export { send, type SendOptions, type SendSummary } from "./send.js";
