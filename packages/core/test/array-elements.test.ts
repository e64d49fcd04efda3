import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayElementTexts } from "../src/decode/array-elements.js";

describe("arrayElementTexts", () => {
  it("finds each top-level element's exact text", () => {
    expect(arrayElementTexts('[{"a":"]},\\"x"},\r\n[1,[2]] , "s\\\\",-1.5e3,true,null]\r\n')).toEqual(['{"a":"]},\\"x"}', "[1,[2]]", '"s\\\\"', "-1.5e3", "true", "null"]);
    expect(arrayElementTexts(" [ ] ")).toEqual([]);
  });

  it("gives up on anything that is not a top-level array", () => {
    expect(arrayElementTexts('{"a":[1]}')).toBeUndefined();
    expect(arrayElementTexts('"[1]"')).toBeUndefined();
  });

  it("agrees with JSON.parse on any array, however it is spaced", () => {
    const space = fc.constantFrom("", " ", "\r\n", "\t");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.jsonValue({ maxDepth: 4 }), space, space)), (items) => {
        const text = `[${items.map(([value, before, after]) => `${before}${JSON.stringify(value)}${after}`).join(",")}]`;
        const found = arrayElementTexts(text);
        expect(found?.map((s) => JSON.parse(s))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
