import { ignore, type Mapping } from "@tidings/core";

/**
 * Amazon SES sending events as SNS delivers them ("Contents of event data that Amazon SES publishes
 * to Amazon SNS", https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html;
 * the older identity notifications, "notification-contents", use the same names under
 * `notificationType`), and the SNS messages that arrive on the same URL.
 *
 * Refined names: a bounce by `bounceType` and `bounceSubType`, a complaint by
 * `complaintSubType`/`complaintFeedbackType`, a delivery delay by `delayType`, a subscription
 * change by whether the contact opted out. A bare name is the event whose refining field is
 * missing or not one SES documents.
 */
export const EVENTS = [
  "Send",
  "Reject",
  "Bounce",
  "Bounce:Permanent",
  "Bounce:Permanent:Suppressed",
  "Bounce:Permanent:OnAccountSuppressionList",
  "Bounce:Transient",
  "Bounce:Transient:ContentRejected",
  "Bounce:Transient:AttachmentRejected",
  "Bounce:Undetermined",
  "Complaint",
  "Complaint:OnAccountSuppressionList",
  "Complaint:not-spam",
  "Delivery",
  "Open",
  "Click",
  "Rendering Failure",
  "DeliveryDelay",
  "DeliveryDelay:InternalFailure",
  "DeliveryDelay:General",
  "DeliveryDelay:MailboxFull",
  "DeliveryDelay:SpamDetected",
  "DeliveryDelay:RecipientServerError",
  "DeliveryDelay:IPFailure",
  "DeliveryDelay:TransientCommunicationFailure",
  "DeliveryDelay:BYOIPHostNameLookupUnavailable",
  "DeliveryDelay:Undetermined",
  "DeliveryDelay:SendingDeferral",
  "Subscription",
  "Subscription:unsubscribed",
  "AmazonSnsSubscriptionSucceeded",
  "TopicValidated",
  "SubscriptionConfirmation",
  "UnsubscribeConfirmation",
] as const;
export type SesEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<SesEvent> = {
  // SES accepted the call and will try to deliver: it has not left SES (suppressed addresses get a Send too).
  Send: "queued",
  // SES took the message, found a virus and stopped ("Bad content"): the provider refused to send it.
  Reject: "rejected",
  Bounce: "bounced",
  "Bounce:Permanent": "bounced",
  // Never attempted: the address is on SES's global or the account's suppression list.
  "Bounce:Permanent:Suppressed": "dropped",
  "Bounce:Permanent:OnAccountSuppressionList": "dropped",
  // SES publishes a transient bounce only after it has stopped retrying, so nothing more will happen
  // to this message (not `deferred`); the address may work later, hence bounceClass "soft".
  "Bounce:Transient": "bounced",
  "Bounce:Transient:ContentRejected": "blocked",
  "Bounce:Transient:AttachmentRejected": "blocked",
  "Bounce:Undetermined": "bounced",
  // SES complaints are feedback-loop (ARF) reports forwarded by the receiving ISP, which the
  // vocabulary calls `complaint` (docs/vocabulary.md names SES's `abuse` complaint as its example).
  Complaint: "complaint",
  "Complaint:OnAccountSuppressionList": "dropped",
  "Complaint:not-spam": ignore("the reporter says the message is not spam: a correction, not a complaint"),
  Delivery: "delivered",
  Open: "opened",
  Click: "clicked",
  "Rendering Failure": "failed",
  // The event's documented meaning: a temporary issue at the receiving side; SES keeps retrying.
  DeliveryDelay: "deferred",
  "DeliveryDelay:InternalFailure": "delayed",
  "DeliveryDelay:General": "deferred",
  "DeliveryDelay:MailboxFull": "deferred",
  "DeliveryDelay:SpamDetected": "deferred",
  "DeliveryDelay:RecipientServerError": "deferred",
  "DeliveryDelay:IPFailure": "deferred",
  "DeliveryDelay:TransientCommunicationFailure": "deferred",
  "DeliveryDelay:BYOIPHostNameLookupUnavailable": "delayed",
  "DeliveryDelay:Undetermined": "deferred",
  "DeliveryDelay:SendingDeferral": "delayed",
  Subscription: ignore("the contact opted in or changed topic preferences without opting out"),
  "Subscription:unsubscribed": "unsubscribed",
  AmazonSnsSubscriptionSucceeded: ignore("SES's notice that an identity's notification topic is set up, not about a message"),
  TopicValidated: ignore("SES's test message when an SNS event destination is added, not about a message"),
  SubscriptionConfirmation: ignore("SNS asks to confirm the subscription; the host confirms it when autoConfirm allows"),
  UnsubscribeConfirmation: ignore("SNS reports the endpoint was unsubscribed; nothing to do"),
};
