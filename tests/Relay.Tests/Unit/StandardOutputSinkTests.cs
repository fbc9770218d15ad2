using System.Text;
using Relay.Api.Infrastructure;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Relay.Tests.Unit;

public sealed class StandardOutputSinkTests
{
    [Fact]
    public void WritesEveryLineInOrderByTheTimeItIsDisposed()
    {
        var output = new MemoryStream();
        var sink = new StandardOutputSink(new MessageTemplateTextFormatter("{Message:lj}{NewLine}"), output);
        var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        // More than the queue holds, from several threads at once: callers wait for room, nothing is dropped.
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 5_000; i++) logger.Information("line {Thread} {Number}", thread, i);
        });
        sink.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20_000, lines.Length);
        foreach (var thread in Enumerable.Range(0, 4))
        {
            Assert.Equal(Enumerable.Range(0, 5_000).Select(i => $"line {thread} {i}"), lines.Where(l => l.StartsWith($"line {thread} ")));
        }
    }

    [Fact]
    public void AnEventAfterDisposalIsDroppedWithoutThrowing()
    {
        var sink = new StandardOutputSink(new MessageTemplateTextFormatter("{Message:lj}{NewLine}"), new MemoryStream());
        sink.Dispose();

        // Called directly: a logger would swallow what a sink throws.
        sink.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, MessageTemplate.Empty, []));
    }
}
