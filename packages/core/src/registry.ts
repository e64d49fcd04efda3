import { assertPluginShape, PluginDefinitionError, type AnyPlugin } from "./plugin.js";

export class UnknownPluginError extends Error {
  override readonly name = "UnknownPluginError";
  constructor(readonly pluginId: string, known: readonly string[]) {
    super(`no plugin "${pluginId}" is registered (known: ${known.join(", ") || "none"})`);
  }
}

/** Plugins by id. Registration re-checks the contract, so a community plugin built against another version is refused up front. */
export class PluginRegistry {
  readonly #plugins = new Map<string, AnyPlugin>();

  constructor(plugins: Iterable<AnyPlugin> = []) {
    for (const plugin of plugins) this.register(plugin);
  }

  register(plugin: unknown): AnyPlugin {
    assertPluginShape(plugin);
    const existing = this.#plugins.get(plugin.id);
    if (existing !== undefined && existing !== plugin) {
      throw new PluginDefinitionError(`two different plugins claim the id "${plugin.id}"`);
    }
    this.#plugins.set(plugin.id, plugin);
    return plugin;
  }

  get(id: string): AnyPlugin {
    const plugin = this.#plugins.get(id);
    if (plugin === undefined) throw new UnknownPluginError(id, this.ids());
    return plugin;
  }

  find(id: string): AnyPlugin | undefined {
    return this.#plugins.get(id);
  }

  ids(): string[] {
    return [...this.#plugins.keys()].sort();
  }
}
