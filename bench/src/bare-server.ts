// The receiver benchmark's baseline: fastify with the same body handling, answering [] at once.
import Fastify from "fastify";

const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
app.post("/v2/inbound-webhooks/delivery-providers/:environmentId/:integrationId", (_request, reply) => {
  reply.type("application/json").send("[]");
});
app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" }).then((address) => {
  process.stdout.write(`listening ${address}\n`);
});
