using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Relay.Api.Infrastructure;

namespace Relay.Api.Data;

public sealed class SnakeCaseEnumConverter<TEnum>()
    : ValueConverter<TEnum, string>(v => WireEnum<TEnum>.Name(v), s => WireEnum<TEnum>.Parse(s))
    where TEnum : struct, Enum;
