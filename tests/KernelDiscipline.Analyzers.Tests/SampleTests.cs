using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>The README's main command builds samples/UffdCopy: it must show exactly its three bugs, and its twin none.</summary>
    public class SampleTests
    {
        [Fact]
        public async Task BuggyCopierShowsItsBugs()
        {
            var diagnostics = await AnalyzeSampleAsync("UffdCopy");
            var found = diagnostics.Select(d => $"{d.Id}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}").OrderBy(x => x).ToArray();
            var source = File.ReadAllLines(Repository.PathOf("samples", "UffdCopy", "Copier.cs"));
            string LineOf(string text) => (System.Array.FindIndex(source, line => line.Contains(text)) + 1).ToString();
            Assert.Equal(
                new[]
                {
                    "KD101:" + LineOf("bool present = pte.Read"), "KD102:" + LineOf("return -Errno.EFAULT"), "KD103:" + LineOf("var pte = pmd.MapLock"),
                    "KD302:" + LineOf("return -Errno.EFAULT"), "KD302:" + LineOf("return -Errno.EEXIST"),
                }.OrderBy(x => x),
                found);
        }

        [Fact]
        public async Task FixedTwinIsClean() => Assert.Empty(await AnalyzeSampleAsync("UffdCopy.Fixed"));

        private static async Task<Diagnostic[]> AnalyzeSampleAsync(string sample)
        {
            var trees = Directory.GetFiles(Repository.PathOf("samples", sample), "*.cs")
                .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), TestProject.ParseOptions, path))
                .Append(CSharpSyntaxTree.ParseText("global using System;", TestProject.ParseOptions));
            var compilation = CSharpCompilation.Create(sample, trees, TestProject.References,
                TestProject.CompilationOptions.WithOutputKind(OutputKind.ConsoleApplication));
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var diagnostics = await TestProject.AnalyzeAsync(compilation, new KernelDisciplineAnalyzer());
            return diagnostics.Where(d => d.Id.StartsWith("KD", System.StringComparison.Ordinal)).ToArray();
        }
    }
}
