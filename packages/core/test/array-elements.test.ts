import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayElementTexts, memberElementTexts, memberText } from "../src/decode/array-elements.js";

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

describe("memberElementTexts", () => {
  it("finds the elements of the array under a top-level key, the last one when the key repeats", () => {
    const text = '{"batch":"b1", "nested":{"events":[0]},"events" : [ {"a":"]"} , [1] ],"ev\\u0065nts":[2,3], "tail":null}\r\n';
    expect(memberElementTexts(text, "events")).toEqual(["2", "3"]);
    expect(memberElementTexts('{"events":[{"a":1}, "x"]}', "events")).toEqual(['{"a":1}', '"x"']);
    expect(memberElementTexts('{"events":[]}', "events")).toEqual([]);
  });

  it("gives up when the key holds no array, or is not at the top level", () => {
    expect(memberElementTexts('{"events":{"a":[1]}}', "events")).toBeUndefined();
    expect(memberElementTexts('{"a":{"events":[1]}}', "events")).toBeUndefined();
    expect(memberElementTexts('[{"events":[1]}]', "events")).toBeUndefined();
  });

  it("agrees with JSON.parse on any object, however it is spaced", () => {
    const space = fc.constantFrom("", " ", "\r\n", "\t");
    const member = fc.tuple(fc.constantFrom("events", "results", "other", "__proto__", "ev\\u0065nts"), fc.jsonValue({ maxDepth: 3 }), space, space);
    fc.assert(
      fc.property(fc.array(member, { maxLength: 5 }), fc.array(fc.jsonValue({ maxDepth: 3 })), fc.nat(5), (members, events, at) => {
        const all = [...members.slice(0, at), ["events", events, " ", ""] as const, ...members.slice(at)];
        const text = `{${all.map(([key, value, before, after]) => `${before}"${key}"${after}:${before}${JSON.stringify(value)}${after}`).join(",")}}`;
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const found = memberElementTexts(text, "events");
        if (Array.isArray(parsed.events)) expect(found?.map((s) => JSON.parse(s))).toEqual(parsed.events);
        else expect(found).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe("memberText", () => {
  it("finds the exact text of the value under a top-level key, the last one when the key repeats", () => {
    expect(memberText('{"event" : {"a": [1, "}"]} , "x":2}', "event")).toBe('{"a": [1, "}"]}');
    expect(memberText('{"event":1,"event":"two"}', "event")).toBe('"two"');
    expect(memberText('{"other":{"event":1}}', "event")).toBeUndefined();
    expect(memberText('[{"event":1}]', "event")).toBeUndefined();
  });

  it("agrees with JSON.parse on any object, however it is spaced", () => {
    const space = fc.constantFrom("", " ", "\r\n", "\t");
    const member = fc.tuple(fc.constantFrom("event", "other", "__proto__", "ev\\u0065nt"), fc.jsonValue({ maxDepth: 3 }), space, space);
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), (members) => {
        const text = `{${members.map(([key, value, before, after]) => `${before}"${key}"${after}:${before}${JSON.stringify(value)}${after}`).join(",")}}`;
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const found = memberText(text, "event");
        if (Object.hasOwn(parsed, "event")) expect(JSON.parse(found!)).toEqual(parsed.event);
        else expect(found).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
