using KubeGen.Generator.Model;

namespace KubeGen.Generator.Emit;

/// <summary>
/// Writes what marks a member only some of a client's clusters serve: a remark for people and the
/// attribute KubeGen's analyzer reports uses of (KGEN0022). Writes nothing for a member every cluster serves.
/// </summary>
internal static class AvailabilityEmitter
{
    public static void Write(SourceWriter w, ClusterAvailabilityModel? availability)
    {
        if (availability is null)
        {
            return;
        }

        w.Doc("remarks", availability.Text);
        w.Line($"[{CSharpTypes.Runtime}ClusterAvailability({SourceWriter.Literal(string.Join(", ", availability.ServedBy))}, {SourceWriter.Literal(string.Join(", ", availability.MissingFrom))})]");
    }
}
