import { z } from "zod";

/**
 * Everlytic's transactional webhooks API, as the "Create Webhook" document states it
 * (shared/seeds/everlytic-create-webhook.txt; https://help.everlytic.com/knowledgebase/create-webhook/).
 */
export const EVENT_TYPES = ["sent", "delivered", "failed", "open", "click", "bounce", "unsubscribe", "resubscribe"] as const;
export const VERBS = ["get", "put", "post", "patch", "delete"] as const;
export const PAYLOAD_CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json"] as const;
export const FIELD_SETS = ["standard", "legacy"] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type FieldSet = (typeof FIELD_SETS)[number];
export type PayloadContentType = (typeof PAYLOAD_CONTENT_TYPES)[number];

export const AuthDetailsSchema = z
  .object({
    username: z.string().min(1, "The auth details username field is required."),
    password: z.string().min(1, "The auth details password field is required."),
  })
  .strict();

/** The Create (and Update: full replace) request body, validated before anything is sent. */
export const WebhookRequestSchema = z
  .object({
    event_types: z
      .array(z.enum(EVENT_TYPES, "The selected event types is invalid."))
      .min(1, "The event types field is required.")
      .refine((types) => new Set(types).size === types.length, "The event types field has a duplicate value."),
    url: z.url("The url format is invalid."),
    verb: z.enum(VERBS, "The selected verb is invalid."),
    auth_details: AuthDetailsSchema.optional(),
    auth_type: z.literal("basic", "The selected auth type is invalid.").optional(),
    content_type: z.enum(PAYLOAD_CONTENT_TYPES, "The selected content type is invalid.").optional(),
    field_set: z.enum(FIELD_SETS, "The selected field set is invalid.").optional(),
    settings: z.object({ include_html: z.boolean("The settings include html field must be true or false.") }).strict().optional(),
  })
  .strict()
  .superRefine((request, context) => {
    // "auth_type: Yes, if auth_details is not empty"
    if (request.auth_details !== undefined && request.auth_type === undefined) {
      context.addIssue({ code: "custom", path: ["auth_type"], message: "The auth type field is required when auth details is present." });
    }
  });
export type WebhookRequest = z.infer<typeof WebhookRequestSchema>;

/** `settings` comes back as an object or as JSON text (the document's example shows the latter). */
const SettingsSchema = z.union([
  z.looseObject({ include_html: z.boolean().optional() }),
  z.string().transform((text, context) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as { include_html?: boolean };
    } catch {
      // reported below
    }
    context.addIssue({ code: "custom", message: "settings is neither an object nor JSON text of one" });
    return z.NEVER;
  }),
  z.null(),
]);

/** A webhook as Everlytic answers it: tolerant of what the document shows (auth_details null, settings as text). */
export const WebhookSchema = z.looseObject({
  id: z.string(),
  url: z.string(),
  verb: z.string(),
  auth_details: AuthDetailsSchema.loose().nullable().optional(),
  auth_type: z.string().nullable().optional(),
  status: z.string().optional(),
  settings: SettingsSchema.optional(),
  content_type: z.string().nullable().optional(),
  field_set: z.string().nullable().optional(),
  updated_timestamp: z.string().optional(),
  created_timestamp: z.string().optional(),
  event_types: z.array(z.string()).optional(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookEnvelopeSchema = z.union([
  z.looseObject({ webhook: WebhookSchema }).transform((e) => e.webhook),
  z.looseObject({ data: WebhookSchema }).transform((e) => e.data),
  z.looseObject({ data: z.array(WebhookSchema).length(1) }).transform((e) => e.data[0]!),
]);

/** Laravel-style pagination, as the "Get configured webhooks" page shows. */
export const WebhookListSchema = z.looseObject({
  type: z.string().optional(),
  meta: z
    .looseObject({
      total: z.number().optional(),
      per_page: z.number().optional(),
      current_page: z.number().optional(),
      last_page: z.number().optional(),
      from: z.number().nullable().optional(),
      to: z.number().nullable().optional(),
    })
    .optional(),
  links: z
    .looseObject({ first: z.string().nullable().optional(), last: z.string().nullable().optional(), prev: z.string().nullable().optional(), next: z.string().nullable().optional() })
    .optional(),
  data: z.array(WebhookSchema),
});
export type WebhookList = z.infer<typeof WebhookListSchema>;

export const StatusSchema = z.looseObject({ status: z.boolean() });

/** The 4xx shape: `{ code, message, error: { errors: [{ domain, reason, message, locationType, location }] } }`. */
export const ErrorDetailSchema = z.looseObject({
  domain: z.string(),
  reason: z.string(),
  message: z.string(),
  locationType: z.string(),
  location: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

export const ErrorResponseSchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  error: z.looseObject({ errors: z.array(ErrorDetailSchema) }).optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
