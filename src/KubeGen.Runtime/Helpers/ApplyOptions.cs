namespace KubeGen.Runtime;

/// <summary>Who applies, and whether it takes fields from other managers: server-side apply's <c>fieldManager</c> and <c>force</c>.</summary>
/// <param name="FieldManager">The manager's name (the controller's name); required.</param>
/// <param name="Force">Take over fields other managers own (right for objects the controller owns; default true, as controllers do).</param>
public sealed record ApplyOptions(string FieldManager, bool Force = true);
