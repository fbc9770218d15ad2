using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Relay.Api.Infrastructure;

namespace Relay.Api.Security;

/// <summary>Reads <c>Authorization: Bearer …</c>, lets the scheme check it, and answers 401 problem details when it fails.</summary>
public abstract class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected abstract Task<IEnumerable<Claim>?> ValidateAsync(string token);

    protected virtual string? ReadToken()
    {
        var header = Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return AuthenticateResult.NoResult();
        }

        var claims = await ValidateAsync(token);
        return claims is null
            ? AuthenticateResult.Fail("The credential is not valid.")
            : AuthenticateResult.Success(
                new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => WriteUnauthenticated();

    // A valid credential of the wrong kind (an account key on an admin route) is still the wrong credential.
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteUnauthenticated();

    private Task WriteUnauthenticated()
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, "unauthenticated",
            "Missing or invalid credentials", "Send 'Authorization: Bearer <key>' with a valid key or token.").AsTask();
    }
}
