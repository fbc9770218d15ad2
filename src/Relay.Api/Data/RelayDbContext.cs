using Microsoft.EntityFrameworkCore;
using Relay.Api.Accounts;
using Relay.Api.Actions;
using Relay.Api.Cluster;
using Relay.Api.Events;
using Relay.Api.Inputs;
using Relay.Api.Pairing;
using Relay.Api.Terminals;
using Relay.Api.Transactions;
using Relay.Api.Webhooks;

namespace Relay.Api.Data;

public sealed class RelayDbContext(DbContextOptions<RelayDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Terminal> Terminals => Set<Terminal>();
    public DbSet<RegisterPairing> Pairings => Set<RegisterPairing>();
    public DbSet<PairingCode> PairingCodes => Set<PairingCode>();
    public DbSet<Transaction> Transactions => Set<Transaction>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<InputRequest> InputRequests => Set<InputRequest>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<EventSequence> EventSequences => Set<EventSequence>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<RelayInstance> Instances => Set<RelayInstance>();
    public DbSet<PeerInterest> PeerInterests => Set<PeerInterest>();
    public DbSet<EventNumber> EventNumbers => Set<EventNumber>();
    public DbSet<UnnumberedEvent> UnnumberedEvents => Set<UnnumberedEvent>();
    public DbSet<TerminalAction> TerminalActions => Set<TerminalAction>();
    public DbSet<Settlements.Settlement> Settlements => Set<Settlements.Settlement>();
    public DbSet<FleetConfiguration.FleetSetting> FleetSettings => Set<FleetConfiguration.FleetSetting>();
    public DbSet<Nexo.NexoSession> NexoSessions => Set<Nexo.NexoSession>();
    public DbSet<Nexo.NexoAsyncRequest> NexoAsyncRequests => Set<Nexo.NexoAsyncRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RelayDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored as the same snake_case strings the API speaks, so SQL reads like the contract.
        configurationBuilder.Properties<TerminalStatus>().HaveConversion<SnakeCaseEnumConverter<TerminalStatus>>();
        configurationBuilder.Properties<TransactionType>().HaveConversion<SnakeCaseEnumConverter<TransactionType>>();
        configurationBuilder.Properties<TransactionOrigin>().HaveConversion<SnakeCaseEnumConverter<TransactionOrigin>>();
        configurationBuilder.Properties<TransactionStatus>().HaveConversion<SnakeCaseEnumConverter<TransactionStatus>>();
        configurationBuilder.Properties<ActionType>().HaveConversion<SnakeCaseEnumConverter<ActionType>>();
        configurationBuilder.Properties<ActionStatus>().HaveConversion<SnakeCaseEnumConverter<ActionStatus>>();
    }
}
