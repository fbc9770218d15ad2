using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Relay.Tests.Infrastructure.RelayTestFramework", "Relay.Tests")]

namespace Relay.Tests.Infrastructure;

/// <summary>
/// xunit's own framework, plus one step at the end of the run: the PostgreSQL container of <see cref="TestPostgres"/> is
/// removed before the assembly reports itself finished. xunit 2 has no assembly fixture, and a handler of process exit alone
/// is not enough: the test host may be ended soon after the run without its exit handlers getting the time to stop a
/// container.
/// </summary>
public sealed class RelayTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(
        AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        /// <summary>After the last test; a failure here is reported as the assembly's clean-up failure.</summary>
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await Aggregator.RunAsync(TestPostgres.StopAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
