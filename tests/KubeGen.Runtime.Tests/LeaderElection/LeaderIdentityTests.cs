using System.Text.RegularExpressions;

namespace KubeGen.Runtime.Tests.LeaderElection;

public sealed class LeaderIdentityTests
{
    /// <summary>Never called: constructing an elector reads nothing.</summary>
    private sealed class UnusedLeaseStore : ILeaseStore
    {
        public string Description => "default/unused";

        public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Fact]
    public void The_default_identity_is_the_host_name_and_a_unique_suffix_so_host_network_pods_do_not_collide()
    {
        // Two pods on the host network see the same host name; within this process two electors stand in for them.
        var first = new LeaderElector(new UnusedLeaseStore());
        var second = new LeaderElector(new UnusedLeaseStore());

        string host = Environment.GetEnvironmentVariable("HOSTNAME") is { Length: > 0 } name ? name : Environment.MachineName;
        Assert.Matches("^" + Regex.Escape(host) + "_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", first.Identity);
        Assert.Matches("^" + Regex.Escape(host) + "_", second.Identity);
        Assert.NotEqual(first.Identity, second.Identity);
    }

    [Fact]
    public void An_explicit_identity_is_used_as_it_is()
    {
        Assert.Equal("operator-0", new LeaderElector(new UnusedLeaseStore(), new LeaderElectionOptions { Identity = "operator-0" }).Identity);
    }
}
