using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Api.Nexo;

// The nexo Retailer (Sale to POI) messages the facade reads and writes, in the JSON shape of Adyen's Terminal API:
// PascalCase names, enumerations as their nexo names. Only the fields Relay reads or fills; a field a POS sends that is not
// here is ignored, as nexo allows. Enumerations are strings so that an unknown value is answered by its service
// (MessageFormat, or NotAllowed for one nexo defines and Relay does not offer), not a message that fails to parse.

public sealed record SaleToPoiRequestEnvelope([property: JsonPropertyName("SaleToPOIRequest")] SaleToPoiRequest? SaleToPOIRequest);

/// <summary>What a POS sends: a request, or the response to a request the terminal sent it (an InputResponse).</summary>
public sealed record SaleToPoiIncoming(
    [property: JsonPropertyName("SaleToPOIRequest")] SaleToPoiRequest? SaleToPOIRequest,
    [property: JsonPropertyName("SaleToPOIResponse")] SaleToPoiResponse? SaleToPOIResponse);

public sealed record SaleToPoiResponseEnvelope([property: JsonPropertyName("SaleToPOIResponse")] SaleToPoiResponse SaleToPOIResponse);

/// <summary>A message from the POS: the header and the one body its MessageCategory names.</summary>
public sealed record SaleToPoiRequest
{
    public MessageHeader? MessageHeader { get; init; }
    public PaymentRequest? PaymentRequest { get; init; }
    public ReversalRequest? ReversalRequest { get; init; }
    public AbortRequest? AbortRequest { get; init; }
    public TransactionStatusRequest? TransactionStatusRequest { get; init; }
    public DiagnosisRequest? DiagnosisRequest { get; init; }
    public LoginRequest? LoginRequest { get; init; }
    public LogoutRequest? LogoutRequest { get; init; }
    public DisplayRequest? DisplayRequest { get; init; }
    public InputRequest? InputRequest { get; init; }
    public PrintRequest? PrintRequest { get; init; }
    public ReconciliationRequest? ReconciliationRequest { get; init; }
    public EventNotification? EventNotification { get; init; }

    /// <summary>Bodies of the services Relay answers NotAllowed (CardAcquisition, BalanceInquiry, …), and any other member.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>Relay's answer: the header (as the request's, MessageType Response) and the service's response body.</summary>
public sealed record SaleToPoiResponse
{
    public MessageHeader? MessageHeader { get; init; }
    public PaymentResponse? PaymentResponse { get; init; }
    public ReversalResponse? ReversalResponse { get; init; }
    public TransactionStatusResponse? TransactionStatusResponse { get; init; }
    public DiagnosisResponse? DiagnosisResponse { get; init; }
    public LoginResponse? LoginResponse { get; init; }
    public LogoutResponse? LogoutResponse { get; init; }
    public DisplayResponse? DisplayResponse { get; init; }
    public InputResponse? InputResponse { get; init; }
    public PrintResponse? PrintResponse { get; init; }
    public ReconciliationResponse? ReconciliationResponse { get; init; }

