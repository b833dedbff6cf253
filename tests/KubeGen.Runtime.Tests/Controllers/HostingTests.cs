using System.Collections.Concurrent;
using KubeGen.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>The controllers on Microsoft.Extensions.Hosting: DI registration, the hosted service, logging, health, drain on stop.</summary>
public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => provider.Entries.Enqueue((logLevel, formatter(state, exception), exception));
        }
    }

    [Fact]
    public async Task The_host_runs_registered_controllers_logs_failures_reports_health_and_drains_on_stop()
    {
        var informer = new FakeInformer<TestKind>();
        informer.Add(new TestKind("good"));
        informer.Add(new TestKind("bad"));
        var reconciled = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool drained = false;
        var logs = new CapturingLoggerProvider();

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton(informer);
        builder.Services.AddKubeControllers()
            .AddController(services => new Controller("widgets", async (request, ct) =>
            {
                reconciled.Enqueue(request.Name);
                if (request.Name == "bad")
                {
                    throw new TerminalException("the widget's spec names no size");
                }

                await release.Task.WaitAsync(ct);
                drained = true;
                return ReconcileResult.Done;
            }, new ControllerOptions { MaxConcurrentReconciles = 2 }).For(services.GetRequiredService<FakeInformer<TestKind>>()));
        using IHost host = builder.Build();
        var health = new ControllerHealthCheck(host.Services.GetRequiredService<ControllerManager>());
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await host.StartAsync(Ct);
        await WaitUntilAsync(() => reconciled.Count == 2);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        await WaitUntilAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Warning));
        (LogLevel _, string message, Exception? exception) = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("widgets: reconcile default/bad failed (terminal: True, earlier failures: 0)", message);
        Assert.IsType<TerminalException>(exception);

        // Stopping waits for the reconcile in hand ("good" is blocked until released).
        Task stopping = host.StopAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(drained);
        Assert.False(host.Services.GetRequiredService<ControllerManager>().IsRunning);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(5, bound.Token);
        }
    }
}
