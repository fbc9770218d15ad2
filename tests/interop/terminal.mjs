// A minimal card terminal written with the official SignalR JavaScript client (@microsoft/signalr), as a
// third-party terminal app maker would write one. Relay.Tests' JavaScriptClientInteropTests drives it to prove
// that the relay works with a client nobody on this project wrote.
//
//   node tests/interop/terminal.mjs --relay http://127.0.0.1:5000 --token rdt_... [--connect direct|negotiate|query]
//   (or RELAY_URL, RELAY_DEVICE_TOKEN, RELAY_CONNECT)
//
// --connect direct     WebSockets with skipNegotiation; the token goes as "Authorization: Bearer" (node's way).
// --connect negotiate  the negotiate POST first (bearer on it too), then the WebSocket.
// --connect query      the token as ?access_token= in the hub URL, as a browser client has to send it.
//
// Every transaction is approved. Every POS action succeeds: ping with { appVersion: "interop" }, collect_inputs with each
// question answered by a default for its kind, the others with a null result. Each step is one JSON line on stdout
// ({"step":"connected"}, ...); the client's own log goes to stderr. Exits on SIGTERM, SIGINT or when stdin closes.
// Lines on stdin are what the terminal does by itself: "sale <reference> <amount>" reports a standalone approved NZD sale
// (ReportTransaction, step "reported"), "settle <batchId>" closes a batch of it (ReportSettlement, step "settled").
import * as signalR from "@microsoft/signalr";
import { onStdinLines } from "./stdin-lines.mjs";

function option(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[envName] ?? fallback;
}

const relay = option("relay", "RELAY_URL", "")?.replace(/\/+$/, "");
const token = option("token", "RELAY_DEVICE_TOKEN", "");
const connect = option("connect", "RELAY_CONNECT", "direct");
if (!relay || !token || !["direct", "negotiate", "query"].includes(connect)) {
  console.error("usage: node terminal.mjs --relay <url> --token <deviceToken> [--connect direct|negotiate|query]");
  process.exit(2);
}

const emit = (step, fields = {}) => process.stdout.write(JSON.stringify({ step, ...fields }) + "\n");

const stderrLogger = {
  log(level, message) {
    if (level >= signalR.LogLevel.Warning) process.stderr.write(`[signalr ${signalR.LogLevel[level]}] ${message}\n`);
  },
};

const hubUrl = relay + "/hubs/terminal";
const connection = new signalR.HubConnectionBuilder()
  .withUrl(
    connect === "query" ? `${hubUrl}?access_token=${encodeURIComponent(token)}` : hubUrl,
    connect === "query"
      ? { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true }
      : {
          accessTokenFactory: () => token,
          transport: signalR.HttpTransportType.WebSockets,
          skipNegotiation: connect === "direct",
        })
  .withAutomaticReconnect()
  .configureLogging(stderrLogger)
  .build();

// The relay re-sends open work on every connect; a terminal treats an id it already knows as a no-op.
const seen = new Set();

connection.on("StartTransaction", async (transaction) => {
  const { id, type, amount, currency, registerId, expiresAt } = transaction;
  // The POS's payment options as the relay sent them (null when it sent none), for the tests to check they arrive.
  emit("start-transaction", { id, type, amount, currency, registerId, expiresAt, options: transaction.options ?? null });
  if (seen.has(id)) {
    emit("duplicate", { id });
    return;
  }
  seen.add(id);
  try {
    const received = await connection.invoke("TransactionReceived", id);
    emit("received", { id, proceed: received.proceed });
    if (!received.proceed) return;

    const started = await connection.invoke("TransactionStarted", id);
    emit("started", { id, status: started.status });

    const ack = await connection.invoke("CompleteTransaction", {
      transactionId: id,
      outcome: "approved",
      responseCode: "00",
      responseText: "Approved",
      authCode: "JS1234",
      amountAuthorised: amount,
    });
    emit("completed", { id, accepted: ack.accepted, status: ack.status });
  } catch (error) {
    emit("error", { id, message: String(error?.message ?? error) });
  }
});

connection.on("CancelTransaction", (transactionId) => emit("cancel-requested", { id: transactionId }));

// The fleet configuration (receipt header and footer, tip presets, language, offline limit): on every connect and change.
connection.on("ConfigurationChanged", (configuration) => emit("configuration-changed", { configuration }));

