import { credentialsSchema, isUsablePublicKey, type Infer, type Zod } from "@tidings/core";
import { certificateUrlProblem } from "./sns.js";

/** An SNS topic ARN (`arn:aws:sns:us-east-1:123456789012:ses-events`, other partitions, FIFO topics). */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

function sesFields(z: Zod) {
  const TopicArn = z.string().regex(TOPIC_ARN, { error: "expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)" });
  const CertificateUrl = z.string().refine((url) => certificateUrlProblem(url) === undefined, {
    error: (issue) => `not an SNS signing certificate URL: ${certificateUrlProblem(String(issue.input))}`,
  });
  const CertificatePem = z.string().refine((pem) => pem.trim().startsWith("-----BEGIN") && isUsablePublicKey(pem, "rsa-sha256"), {
    error: "expected the PEM text of an X.509 certificate (or public key) holding an RSA key",
  });
  return {
    topicArns: z
      .union([TopicArn, z.array(TopicArn).min(1, { error: "list at least one topic" })])
      .meta({ description: "The SNS topics this integration accepts messages from (TopicArn, compared exactly)" }),
    certificates: z
      .record(CertificateUrl, CertificatePem)
      .optional()
      .meta({ description: "SigningCertURL -> the certificate's PEM text, used instead of fetching it (air-gapped hosts, tests)" }),
    autoConfirm: z
      .boolean()
      .optional()
      .meta({ description: "Ask the host to confirm SNS subscriptions to the listed topics (default true)" }),
  };
}

export const SesCredentialsSchema = credentialsSchema({ extra: sesFields, requiredExtra: ["topicArns"] });
export type SesCredentials = Infer<typeof SesCredentialsSchema>;
