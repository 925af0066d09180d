// Verifies one delivery with the official Standard Webhooks library (npm "standardwebhooks").
// Usage: node verify-webhook.mjs <secret> <webhook-id> <webhook-timestamp> <webhook-signature> < body
// Prints the parsed payload as JSON and exits 0, or prints the library's error and exits 1.
import { Webhook } from "standardwebhooks";

const [secret, id, timestamp, signature] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const body = Buffer.concat(chunks).toString("utf8");
try {
  const payload = new Webhook(secret).verify(body, {
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": signature,
  });
  process.stdout.write(JSON.stringify(payload));
} catch (e) {
  process.stdout.write(String(e && e.message ? e.message : e));
  process.exit(1);
}
