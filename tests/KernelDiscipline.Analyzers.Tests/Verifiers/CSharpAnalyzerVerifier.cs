using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// Microsoft.CodeAnalysis.Testing's analyzer verifier, set up like <see cref="TestProject"/>: the source's markup
    /// (<c>{|KD101:…|}</c>, <c>{|#0:…|}</c>) and the listed diagnostics must be exactly what is reported, and the source
    /// must compile.
    /// </summary>
    public static class CSharpAnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
            VerifyAnalyzerAsync(source, null, null, expected);

        /// <summary>As above, with these .editorconfig keys for every source.</summary>
        public static Task VerifyAnalyzerAsync(string source, IReadOnlyDictionary<string, string>? options, params DiagnosticResult[] expected) =>
            VerifyAnalyzerAsync(source, options, null, expected);

        /// <summary>As above, compiled against <paramref name="references"/> (default: .NET 8 reference assemblies and the Runtime).</summary>
        public static Task VerifyAnalyzerAsync(string source, IReadOnlyDictionary<string, string>? options,
            IEnumerable<MetadataReference>? references, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            FrameworkTestSetup.AddEditorConfig(test.TestState, options);
            if (references != null)
            {
                FrameworkTestSetup.UseReferences(test, references);
            }

            return test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            public Test() => FrameworkTestSetup.UseReferences(this, null);

            protected override Task RunImplAsync(CancellationToken cancellationToken)
            {
                FrameworkTestSetup.AddImplicitUsings(TestState);
                return base.RunImplAsync(cancellationToken);
            }

            protected override CompilationOptions CreateCompilationOptions() =>
                ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

            protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation,
                ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
                FrameworkTestSetup.RequireConcurrentAnalysis(base.CreateCompilationWithAnalyzers(compilation, analyzers, options, cancellationToken));
        }
    }
}
