import { signStandardWebhook } from "@tidings/core";
import type { ResolvedSubscription } from "../config/subscriptions.js";
import type { AttemptOutcome, ClaimedDelivery, Outbox, OutboxSize } from "../store/outbox.js";
import { send as sendOverNetwork, type Delivery, type SendOptions, type SendResult } from "./send.js";

export interface DeliveryLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DeliverySettings {
  /** Time for one attempt, answer included (default 10 s). */
  readonly timeoutMs: number;
  /** Attempts in flight per subscription (default 8): a slow endpoint holds at most these. */
  readonly concurrency: number;
  /** How often the outbox is read for due jobs (default 1 s); a commit that queues jobs wakes it at once. */
  readonly pollMs: number;
  /** Jobs waiting beyond which /health and the logs raise the alarm (default 10,000). */
  readonly outboxAlarm: number;
  /** Days a delivered job and its attempts are kept after its last attempt (default 7). */
  readonly keepDeliveredDays: number;
  /** Days a dead job is kept, for an operator to retry it (default 30). */
  readonly keepDeadDays: number;
}

export const DELIVERY_DEFAULTS: DeliverySettings = { timeoutMs: 10_000, concurrency: 8, pollMs: 1_000, outboxAlarm: 10_000, keepDeliveredDays: 7, keepDeadDays: 30 };

/** The outbox's size is measured for the alarm every this many polls. */
const SIZE_EVERY_POLLS = 5;
/** Jobs deleted per prune: small, so that a backlog of expired jobs never holds the store for long. */
export const PRUNE_BATCH = 500;
/** Between prunes once nothing more has expired; a full batch is followed by the next a poll later. */
const PRUNE_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

export interface DeliveryWorkerOptions {
  readonly subscriptions: readonly ResolvedSubscription[];
  readonly outbox: Outbox;
  readonly logger: DeliveryLogger;
  readonly now: () => number;
  readonly settings: DeliverySettings;
  /** Jitter source, in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Replaces the network send (tests). */
  readonly send?: (delivery: Delivery, options: SendOptions) => Promise<SendResult>;
}

/** Pending and dead are counted up to the alarm size plus one, so measuring a large outbox stays cheap. */
export interface OutboxStatus extends OutboxSize {
  /** True while more jobs wait than the alarm threshold. */
  readonly alarm: boolean;
  readonly threshold: number;
  /** Subscriptions disabled because their endpoint answered 410. */
  readonly disabled: readonly string[];
}

/** The signed headers of one attempt (Standard Webhooks): the id is the job's, the time the attempt's. */
export function signedHeaders(secret: string, messageId: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { "webhook-id": messageId, "webhook-timestamp": String(timestamp), "webhook-signature": signStandardWebhook(secret, messageId, timestamp, body) };
}

/** What follows an attempt: delivered on 2xx; a 410 kills the job and disables the subscription; otherwise a retry while the schedule lasts. */
export function outcomeOf(result: SendResult, attemptsBefore: number, schedule: readonly number[], now: number, random: () => number): AttemptOutcome {
  if (result.ok && result.statusCode >= 200 && result.statusCode < 300) return { state: "delivered" };
  if (result.ok && result.statusCode === 410) return { state: "dead", disableSubscription: "the endpoint answered 410 Gone" };
  const wait = schedule[attemptsBefore];
  if (wait === undefined) return { state: "dead" };
  // Up to a fifth either way, so that jobs failed together do not all come back together.
  return { state: "pending", nextAt: now + Math.round(wait * 1000 * (0.8 + 0.4 * random())) };
}

/**
 * Delivers the outbox: each subscription has its own slots (`concurrency`), so a slow or dead
 * endpoint holds only its own; the receiver never waits on a delivery (jobs are rows committed
 * with the events, sent afterwards). Each job is claimed under a lease of twice the timeout and a
 * second more, then its attempt recorded; a process that dies between the send and the record
 * leaves the job to be sent again once the lease ends (at least once, never skipped).
 */
export class DeliveryWorker {
  readonly #options: DeliveryWorkerOptions;
  readonly #inFlight = new Map<string, number>();
  readonly #attempts = new Set<Promise<void>>();
  readonly #random: () => number;
  readonly #send: NonNullable<DeliveryWorkerOptions["send"]>;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #ticking: Promise<void> | undefined;
  #again = false;
  #disabled: ReadonlyMap<string, string> = new Map();
  #status: OutboxStatus | undefined;
  #sizedAt = Number.NEGATIVE_INFINITY;
  #prunedAt = Number.NEGATIVE_INFINITY;

  constructor(options: DeliveryWorkerOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#send = options.send ?? sendOverNetwork;
  }

  get leaseMs(): number {
    return 2 * this.#options.settings.timeoutMs + 1_000;
  }

