using ClientTests.Kube.CoreV1;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>Pagination and selectors of the generated list calls against the emulator.</summary>
public sealed class EmulatorListTests
{
    [Fact]
    public async Task PagesWithLimitAndContinueSeeEveryObjectOnce()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        var expected = new List<string>();
        for (int i = 0; i < 25; i++)
        {
            string name = $"cm-{i:D2}";
            expected.Add(name);
            await configMaps.CreateAsync(Ns, ConfigMap(name), cancellationToken: api.Cancel);
        }

        var seen = new List<string>();
        var pageSizes = new List<int>();
        string? listVersion = null;
        string? token = null;
        int created = 0;
        do
        {
            ConfigMapList page = await configMaps.ListAsync(Ns, new() { Limit = 4, Continue = token }, cancellationToken: api.Cancel);
            pageSizes.Add(page.Items.Count);
            seen.AddRange(page.Items.Select(c => c.Metadata!.Name!));
            listVersion ??= page.Metadata!.ResourceVersion;
            Assert.Equal(listVersion, page.Metadata!.ResourceVersion);
            token = page.Metadata.Continue;
            if (token is not null)
            {
                Assert.Equal(25 - seen.Count, page.Metadata.RemainingItemCount);

                // Changes made while paging do not show: the pages are consistent with the first one.
                await configMaps.CreateAsync(Ns, ConfigMap($"late-{created++}"), cancellationToken: api.Cancel);
            }
        }
        while (token is not null);

        Assert.Equal([4, 4, 4, 4, 4, 4, 1], pageSizes);
        Assert.Equal(expected, seen);
        Assert.Equal(25 + created, (await configMaps.ListAsync(Ns, cancellationToken: api.Cancel)).Items.Count);
    }

    [Fact]
    public async Task AnExpiredContinueTokenIsGone()
    {
        await using EmulatorHarness api = await StartAsync(o => o.HistoryWindow = 5);
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        for (int i = 0; i < 25; i++)
        {
            await configMaps.CreateAsync(Ns, ConfigMap($"cm-{i:D2}"), cancellationToken: api.Cancel);
        }

        ConfigMapList first = await configMaps.ListAsync(Ns, new() { Limit = 10 }, cancellationToken: api.Cancel);
        Assert.NotNull(first.Metadata!.Continue);
        for (int i = 0; i < 6; i++)
        {
            await configMaps.PatchAsync(Ns, "cm-00", KubePatch.Merge($$$"""{"data":{"k":"v{{{i}}}"}}"""), cancellationToken: api.Cancel);
        }

        var gone = await Assert.ThrowsAsync<KubeApiException>(() => configMaps.ListAsync(Ns, new() { Limit = 10, Continue = first.Metadata.Continue }, cancellationToken: api.Cancel));
        Assert.True(gone.IsGone);
        Assert.Equal(System.Net.HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("Expired", gone.Status.Reason);
        Assert.Equal("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", gone.Status.Message);

        // Starting again without the token works.
        Assert.Equal(10, (await configMaps.ListAsync(Ns, new() { Limit = 10 }, cancellationToken: api.Cancel)).Items.Count);
    }

    public static TheoryData<string, string[]> LabelSelectors => new()
    {
        { "app=web", ["a", "b"] },
        { "app==web", ["a", "b"] },
        { "app!=web", ["c", "d", "e"] },
        { "tier in (front,cache)", ["a", "c"] },
        { "tier notin (front,cache)", ["b", "d", "e"] },
        { "tier", ["a", "b", "c"] },
        { "!tier", ["d", "e"] },
        { "app=web,tier=back", ["b"] },
        { "app in (web,db),!tier", ["d"] },
    };

    [Theory]
    [MemberData(nameof(LabelSelectors))]
    public async Task LabelSelectorsSelect(string selector, string[] expected)
    {
        await using EmulatorHarness api = await StartAsync();
        await SeedLabelledPodsAsync(api);

        PodList list = await api.Kube.CoreV1.Pods.ListAsync(Ns, new() { LabelSelector = selector }, cancellationToken: api.Cancel);

        Assert.Equal(expected, list.Items.Select(p => p.Metadata!.Name!));
    }

    [Fact]
    public async Task FieldSelectorsSelectByName()
    {
        await using EmulatorHarness api = await StartAsync();
        await SeedLabelledPodsAsync(api);
        await api.Kube.CoreV1.Pods.CreateAsync("default", Pod("a"), cancellationToken: api.Cancel);

        Assert.Equal(["c"], (await api.Kube.CoreV1.Pods.ListAsync(Ns, new() { FieldSelector = "metadata.name=c" }, cancellationToken: api.Cancel)).Items.Select(p => p.Metadata!.Name!));
        Assert.Equal(["a", "b", "d", "e"], (await api.Kube.CoreV1.Pods.ListAsync(Ns, new() { FieldSelector = "metadata.name!=c" }, cancellationToken: api.Cancel)).Items.Select(p => p.Metadata!.Name!));
        Assert.Equal(
            ["default/a", "shop/a"],
            (await api.Kube.CoreV1.Pods.ListForAllNamespacesAsync(new() { FieldSelector = "metadata.name=a" }, cancellationToken: api.Cancel)).Items.Select(p => p.Metadata!.Namespace + "/" + p.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["a"],
            (await api.Kube.CoreV1.Pods.ListForAllNamespacesAsync(new() { FieldSelector = "metadata.namespace=default" }, cancellationToken: api.Cancel)).Items.Select(p => p.Metadata!.Name!));
        Assert.Equal(["a"], (await api.Kube.CoreV1.Pods.ListAsync(Ns, new() { LabelSelector = "app=web", FieldSelector = "metadata.name=a" }, cancellationToken: api.Cancel)).Items.Select(p => p.Metadata!.Name!));

        var bad = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.ListAsync(Ns, new() { LabelSelector = "app in (web" }, cancellationToken: api.Cancel));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task SeedLabelledPodsAsync(EmulatorHarness api)
    {
        var labels = new (string Name, Dictionary<string, string> Labels)[]
        {
            ("a", new() { ["app"] = "web", ["tier"] = "front" }),
            ("b", new() { ["app"] = "web", ["tier"] = "back" }),
            ("c", new() { ["app"] = "cache", ["tier"] = "cache" }),
            ("d", new() { ["app"] = "db" }),
            ("e", new()),
        };
        foreach ((string name, Dictionary<string, string> podLabels) in labels)
        {
            await api.Kube.CoreV1.Pods.CreateAsync(Ns, Pod(name, labels: podLabels), cancellationToken: api.Cancel);
        }
    }
}
