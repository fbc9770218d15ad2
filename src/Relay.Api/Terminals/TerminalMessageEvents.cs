using System.Text.Json;

namespace Relay.Api.Terminals;

/// <summary><c>terminal.display</c>: what the terminal's screen shows now.</summary>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction it is about, if any.</param>
/// <param name="Text" example="Present card">The text on the screen.</param>
public sealed record DisplayEvent(Guid? TransactionId, string Text);

/// <summary><c>terminal.print</c>: a receipt for the POS to print.</summary>
/// <param name="TransactionId" example="0193a0b4-2222-7000-8000-00000000cafe">The transaction it is for, if any.</param>
/// <param name="Receipt" example="customer">merchant or customer.</param>
/// <param name="Text" example="PURCHASE NZD 12.50&#10;APPROVED">The receipt text (lines separated by \n).</param>
public sealed record PrintEvent(Guid? TransactionId, string Receipt, string Text);

/// <summary><c>terminal.event</c>: something happened on the device.</summary>
/// <param name="Kind" example="card_inserted">card_inserted, card_removed, maintenance_required, maintenance_completed, …
/// (snake_case).</param>
/// <param name="Data">Whatever the terminal attached (a JSON value, or null).</param>
public sealed record DeviceEvent(string Kind, JsonElement? Data);
