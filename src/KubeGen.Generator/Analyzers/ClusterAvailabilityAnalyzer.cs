using System.Collections.Immutable;
using KubeGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KubeGen.Generator.Analyzers;

/// <summary>
/// Reports a warning (KGEN0022) wherever user code reads, writes or calls a generated member that only
/// some of the client's clusters serve (it carries <c>KubeGen.Runtime.ClusterAvailabilityAttribute</c>),
/// naming the clusters that lack it. Generated code is not analyzed: the generated calls that pass such a
/// property on are not the user's choice.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClusterAvailabilityAnalyzer : DiagnosticAnalyzer
{
    private const string AttributeName = "KubeGen.Runtime.ClusterAvailabilityAttribute";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(KubeGenDiagnostics.ClusterSpecificMemberUsed);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Only compilations that reference the runtime can use a marked member: the others pay nothing.
            if (start.Compilation.GetTypeByMetadataName(AttributeName) is not { } attribute)
            {
                return;
            }

            start.RegisterOperationAction(c => Check(c, ((IPropertyReferenceOperation)c.Operation).Property, attribute), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => Check(c, ((IInvocationOperation)c.Operation).TargetMethod, attribute), OperationKind.Invocation);
            start.RegisterOperationAction(c => Check(c, ((IMethodReferenceOperation)c.Operation).Method, attribute), OperationKind.MethodReference);
        });
    }

    private static void Check(OperationAnalysisContext context, ISymbol member, INamedTypeSymbol attribute)
    {
        foreach (var data in member.OriginalDefinition.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)
                && data.ConstructorArguments.Length == 2
                && data.ConstructorArguments[0].Value is string servedBy
                && data.ConstructorArguments[1].Value is string missingFrom)
            {
                var name = member.ContainingType is { } type ? type.Name + "." + member.Name : member.Name;
                context.ReportDiagnostic(Diagnostic.Create(KubeGenDiagnostics.ClusterSpecificMemberUsed, context.Operation.Syntax.GetLocation(), name, missingFrom, servedBy));
                return;
            }
        }
    }
}
