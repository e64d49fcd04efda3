// tsyringe throws at import unless a Reflect metadata polyfill is loaded first.
import "reflect-metadata";
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from "tsyringe";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../decode/index.js";
import { normalize, verifyRequest, type NormalizeOutcome, type NormalizeOptions } from "../engine.js";
import { NO_HOST_SERVICES, type HostServices } from "../host-services.js";
import type { VerifyResult } from "../plugin.js";
import { rowHash, type EventHasher } from "../ids.js";
import type { AnyPlugin } from "../plugin.js";
import { PluginRegistry } from "../registry.js";
import type { InboundRequest } from "../request.js";

/**
 * Composition for hosts (receiver, CLI, conformance): symbol tokens and factory registrations,
 * no decorators, so plugins and pure mapping code never need the container.
 */
export const TOKENS = {
  Clock: Symbol.for("tidings.Clock"),
  EventHasher: Symbol.for("tidings.EventHasher"),
  DecodeLimits: Symbol.for("tidings.DecodeLimits"),
  PluginRegistry: Symbol.for("tidings.PluginRegistry"),
  Engine: Symbol.for("tidings.Engine"),
  HostServices: Symbol.for("tidings.HostServices"),
} as const;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

type RunOptions = Pick<NormalizeOptions, "credentials" | "authenticated" | "verification" | "receivedAt">;

/** The engine bound to a host's clock, hasher, limits and services. Hosts hand it the plugin object they hold. */
export class Engine {
  constructor(
    readonly registry: PluginRegistry,
    private readonly clock: Clock,
    private readonly hash: EventHasher,
    private readonly limits: DecodeLimits,
    private readonly host: HostServices = NO_HOST_SERVICES,
  ) {}

  /** The plugin's verdict: synchronous unless the plugin needs the host (a certificate by URL). */
  verify(plugin: AnyPlugin, request: InboundRequest, options: Pick<NormalizeOptions, "credentials"> = {}): VerifyResult | Promise<VerifyResult> {
    return verifyRequest(plugin, request, { ...options, now: this.clock.now(), limits: this.limits, host: this.host });
  }

  run(plugin: AnyPlugin, request: InboundRequest, options: RunOptions = {}): NormalizeOutcome {
    return normalize(plugin, request, { ...options, now: this.clock.now(), hash: this.hash, limits: this.limits, host: this.host });
  }
}

export interface HostOptions {
  /** The plugins to serve: a ready registry, or plugins to register in a new one. */
  readonly registry?: PluginRegistry;
  readonly plugins?: Iterable<AnyPlugin>;
  readonly clock?: Clock;
  readonly hash?: EventHasher;
  readonly limits?: Partial<DecodeLimits>;
  readonly hostServices?: HostServices;
  readonly parent?: DependencyContainer;
}

/** A child container holding one host's plugin registry, clock, hasher, limits and engine. */
export function createHostContainer(options: HostOptions = {}): DependencyContainer {
  const container = (options.parent ?? rootContainer).createChildContainer();
  container.register(TOKENS.Clock, { useValue: options.clock ?? systemClock });
  container.register(TOKENS.EventHasher, { useValue: options.hash ?? rowHash });
  container.register(TOKENS.DecodeLimits, { useValue: { ...DEFAULT_DECODE_LIMITS, ...options.limits } });
  container.register(TOKENS.HostServices, { useValue: options.hostServices ?? NO_HOST_SERVICES });
  container.register(TOKENS.PluginRegistry, { useValue: options.registry ?? new PluginRegistry(options.plugins ?? []) });
  container.register(TOKENS.Engine, {
    useFactory: instanceCachingFactory(
      (c) =>
        new Engine(
          c.resolve<PluginRegistry>(TOKENS.PluginRegistry),
          c.resolve<Clock>(TOKENS.Clock),
          c.resolve<EventHasher>(TOKENS.EventHasher),
          c.resolve<DecodeLimits>(TOKENS.DecodeLimits),
          c.resolve<HostServices>(TOKENS.HostServices),
        ),
    ),
  });
  return container;
}

export { PluginRegistry } from "../registry.js";
export { loadPlugins } from "../load-plugin.js";
