// A point of sale written with the official Adyen library for Node (@adyen/api-library), as a merchant's POS that already
// speaks Adyen's Terminal API would be: the library's Client, Config, TerminalCloudAPI and typed models, pointed at Relay's
// nexo facade instead of Adyen. Relay.Tests' AdyenLibraryInteropTests drives it to prove that the library's own serializer
// reads what Relay answers.
//
//   RELAY_NEXO_URL=https://127.0.0.1:PORT/nexo RELAY_API_KEY=rk_... NODE_EXTRA_CA_CERTS=cert.pem node tests/interop/adyen-pos.mjs
//
// The library speaks only HTTPS and, with environment TEST, replaces the endpoint with Adyen's own; so: LIVE with
// terminalApiCloudEndpoint, to which it appends /sync and /async.
//
// Each line on stdin is one JSON command, run at once (several may run together, as a held payment and its abort):
//   {"tag":"pay","service":"payment","poiId":"...","serviceId":"1","amount":12.5,"currency":"EUR","paymentType":"Normal",
//    "reference":"order-1"}                                     TerminalCloudAPI.sync, a PaymentRequest
//   {"tag":"pay2","service":"async-payment", ...as payment}      TerminalCloudAPI.async, a PaymentRequest
//   {"tag":"rev","service":"reversal","poiId":"...","serviceId":"2","transactionId":"<POITransactionID>"}
//   {"tag":"st","service":"status","poiId":"...","serviceId":"3","of":"<ServiceID of the payment>"}
//   {"tag":"ab","service":"abort","poiId":"...","serviceId":"4","of":"<ServiceID of the payment>"}
//   {"tag":"dx","service":"diagnosis","poiId":"...","serviceId":"5"}
//   {"tag":"wh","service":"parse","body":"<a SaleToPOIResponse delivered by webhook>"}
// and prints one JSON line for it: {"step":<tag>, "answer": what sync/async returned as the library parsed it (for sync a
// TerminalApiResponse), "types": the library's classes of the response, the message and its body, "lost": paths of what
// Relay sent that the library's model has no place for or changed, "received": the body as it came, "error": the library's
// exception message, if it threw}.
// The client's own log goes to stderr. Exits when stdin closes.
import adyen from "@adyen/api-library";
import { onStdinLines } from "./stdin-lines.mjs";

const { Client, Config, EnvironmentEnum, TerminalCloudAPI, HttpURLConnectionClient, Types } = adyen;
const { ObjectSerializer, MessageCategoryType, MessageClassType, MessageType, PaymentData, ReversalReasonType } = Types.terminal;

const endpoint = process.env.RELAY_NEXO_URL?.replace(/\/+$/, "");
const apiKey = process.env.RELAY_API_KEY;
if (!endpoint || !apiKey) {
  console.error("usage: RELAY_NEXO_URL=https://host:port/nexo RELAY_API_KEY=<merchant key> node adyen-pos.mjs");
  process.exit(2);
}

// The library's own HTTP client, keeping the body it received so that what its serializer dropped can be told.
class RecordingHttpClient extends HttpURLConnectionClient {
  async request(...args) {
    this.body = await super.request(...args);
    return this.body;
  }
}

// One Client per command: each records its own body while others run.
function terminalApi() {
  const http = new RecordingHttpClient();
  const config = new Config({ environment: EnvironmentEnum.LIVE, terminalApiCloudEndpoint: endpoint, apiKey });
  return { api: new TerminalCloudAPI(new Client(config, http)), http };
}

function header(category, { poiId, serviceId, saleId = "till-1" }) {
  return {
    ProtocolVersion: "3.0",
    MessageClass: MessageClassType.Service,
    MessageCategory: category,
    MessageType: MessageType.Request,
    ServiceID: serviceId,
    SaleID: saleId,
    POIID: poiId,
  };
}

function paymentRequest(command) {
  return {
    SaleToPOIRequest: {
      MessageHeader: header(MessageCategoryType.Payment, command),
      PaymentRequest: {
        SaleData: { SaleTransactionID: { TransactionID: command.reference ?? "order-1", TimeStamp: new Date().toISOString() } },
        PaymentTransaction: { AmountsReq: { Currency: command.currency ?? "EUR", RequestedAmount: command.amount } },
        PaymentData: { PaymentType: PaymentData.PaymentTypeEnum[command.paymentType ?? "Normal"] },
      },
    },
  };
}

