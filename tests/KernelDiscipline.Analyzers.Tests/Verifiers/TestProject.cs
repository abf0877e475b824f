using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>Compiles test sources against .NET 8 reference assemblies and the real Runtime assembly.</summary>
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

        public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, DiagnosticAnalyzer analyzer,
            IReadOnlyDictionary<string, string>? options = null, List<string>? analyzerExceptions = null)
        {
            var configProvider = new TestConfigProvider(options ?? new Dictionary<string, string>());
            var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, configProvider);
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create(analyzer),
                new CompilationWithAnalyzersOptions(analyzerOptions, (exception, _, _) => analyzerExceptions?.Add(exception.ToString()),
                    concurrentAnalysis: false, logAnalyzerExecutionTime: false));
            return await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>Gives every tree the same .editorconfig key/values.</summary>
        private sealed class TestConfigProvider : AnalyzerConfigOptionsProvider
        {
            private readonly Options options;

            public TestConfigProvider(IReadOnlyDictionary<string, string> values) => options = new Options(values);

            public override AnalyzerConfigOptions GlobalOptions => options;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => options;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => options;

            private sealed class Options : AnalyzerConfigOptions
            {
                private readonly IReadOnlyDictionary<string, string> values;

                public Options(IReadOnlyDictionary<string, string> values) => this.values = values;

                public override bool TryGetValue(string key, out string value)
                {
                    bool found = values.TryGetValue(key, out var text);
                    value = text ?? string.Empty;
                    return found;
                }
            }
        }
    }
}