// The customer's answer to a collect_inputs question, by kind (what the .NET simulator answers by default).
function answer(input) {
  switch (input.kind) {
    case "confirm": return "yes";
    case "number": return String(Math.min(input.min ?? 42, input.max ?? Number.MAX_SAFE_INTEGER));
    case "email": return "customer@example.com";
    case "phone": return "+64 21 123 4567";
    case "selection": return input.choices?.[0] ?? null;
    case "signature": return "M 10 10 L 60 40 L 110 10";
    default: return "Simulated answer";
  }
}

function completionOf(action) {
  switch (action.type) {
    case "ping":
      return { actionId: action.id, status: "succeeded", result: { appVersion: "interop" } };
    case "collect_inputs": {
      const inputs = (action.inputs ?? []).map((input) => {
        const value = answer(input);
        return { id: input.id, value, skipped: value === null };
      });
      return { actionId: action.id, status: "succeeded", result: { inputs } };
    }
    default:
      return { actionId: action.id, status: "succeeded", result: null };
  }
}

// Actions seen, and the completion of each one completed here: a repeat of one the relay has not answered re-sends it.
const actions = new Map();

async function completeAction(id, completion) {
  const ack = await connection.invoke("CompleteAction", completion);
  actions.set(id, { completion, acked: true });
  emit("action-completed", { id, accepted: ack.accepted, status: ack.status, completion });
}

connection.on("StartAction", async (action) => {
  const { id, type } = action;
  emit("start-action", { id, type, action });
  const known = actions.get(id);
  if (known) {
    emit("duplicate-action", { id });
    if (known.completion && !known.acked) {
      try {
        await completeAction(id, known.completion);
      } catch (error) {
        emit("error", { id, message: String(error?.message ?? error) });
      }
    }
    return;
  }
  actions.set(id, { completion: null, acked: false });
  try {
    const received = await connection.invoke("ActionReceived", id);
    emit("action-received", { id, proceed: received.proceed });
    if (!received.proceed) return;

    const completion = completionOf(action);
    actions.set(id, { completion, acked: false });
    await completeAction(id, completion);
  } catch (error) {
    // Not acknowledged: forget it, so that the relay's re-send after reconnecting is taken as new.
    if (!actions.get(id)?.completion) actions.delete(id);
    emit("error", { id, message: String(error?.message ?? error) });
  }
});

// A block body: a handler that returns a value is taken as answering a client-result call, which this is not.
connection.on("CancelAction", (actionId) => {
  emit("cancel-action-requested", { id: actionId });
});
connection.on("PairingChanged", (change) =>
  emit("pairing-changed", { registerId: change.registerId, registerName: change.registerName, paired: change.paired }));

connection.onreconnecting((error) => emit("reconnecting", { message: error ? String(error.message ?? error) : null }));
connection.onreconnected(() => emit("reconnected"));
connection.onclose((error) => emit("closed", { message: error ? String(error.message ?? error) : null }));

let stopping = false;
async function shutdown(why) {
  if (stopping) return;
  stopping = true;
  emit("stopping", { why });
  try {
    await connection.stop();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
process.stdin.on("end", () => shutdown("stdin closed"));
process.stdin.on("close", () => shutdown("stdin closed"));
onStdinLines((line) => command(line.split(/\s+/)).catch((error) => emit("error", { message: String(error?.message ?? error) })));

async function command([name, id, amount]) {
  if (name === "sale") {
    const ack = await connection.invoke("ReportTransaction", {
      terminalReference: id, type: "purchase", amount: Number(amount), currency: "NZD", occurredAt: new Date().toISOString(),
      result: { outcome: "approved", responseCode: "00", authCode: "JS0001", amountAuthorised: Number(amount) },
    });
    emit("reported", { terminalReference: id, accepted: ack.accepted, transactionId: ack.transactionId });
  } else if (name === "settle") {
    const ack = await connection.invoke("ReportSettlement", {
      batchId: id, closedAt: new Date().toISOString(), totals: [{ type: "purchase", count: 1, amount: 1250, currency: "NZD" }],
    });
    emit("settled", { batchId: id, accepted: ack.accepted, settlementId: ack.settlementId });
  } else {
    emit("error", { message: `unknown command ${name}` });
  }
}

try {
  await connection.start();
  emit("connected", { connect, connectionId: connection.connectionId ?? null });
  const pairing = await connection.invoke("RequestPairingCode");
  emit("pairing-code", { code: pairing.code, expiresAt: pairing.expiresAt });
} catch (error) {
  emit("error", { message: String(error?.message ?? error) });
  process.exit(1);
}