const requests = {
  payment: paymentRequest,
  "async-payment": paymentRequest,
  reversal: (command) => ({
    SaleToPOIRequest: {
      MessageHeader: header(MessageCategoryType.Reversal, command),
      ReversalRequest: {
        OriginalPOITransaction: { POITransactionID: { TransactionID: command.transactionId, TimeStamp: new Date().toISOString() } },
        ReversalReason: ReversalReasonType.MerchantCancel,
      },
    },
  }),
  status: (command) => ({
    SaleToPOIRequest: {
      MessageHeader: header(MessageCategoryType.TransactionStatus, command),
      TransactionStatusRequest: {
        MessageReference: { MessageCategory: MessageCategoryType.Payment, ServiceID: command.of, SaleID: command.saleId ?? "till-1" },
      },
    },
  }),
  abort: (command) => ({
    SaleToPOIRequest: {
      MessageHeader: header(MessageCategoryType.Abort, command),
      AbortRequest: {
        MessageReference: { MessageCategory: MessageCategoryType.Payment, ServiceID: command.of, SaleID: command.saleId ?? "till-1" },
        AbortReason: "MerchantAbort",
      },
    },
  }),
  diagnosis: (command) => ({
    SaleToPOIRequest: { MessageHeader: header(MessageCategoryType.Diagnosis, command), DiagnosisRequest: { HostDiagnosisFlag: false } },
  }),
};

// Paths (a.b[0].c) of the leaves of what Relay sent that are not the same in what the library parsed, written back by its
// own serializer: members its model does not have, or values it changed.
function lost(sent, parsed, path = "") {
  if (sent === null || typeof sent !== "object") return sent === parsed ? [] : [path];
  if (parsed === null || typeof parsed !== "object") return [path];
  return Object.keys(sent).flatMap((key) =>
    lost(sent[key], parsed[key], Array.isArray(sent) ? `${path}[${key}]` : path ? `${path}.${key}` : key));
}

// The library's classes of the response and of the one body in it ("PaymentResponse", ...).
function types(parsed) {
  const message = parsed?.SaleToPOIResponse ?? parsed?.SaleToPOIRequest;
  const body = message && Object.keys(message).find((key) => key !== "MessageHeader" && message[key] !== undefined);
  return { response: parsed?.constructor?.name ?? null, message: message?.constructor?.name ?? null,
    body: body ? message[body]?.constructor?.name ?? null : null };
}

function report(tag, answer, sentBody) {
  const raw = typeof sentBody === "string" && sentBody.startsWith("{") ? JSON.parse(sentBody) : null;
  const written = raw && answer && typeof answer === "object"
    ? JSON.parse(JSON.stringify(ObjectSerializer.serialize(answer, "TerminalApiResponse"))) : null;
  return { step: tag, answer, types: types(answer), lost: raw ? lost(raw, written) : [], received: sentBody ?? null };
}

async function run(command) {
  const { tag, service } = command;
  if (service === "parse") {
    return report(tag, ObjectSerializer.deserialize(JSON.parse(command.body), "TerminalApiResponse"), command.body);
  }

  const build = requests[service];
  if (!build) return { step: tag, error: `unknown service ${service}` };
  const { api, http } = terminalApi();
  try {
    // async answers "ok" (or, on an error, the response as plain JSON that the library leaves unparsed).
    const answer = service === "async-payment" ? await api.async(build(command)) : await api.sync(build(command));
    return report(tag, answer, http.body);
  } catch (error) {
    return { step: tag, error: String(error?.message ?? error), body: error?.responseBody ?? http.body ?? null };
  }
}

onStdinLines((line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    process.stdout.write(JSON.stringify({ step: "error", message: `not a command: ${line}` }) + "\n");
    return;
  }
  run(command)
    .catch((error) => ({ step: command.tag, error: String(error?.stack ?? error) }))
    .then((result) => process.stdout.write(JSON.stringify(result) + "\n"));
});
process.stdin.on("end", () => process.exit(0));
