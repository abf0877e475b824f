using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// Microsoft.CodeAnalysis.Testing's code fix verifier, set up like <see cref="TestProject"/>: checks the source's
    /// diagnostics, applies the fix one diagnostic at a time and Fix All in the document, the project and the solution;
    /// each must give <c>fixedSource</c>, which must compile and carry exactly the diagnostics its markup shows. Where
    /// <c>fixedSource</c> is the source, no fix may change it.
    /// </summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
            CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);

        public static Task VerifyCodeFixAsync(string source, string fixedSource) =>
            VerifyCodeFixAsync(source, DiagnosticResult.EmptyDiagnosticResults, fixedSource);

        public static Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
        {
            var test = new Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.AddRange(expected);
            if (source != fixedSource)
            {
                // Fix All, in the document, the project and the solution, fixes every diagnostic in one pass.
                test.NumberOfFixAllIterations = 1;
            }

            return test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            public Test()
            {
                FrameworkTestSetup.UseReferences(this, null);

                // The fixed code's markup is every diagnostic left after the fix, those the fix could not fix included
                // (the framework's default drops the fixable ones from the expectation).
                FixedState.MarkupHandling = MarkupMode.Allow;
            }

            protected override Task RunImplAsync(CancellationToken cancellationToken)
            {
                FrameworkTestSetup.AddImplicitUsings(TestState);
                FrameworkTestSetup.AddImplicitUsings(FixedState);
                FrameworkTestSetup.AddImplicitUsings(BatchFixedState);
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
