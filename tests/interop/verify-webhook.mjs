// Verifies one webhook delivery with the reference Standard Webhooks library, as an integrator's receiver would.
// Usage: node verify-webhook.mjs <secret> <file with {"headers": {...}, "body": "..."}>
// Prints the verified payload's id and type; exits 1 when verification fails.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const [secret, file] = process.argv.slice(2);
const { headers, body } = JSON.parse(readFileSync(file, "utf8"));
try {
  const payload = new Webhook(secret).verify(body, headers);
  console.log(`verified ${payload.id} ${payload.type}`);
} catch (e) {
  console.log(`rejected: ${e.message}`);
  process.exit(1);
}
