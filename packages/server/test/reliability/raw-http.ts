import { connect } from "node:net";

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Sends bytes exactly as given (malformed HTTP included) and reads the answer until the server closes or answers. */
export function rawRequest(url: string, payload: string | Buffer, options: { pauseAfterMs?: number; timeoutMs?: number } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    const finish = () => {
      clearTimeout(timer);
      const [head = "", body = ""] = data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: body.trim() });
    };
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const length = /content-length: (\d+)/i.exec(data)?.[1];
      const split = data.indexOf("\r\n\r\n");
      if (length !== undefined && split !== -1 && Buffer.byteLength(data.slice(split + 4)) >= Number(length)) {
        socket.destroy();
        finish();
      }
    });
    socket.on("close", finish);
    socket.on("error", () => undefined);
    socket.write(payload);
  });
}
