namespace Relay.Tests.Infrastructure;

/// <summary>One relay over its own database per test class.</summary>
public class RelayFixture : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private readonly IReadOnlyDictionary<string, string> settings;

    public RelayFixture() : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Configuration that differs from <see cref="RelayFactory"/>'s test defaults.</param>
    protected RelayFixture(IReadOnlyDictionary<string, string> settings) => this.settings = settings;

    public TestClock Clock { get; } = new();

    public string ConnectionString => database.ConnectionString;

    public RelayFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops this relay and starts a new one over the same database, as after a crash or a deploy.</summary>
    public async Task RestartAsync(Func<RelayFactory, Task>? whileDown = null)
    {
        var old = Factory;
        await old.DisposeAsync();
        try
        {
            if (whileDown is not null) await whileDown(old);
        }
        finally
        {
            Start(); // a failed assertion while down must not leave the rest of the class without a relay
        }
    }

    private void Start()
    {
        Factory = new RelayFactory(database.ConnectionString, Clock, settings);
        _ = Factory.Server; // starts the host: migrations run now
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await database.DropAsync();
    }
}
