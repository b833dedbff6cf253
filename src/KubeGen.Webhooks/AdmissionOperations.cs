namespace KubeGen.Webhooks;

/// <summary>The operations a webhook is called for (a rule's <c>operations</c>).</summary>
[Flags]
public enum AdmissionOperations
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>CREATE</c>.</summary>
    Create = 1,

    /// <summary><c>UPDATE</c> (replace, patch, apply, and writes to subresources the rule names).</summary>
    Update = 2,

    /// <summary><c>DELETE</c>.</summary>
    Delete = 4,

    /// <summary><c>CONNECT</c> (exec, attach, port-forward, proxy).</summary>
    Connect = 8,

    /// <summary>Create and update: what defaulting and policy webhooks usually need.</summary>
    CreateOrUpdate = Create | Update,

    /// <summary>Every operation (<c>*</c>).</summary>
    All = Create | Update | Delete | Connect,
}

/// <summary>Names of <see cref="AdmissionOperations"/> as they appear on the wire.</summary>
public static class AdmissionOperationNames
{
    /// <summary>The operation of a request (<c>CREATE</c> …), or <see cref="AdmissionOperations.None"/> for an unknown one.</summary>
    public static AdmissionOperations Parse(string? operation) => operation switch
    {
        "CREATE" => AdmissionOperations.Create,
        "UPDATE" => AdmissionOperations.Update,
        "DELETE" => AdmissionOperations.Delete,
        "CONNECT" => AdmissionOperations.Connect,
        _ => AdmissionOperations.None,
    };

    /// <summary>The rule's <c>operations</c> list: <c>["*"]</c> for all, else each name.</summary>
    public static IReadOnlyList<string> ToRule(AdmissionOperations operations)
    {
        if (operations == AdmissionOperations.All)
        {
            return ["*"];
        }

        var names = new List<string>(4);
        if (operations.HasFlag(AdmissionOperations.Create))
        {
            names.Add("CREATE");
        }

        if (operations.HasFlag(AdmissionOperations.Update))
        {
            names.Add("UPDATE");
        }

        if (operations.HasFlag(AdmissionOperations.Delete))
        {
            names.Add("DELETE");
        }

        if (operations.HasFlag(AdmissionOperations.Connect))
        {
            names.Add("CONNECT");
        }

        return names;
    }
}
