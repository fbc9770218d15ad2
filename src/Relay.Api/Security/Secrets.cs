using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Api.Security;

/// <summary>Random credentials and their stored form. Keys and tokens are high-entropy, so SHA-256 is enough to store them.</summary>
public static class Secrets
{
    // Codes people type: no 0/O, 1/I/L or U, so they read back unambiguously.
    private const string CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewToken(string prefix) =>
        prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>An activation code such as <c>K7QHM-3XP9D</c>: 10 symbols, about 49 bits.</summary>
    public static string NewActivationCode()
    {
        var code = RandomNumberGenerator.GetString(CodeAlphabet, 10);
        return $"{code[..5]}-{code[5..]}";
    }

    /// <summary>Activation codes are compared without dashes, spaces or case, as people type them.</summary>
    public static string NormalizeCode(string code) =>
        new string(code.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    public static string NewPairingCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Hash(a)), Encoding.UTF8.GetBytes(Hash(b)));
}