  start(): void {
    if (this.#running || this.#options.subscriptions.length === 0) return;
    this.#running = true;
    this.wake();
  }

  /** Reads the outbox now (a commit queued jobs, or an attempt freed a slot). */
  wake(): void {
    if (!this.#running) return;
    if (this.#ticking !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = undefined;
      if (!this.#running) return;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#timer = setTimeout(() => this.wake(), this.#options.settings.pollMs);
        this.#timer.unref();
      }
    });
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#ticking;
    await Promise.allSettled([...this.#attempts]);
  }

  /** The outbox as last measured, for /health; undefined before the first measure. */
  status(): OutboxStatus | undefined {
    return this.#status;
  }

  async #tick(): Promise<void> {
    const { outbox, logger, now, settings } = this.#options;
    try {
      if (now() - this.#sizedAt >= SIZE_EVERY_POLLS * settings.pollMs) await this.#measure();
      // A disabled subscription's jobs are left by the claim itself, so a retry's re-enabling counts at once.
      for (const subscription of this.#options.subscriptions) {
        const free = settings.concurrency - (this.#inFlight.get(subscription.id) ?? 0);
        if (free <= 0) continue;
        const jobs = await outbox.claim(subscription.id, free, now(), this.leaseMs);
        for (const job of jobs) this.#track(this.#attempt(subscription, job));
      }
    } catch (thrown) {
      logger.error({ err: (thrown as Error).message }, "the delivery outbox could not be read; retrying at the next poll");
    }
    if (now() - this.#prunedAt >= PRUNE_EVERY_MS) await this.#prune();
  }

  /** Deletes one batch of expired jobs; after a full batch the next is due a poll later. */
  async #prune(): Promise<void> {
    const { outbox, logger, now, settings } = this.#options;
    const at = now();
    try {
      const pruned = await outbox.prune(at - settings.keepDeliveredDays * DAY_MS, at - settings.keepDeadDays * DAY_MS, PRUNE_BATCH);
      // After a full batch the next comes a poll later, not at once: attempts finishing wake the
      // worker far more often than it polls, and a backlog must not take every one of those turns.
      this.#prunedAt = pruned === PRUNE_BATCH ? at - PRUNE_EVERY_MS + settings.pollMs : at;
    } catch (thrown) {
      this.#prunedAt = at;
      logger.error({ err: (thrown as Error).message }, "expired deliveries could not be deleted; trying again later");
    }
  }

  async #measure(): Promise<void> {
    const { outbox, logger, now, settings } = this.#options;
    this.#sizedAt = now();
    const [size, disabled] = await Promise.all([outbox.size(settings.outboxAlarm + 1), outbox.disabled()]);
    for (const [id, reason] of disabled) if (!this.#disabled.has(id)) logger.warn({ subscriptionId: id, reason }, "subscription disabled: nothing is delivered to it until a dead delivery is retried");
    this.#disabled = disabled;
    const alarm = size.pending > settings.outboxAlarm;
    if (alarm && !this.#status?.alarm) logger.warn({ pending: size.pending, threshold: settings.outboxAlarm }, "the delivery outbox is over its alarm size: endpoints are down or slower than events arrive");
    if (!alarm && this.#status?.alarm) logger.info({ pending: size.pending, threshold: settings.outboxAlarm }, "the delivery outbox is back under its alarm size");
    this.#status = { ...size, alarm, threshold: settings.outboxAlarm, disabled: [...disabled.keys()] };
  }

  #track(attempt: Promise<void>): void {
    this.#attempts.add(attempt);
    void attempt.finally(() => this.#attempts.delete(attempt));
  }

  async #attempt(subscription: ResolvedSubscription, job: ClaimedDelivery): Promise<void> {
    const { outbox, logger, now, settings } = this.#options;
    this.#inFlight.set(subscription.id, (this.#inFlight.get(subscription.id) ?? 0) + 1);
    try {
      const started = now();
      const result = await this.#send(
        { url: subscription.url, headers: signedHeaders(subscription.secret, job.messageId, started, job.payload), body: job.payload },
        { timeoutMs: settings.timeoutMs, allowPrivateNetwork: subscription.allowPrivateNetwork },
      );
      const at = now();
      const outcome = outcomeOf(result, job.attempts, subscription.retrySchedule, at, this.#random);
      const attempt = {
        at: started,
        statusCode: result.ok ? result.statusCode : null,
        latencyMs: Math.max(0, at - started),
        error: result.ok ? null : result.error,
        response: result.ok ? result.response : null,
      };
      const recorded = await outbox.record(job, attempt, outcome);
      const where = { subscriptionId: subscription.id, deliveryId: job.id, attempt: job.attempts + 1, statusCode: attempt.statusCode, error: attempt.error ?? undefined };
      if (!recorded) logger.warn(where, "a delivery attempt outlived its lease; another attempt may repeat it");
      else if (outcome.state === "dead") logger.warn({ ...where, reason: outcome.disableSubscription ?? "retry schedule exhausted" }, "delivery is dead");
      else if (outcome.state === "pending") logger.info({ ...where, nextAt: new Date(outcome.nextAt).toISOString() }, "delivery attempt failed; retrying later");
      if (outcome.state === "dead" && outcome.disableSubscription !== undefined) this.#sizedAt = Number.NEGATIVE_INFINITY;
    } catch (thrown) {
      // Not recorded: the lease ends and the job is attempted again.
      logger.error({ subscriptionId: subscription.id, deliveryId: job.id, err: (thrown as Error).message }, "a delivery attempt could not be recorded");
    } finally {
      this.#inFlight.set(subscription.id, (this.#inFlight.get(subscription.id) ?? 1) - 1);
      this.wake();
    }
  }
}
