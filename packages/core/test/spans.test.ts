import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayElementSpans } from "../src/decode/spans.js";

const slices = (text: string) => arrayElementSpans(text)?.map(([start, end]) => text.slice(start, end));

describe("arrayElementSpans", () => {
  it("finds each top-level element's exact text", () => {
    expect(slices('[{"a":"]},\\"x"},\r\n[1,[2]] , "s\\\\",-1.5e3,true,null]\r\n')).toEqual(['{"a":"]},\\"x"}', "[1,[2]]", '"s\\\\"', "-1.5e3", "true", "null"]);
    expect(slices(" [ ] ")).toEqual([]);
  });

  it("gives up on anything that is not a top-level array", () => {
    expect(arrayElementSpans('{"a":[1]}')).toBeUndefined();
    expect(arrayElementSpans('"[1]"')).toBeUndefined();
  });

  it("agrees with JSON.parse on any array, however it is spaced", () => {
    const space = fc.constantFrom("", " ", "\r\n", "\t");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.jsonValue({ maxDepth: 4 }), space, space)), (items) => {
        const text = `[${items.map(([value, before, after]) => `${before}${JSON.stringify(value)}${after}`).join(",")}]`;
        const found = slices(text);
        expect(found?.map((s) => JSON.parse(s))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
