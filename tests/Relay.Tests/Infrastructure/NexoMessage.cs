namespace Relay.Tests.Infrastructure;

/// <summary>nexo messages as a POS writes them (Adyen's Terminal API JSON), for the tests of /nexo.</summary>
public static class NexoMessage
{
    private static int _serviceIds;

    public static string NewServiceId() => Interlocked.Increment(ref _serviceIds).ToString("D10")[^10..];

    public static object Message(string category, string poiId, object body, string? serviceId = null, string saleId = "till-1",
        string messageClass = "Service", string? bodyName = null) => new Dictionary<string, object>
    {
        ["SaleToPOIRequest"] = new Dictionary<string, object>
        {
            ["MessageHeader"] = new
            {
                ProtocolVersion = "3.0", MessageClass = messageClass, MessageCategory = category, MessageType = "Request",
                ServiceID = serviceId ?? NewServiceId(), SaleID = saleId, POIID = poiId,
            },
            [bodyName ?? category + "Request"] = body,
        },
    };

    public static object Payment(decimal amount, string currency = "EUR", string type = "Normal", decimal? cashBack = null,
        decimal? tip = null, string reference = "order-1") => new
    {
        SaleData = new { SaleTransactionID = new { TransactionID = reference, TimeStamp = "2026-12-02T10:00:00Z" } },
        PaymentTransaction = new { AmountsReq = new { Currency = currency, RequestedAmount = amount, CashBackAmount = cashBack, TipAmount = tip } },
        PaymentData = new { PaymentType = type },
    };
}
