using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// Compiles and analyses sources outside the test framework, for what it lacks: the corpus comparisons, the
    /// samples, the robustness runs and compile-only checks. The framework tests share its references and options.
    /// </summary>
    internal static class TestProject
    {
        public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest);

        public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: false);

        /// <summary>Every test source may use these without writing them.</summary>
        public const string ImplicitUsings = "global using System;\nglobal using KernelDiscipline.Runtime;\n";

        public static IReadOnlyList<MetadataReference> References { get; } =
            Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(typeof(Pmd).Assembly.Location))
                .ToList();

        /// <summary>The framework this test runs on (.NET 10): for APIs the .NET 8 reference set lacks, such as System.Threading.Lock.</summary>
        public static IReadOnlyList<MetadataReference> RunningFrameworkReferences { get; } =
            ((string)System.AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
                .Where(path => System.IO.Path.GetFileName(path).StartsWith("System.", System.StringComparison.Ordinal) || System.IO.Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
                .Append(MetadataReference.CreateFromFile(typeof(Pmd).Assembly.Location))
                .ToList();

        public static CSharpCompilation Compile(string source, IReadOnlyList<MetadataReference>? references = null) =>
            CSharpCompilation.Create(
                "Test",
                new[]
                {
                    CSharpSyntaxTree.ParseText(source, ParseOptions, path: "/0/Test0.cs"),
                    CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "/0/Usings.cs"),
                },
                references ?? References,
                CompilationOptions);

        /// <summary>Several files in the given order (the order the compiler hands trees to the analyzers).</summary>
        public static CSharpCompilation Compile(IEnumerable<(string Path, string Source)> files) =>
            CSharpCompilation.Create(
                "Test",
                files.Select(file => CSharpSyntaxTree.ParseText(file.Source, ParseOptions, path: file.Path))
                    .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "/0/Usings.cs")),
                References,
                CompilationOptions);

        /// <summary>Fails when <paramref name="compilation"/> has errors: for sources analysed outside the test framework.</summary>
        public static void AssertCompiles(Compilation compilation, string what)
        {
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"The {what} does not compile:\n" + string.Join("\n", errors));
        }

        /// <summary>
        /// What <paramref name="analyzer"/> reports on <paramref name="compilation"/>; its exceptions go to
        /// <paramref name="analyzerExceptions"/>. With concurrent execution, as the compiler and the framework tests run
        /// it: the answer must not depend on thread timing (DeterminismTests).
        /// </summary>
        public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, DiagnosticAnalyzer analyzer,
            List<string>? analyzerExceptions = null)
        {
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create(analyzer),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    (exception, _, _) => analyzerExceptions?.Add(exception.ToString()),
                    concurrentAnalysis: true, logAnalyzerExecutionTime: false));
            return await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
