using System.Security.Cryptography;
using System.Text;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// Signature verification written here from the Standard Webhooks specification (not the relay's code): the signed
/// content is <c>{webhook-id}.{webhook-timestamp}.{body}</c>; the key is the base64 part of the <c>whsec_</c> secret;
/// <c>webhook-signature</c> is a space-separated list of <c>v1,&lt;base64 HMAC-SHA256&gt;</c>, any of which may
/// match; the timestamp must be within five minutes of now.
/// </summary>
public static class StandardWebhooks
{
    public static bool Verify(string secret, ReceivedWebhook webhook, DateTimeOffset now)
    {
        Assert.StartsWith("whsec_", secret);
        if (!long.TryParse(webhook.Timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.{webhook.Body}"));
        foreach (var candidate in webhook.Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = candidate.Split(',', 2);
            if (parts.Length == 2 && parts[0] == "v1")
            {
                byte[] actual;
                try
                {
                    actual = Convert.FromBase64String(parts[1]);
                }
                catch (FormatException)
                {
                    continue;
                }

                if (CryptographicOperations.FixedTimeEquals(actual, expected)) return true;
            }
        }

        return false;
    }
}