    /// <summary>The response body of a service Relay does not support (its name is "&lt;Category&gt;Response").</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

public sealed record MessageHeader
{
    public string? ProtocolVersion { get; init; }
    public string? MessageClass { get; init; }
    public string? MessageCategory { get; init; }
    public string? MessageType { get; init; }
    public string? ServiceID { get; init; }
    public string? DeviceID { get; init; }
    public string? SaleID { get; init; }
    public string? POIID { get; init; }
}

/// <summary>Every response's outcome: Success, Failure or Partial; on failure why, and text for the cashier.</summary>
public sealed record Response(string Result, string? ErrorCondition = null, string? AdditionalResponse = null);

public sealed record TransactionIdentification(string? TransactionID, DateTimeOffset? TimeStamp);

public sealed record MessageReference
{
    public string? MessageCategory { get; init; }
    public string? ServiceID { get; init; }
    public string? DeviceID { get; init; }
    public string? SaleID { get; init; }
    public string? POIID { get; init; }
}

// Payment

public sealed record PaymentRequest(SaleData? SaleData, PaymentTransaction? PaymentTransaction, PaymentData? PaymentData);

public sealed record SaleData
{
    public TransactionIdentification? SaleTransactionID { get; init; }
    public string? SaleReferenceID { get; init; }
    public string? OperatorID { get; init; }
    public string? SaleToAcquirerData { get; init; }
}

public sealed record PaymentTransaction(AmountsReq? AmountsReq);

public sealed record AmountsReq(string? Currency, decimal? RequestedAmount, decimal? CashBackAmount, decimal? TipAmount);

public sealed record PaymentData(string? PaymentType);

public sealed record PaymentResponse
{
    public required Response Response { get; init; }
    public SaleData? SaleData { get; init; }
    public PoiData? POIData { get; init; }
    public PaymentResult? PaymentResult { get; init; }
    public PaymentReceipt[]? PaymentReceipt { get; init; }
}

public sealed record PoiData(TransactionIdentification POITransactionID, string? POIReconciliationID = null);

public sealed record PaymentResult
{
    public string? PaymentType { get; init; }
    public PaymentInstrumentData? PaymentInstrumentData { get; init; }
    public AmountsResp? AmountsResp { get; init; }
    public bool? OnlineFlag { get; init; }
    public PaymentAcquirerData? PaymentAcquirerData { get; init; }
}

public sealed record PaymentInstrumentData(string PaymentInstrumentType, CardData? CardData);

public sealed record CardData(string? PaymentBrand, string? MaskedPan, string[]? EntryMode);

public sealed record AmountsResp(string? Currency, decimal? AuthorizedAmount, decimal? TipAmount = null, decimal? CashBackAmount = null);

public sealed record PaymentAcquirerData(string? ApprovalCode, TransactionIdentification? AcquirerTransactionID, string? AcquirerPOIID);

public sealed record PaymentReceipt(string DocumentQualifier, bool RequiredSignatureFlag, OutputContent OutputContent);

public sealed record OutputContent(string? OutputFormat, OutputText[]? OutputText);

public sealed record OutputText(string? Text, bool? EndOfLineFlag = null);

// Reversal, Abort, TransactionStatus

public sealed record ReversalRequest(OriginalPoiTransaction? OriginalPOITransaction, string? ReversalReason, decimal? ReversedAmount);

public sealed record OriginalPoiTransaction
{
    public TransactionIdentification? POITransactionID { get; init; }
    public string? SaleID { get; init; }
    public string? POIID { get; init; }
}

public sealed record ReversalResponse
{
    public required Response Response { get; init; }
    public PoiData? POIData { get; init; }
    public OriginalPoiTransaction? OriginalPOITransaction { get; init; }
    public decimal? ReversedAmount { get; init; }
    public PaymentReceipt[]? PaymentReceipt { get; init; }
}

public sealed record AbortRequest(MessageReference? MessageReference, string? AbortReason);

public sealed record TransactionStatusRequest(MessageReference? MessageReference, bool? ReceiptReprintFlag);

public sealed record TransactionStatusResponse
{
    public required Response Response { get; init; }
    public MessageReference? MessageReference { get; init; }
    public RepeatedMessageResponse? RepeatedMessageResponse { get; init; }
}

public sealed record RepeatedMessageResponse(MessageHeader MessageHeader, RepeatedResponseMessageBody RepeatedResponseMessageBody);

public sealed record RepeatedResponseMessageBody
{
    public PaymentResponse? PaymentResponse { get; init; }
    public ReversalResponse? ReversalResponse { get; init; }
}

// Diagnosis, Login, Logout

public sealed record DiagnosisRequest(bool? HostDiagnosisFlag);

public sealed record DiagnosisResponse
{
    public required Response Response { get; init; }
    public string[]? LoggedSaleID { get; init; }
    public PoiStatus? POIStatus { get; init; }
}

/// <summary>GlobalStatus: OK, Busy, Maintenance or Unreachable.</summary>
public sealed record PoiStatus(string GlobalStatus, bool? CommunicationOKFlag = null);

public sealed record LoginRequest
{
    public DateTimeOffset? DateTime { get; init; }
    public SaleSoftware? SaleSoftware { get; init; }
    public SaleTerminalData? SaleTerminalData { get; init; }
    public string? OperatorLanguage { get; init; }
    public string? OperatorID { get; init; }
    public bool? TrainingModeFlag { get; init; }
}

public sealed record SaleSoftware(string? ManufacturerID, string? ApplicationName, string? SoftwareVersion, string? CertificationCode);

public sealed record SaleTerminalData(string? TerminalEnvironment, string[]? SaleCapabilities);

public sealed record LoginResponse
{
    public required Response Response { get; init; }
    public PoiSystemData? POISystemData { get; init; }
}

public sealed record PoiSystemData(DateTimeOffset DateTime, PoiSoftware POISoftware, PoiStatus? POIStatus);

public sealed record PoiSoftware(string ManufacturerID, string ApplicationName, string SoftwareVersion, string CertificationCode);

public sealed record LogoutRequest(bool? MaintenanceAllowed);

public sealed record LogoutResponse(Response Response);

// Device class: Display, Input, Print

public sealed record DisplayRequest(DisplayOutput[]? DisplayOutput);

public sealed record DisplayOutput
{
    public bool? ResponseRequiredFlag { get; init; }
    public int? MinimumDisplayTime { get; init; }
    public string? Device { get; init; }
    public string? InfoQualify { get; init; }
    public OutputContent? OutputContent { get; init; }
}

public sealed record DisplayResponse(OutputResult[] OutputResult);

public sealed record OutputResult(string? Device, string? InfoQualify, Response Response);

public sealed record InputRequest(DisplayOutput? DisplayOutput, InputData? InputData);

/// <summary>InputCommand: GetConfirmation, TextString, DigitString, GetMenuEntry, …</summary>
public sealed record InputData
{
    public string? Device { get; init; }
    public string? InfoQualify { get; init; }
    public string? InputCommand { get; init; }
    public int? MaxInputTime { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
}

public sealed record InputResponse(OutputResult? OutputResult, InputResult InputResult);

public sealed record InputResult(string? Device, string? InfoQualify, Response Response, Input? Input);

public sealed record Input
{
    public string? InputCommand { get; init; }
    public bool? ConfirmedFlag { get; init; }
    public string? TextInput { get; init; }
    [JsonConverter(typeof(NexoJson.DigitsAsText))]
    public string? DigitInput { get; init; }
}

public sealed record PrintRequest(PrintOutput? PrintOutput);

/// <summary>DocumentQualifier: CashierReceipt, CustomerReceipt, Document, …; ResponseMode: NotRequired, Immediate or PrintEnd.</summary>
public sealed record PrintOutput(string? DocumentQualifier, string? ResponseMode, OutputContent? OutputContent);

public sealed record PrintResponse(string? DocumentQualifier, Response Response);

// Reconciliation

/// <summary>ReconciliationType: SaleReconciliation, AcquirerReconciliation, AcquirerSynchronisation or
/// PreviousReconciliation.</summary>
public sealed record ReconciliationRequest(string? ReconciliationType, string? POIReconciliationID);

public sealed record ReconciliationResponse
{
    public required Response Response { get; init; }
    public string? ReconciliationType { get; init; }
    public string? POIReconciliationID { get; init; }
    public TransactionTotals[]? TransactionTotals { get; init; }
}

public sealed record TransactionTotals(
    string PaymentInstrumentType, string? CardBrand, string? PaymentCurrency, PaymentTotals[] PaymentTotals);

/// <summary>TransactionType: Debit (a sale), Credit (a refund), ReverseDebit, ReverseCredit, …</summary>
public sealed record PaymentTotals(string TransactionType, long TransactionCount, decimal TransactionAmount);

// Events (the Reject answering a message that does not parse)

public sealed record EventNotification
{
    public DateTimeOffset TimeStamp { get; init; }
    public string? EventToNotify { get; init; }
    public string? EventDetails { get; init; }
    public string? RejectedMessage { get; init; }
}

public sealed record SaleToPoiEventEnvelope([property: JsonPropertyName("SaleToPOIRequest")] SaleToPoiEvent SaleToPOIRequest);

public sealed record SaleToPoiEvent(MessageHeader MessageHeader, EventNotification EventNotification);
