using System.Security.Cryptography;
using System.Text;

namespace Relay.Api.Webhooks;

/// <summary>Standard Webhooks (https://www.standardwebhooks.com): secrets and the v1 signature.</summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary><c>whsec_</c> + base64 of 32 random bytes, the form Standard Webhooks libraries take.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> with the secret's decoded key.</summary>
    public static string Sign(string secret, string id, long timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(
            secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        byte[] content = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
