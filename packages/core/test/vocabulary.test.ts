import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isStatus, STATUSES } from "../src/index.js";

describe("vocabulary", () => {
  it("is exactly the status union of the Novu inbound-webhook document", () => {
    const seed = readFileSync(new URL("./seeds/novu-inbound-webhooks-delivery-providers.txt", import.meta.url), "utf8");
    const union = seed.slice(seed.indexOf("status:"), seed.indexOf("date: string"));
    const documented = [...union.matchAll(/\|\s*"([a-z]+)"/g)].map((m) => m[1]);
    expect(documented).toHaveLength(20);
    expect([...STATUSES]).toEqual(documented);
  });

  it("recognizes only its own values", () => {
    expect(STATUSES.every(isStatus)).toBe(true);
    for (const value of ["Opened", "resubscribed", "__proto__", "toString", "", 1, null]) expect(isStatus(value)).toBe(false);
  });
});
