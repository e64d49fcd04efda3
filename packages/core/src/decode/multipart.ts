import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { createRequire } from "node:module";
import type busboy from "busboy";
import { engineError } from "../errors.js";
import { mediaType } from "../request.js";
import { decodeFormText } from "./form.js";
import type { Decoded } from "./json.js";
import type { DecodeLimits } from "./limits.js";

/**
 * multipart/form-data (RFC 7578), decoded to exactly what the urlencoded decoder gives for the
 * same fields: each part becomes `name=value` pairs that go through decodeFormText, so brackets,
 * repeated names, prototype-safe keys, limits and jsonFormFields behave the same whichever
 * encoding a provider picks (Mailgun posts either). A file part (one with a filename, or
 * application/octet-stream) is described as `{ filename?, contentType, size, text? }`, all text
 * like any form value: `text` is its content when it is valid UTF-8 of at most
 * maxMultipartFileTextBytes (a bounce's attached report), otherwise the file is only described.
 * Text parts are read in their declared charset, UTF-8 when none is declared, as browsers' own
 * parsers read them. Nothing is written to disk; the raw bytes stay with the host for the record.
 */
export function decodeMultipart(body: Uint8Array, contentTypeHeader: string, limits: DecodeLimits, jsonFields: readonly string[]): Decoded {
  const parts = readParts(body, contentTypeHeader, limits);
  if (typeof parts === "string") return malformed(parts);
  let pairs: string;
  try {
    pairs = parts.map((part) => formPairs(part, limits)).join("&");
  } catch {
    // encodeURIComponent refuses lone surrogates, which a UTF-16 part can hold.
    return malformed("a part name or value is not well-formed text");
  }
  return decodeFormText(pairs, limits, jsonFields);
}

type Part =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly file: Readable; readonly filename: string | undefined; readonly contentType: string };

/**
 * The parts in body order, or why the body is refused. busboy is a stream, but it parses all it
 * is given inside `write` and checks for the closing boundary inside `end`, so a body already in
 * memory is parsed synchronously; file streams get a high-water mark above the body size so
 * back-pressure never defers the end.
 */
function readParts(body: Uint8Array, contentTypeHeader: string, limits: DecodeLimits): Part[] | string {
  if (mediaType(contentTypeHeader) !== "multipart/form-data") return "the content type is not multipart/form-data";
  const parts: Part[] = [];
  let problem: string | undefined;
  const refuse = (why: string): void => {
    problem ??= why;
  };
  let parser: busboy.Busboy;
  try {
    parser = loadBusboy()({
      headers: { "content-type": contentTypeHeader },
      // One more than allowed, so reaching busboy's limit means the allowance was exceeded.
      limits: { parts: limits.maxFormParameters + 1, fieldSize: limits.maxMultipartFieldBytes + 1 },
      defParamCharset: "utf8",
      preservePath: true,
      fileHwm: body.byteLength + 1,
    });
  } catch (thrown) {
    return describe(thrown);
  }
  parser.on("field", (name: string | undefined, value: string | undefined, info: busboy.FieldInfo) => {
    if (info.valueTruncated) refuse(`field "${name}" is longer than ${limits.maxMultipartFieldBytes} bytes`);
    else if (typeof value !== "string") refuse(`field "${name}" is in a character set that cannot be read`);
    else if (name) parts.push({ name, value });
  });
  parser.on("file", (name: string | undefined, file: Readable, info: busboy.FileInfo) => {
    // A truncated body destroys the open file stream with an error, after this function returns.
    file.on("error", () => undefined);
    if (name) parts.push({ name, file, filename: info.filename, contentType: info.mimeType });
  });
  parser.on("partsLimit", () => refuse(`the body has more than ${limits.maxFormParameters} parts`));
  parser.on("error", (error: unknown) => refuse(describe(error)));
  try {
    parser.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  } catch (thrown) {
    return describe(thrown);
  }
  if (problem !== undefined) return problem;
  if (parser.errored) return describe(parser.errored);
  // Fail closed should a later busboy leave part of the write (and so the end check) pending.
  return parser.writableLength === 0 ? parts : "the body was not parsed in one pass";
}

/** Loaded on the first multipart body, not at import (see parseQuery in form.ts). */
let busboyFactory: typeof busboy | undefined;

function loadBusboy(): typeof busboy {
  return (busboyFactory ??= createRequire(import.meta.url)("busboy") as typeof busboy);
}

function formPairs(part: Part, limits: DecodeLimits): string {
  const key = encodeURIComponent(part.name);
  if ("value" in part) return `${key}=${encodeURIComponent(part.value)}`;
  const content = drain(part.file);
  const description: [string, string | undefined][] = [
    ["filename", part.filename],
    ["contentType", part.contentType],
    ["size", String(content.byteLength)],
    ["text", content.byteLength <= limits.maxMultipartFileTextBytes && isUtf8(content) ? content.toString("utf8") : undefined],
  ];
  return description
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([field, value]) => `${key}%5B${field}%5D=${encodeURIComponent(value)}`)
    .join("&");
}

/** All of an ended file stream's buffered content, read synchronously. */
function drain(file: Readable): Buffer {
  const chunks: Buffer[] = [];
  for (let chunk: Buffer | null = file.read(); chunk !== null; chunk = file.read()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function describe(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function malformed(why: string): Decoded {
  return { ok: false, error: engineError("malformed_body", `multipart body rejected: ${why}`) };
}
