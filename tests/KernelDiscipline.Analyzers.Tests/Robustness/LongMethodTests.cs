using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using KernelDiscipline.Benchmarks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Robustness
{
    /// <summary>
    /// Methods of thousands of lines (interpreter loops, generated code) are analysed without an exception and
    /// without losing what is wrong in them. Their time and memory are the benchmark's business (probe-long and the
    /// long-method scaling section), never asserted here.
    /// </summary>
    public class LongMethodTests
    {
        [Theory]
        [InlineData("ugly")]
        [InlineData("goto")]
        public async Task FiveThousandLineMethodIsAnalysedCleanly(string shape)
        {
            string source = shape == "ugly" ? CorpusGenerator.UglyLongMethod(5000) : CorpusGenerator.GotoLongMethod(5000);
            Assert.True(source.Split('\n').Length >= 5000, "the generated method is shorter than asked");
            var diagnostics = await AnalyzeAsync(source);
            Assert.Empty(diagnostics); // the generated code follows the discipline
        }

        [Theory]
        [InlineData("ugly")]
        [InlineData("goto")]
        public async Task BugsPlantedAtTheStartMiddleAndEndOfALongMethodAreFound(string shape)
        {
            string source = shape == "ugly" ? CorpusGenerator.UglyLongMethod(3000) : CorpusGenerator.GotoLongMethod(3000);
            var lines = source.Split('\n').ToList();
            // A map used without a check (KD101), planted between two of the method's blocks at its start, middle
            // and end: past the 64th acquisition, so no site of a long body goes unfollowed.
            var blockStarts = Enumerable.Range(0, lines.Count)
                .Where(i => lines[i].StartsWith("        var pte", System.StringComparison.Ordinal) || lines[i].StartsWith("    again", System.StringComparison.Ordinal))
                .ToList();
            Assert.True(blockStarts.Count > 64, $"expected a method of many blocks, got {blockStarts.Count}");
            var planted = new[] { blockStarts[1], blockStarts[blockStarts.Count / 2], blockStarts[^1] };
            foreach (int at in planted.OrderByDescending(x => x))
            {
                lines.Insert(at, "        { var planted = pmd.MapLock(addr); planted.Unlock(); }");
            }

            var diagnostics = await AnalyzeAsync(string.Join("\n", lines));
            Assert.Equal(new[] { "KD101", "KD101", "KD101" }, diagnostics.Select(d => d.Id).ToArray());
        }

        private static async Task<List<Microsoft.CodeAnalysis.Diagnostic>> AnalyzeAsync(string source)
        {
            var compilation = TestProject.Compile(source);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
            var exceptions = new List<string>();
            var diagnostics = await TestProject.AnalyzeAsync(compilation, new KernelDisciplineAnalyzer(), analyzerExceptions: exceptions);
            Assert.Empty(exceptions);
            return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        }
    }
}
