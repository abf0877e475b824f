using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// For tests that run two configurations of the analyzer over the same code and require the same diagnostics:
    /// the kernel-shape corpus files plus one inline source, and the diagnostics as comparable, sorted lines.
    /// </summary>
    internal static class CorpusComparison
    {
        /// <summary>Theory data: <paramref name="inlineName"/> first, then each corpus file by name.</summary>
        public static IEnumerable<object[]> Sources(string inlineName)
        {
            yield return new object[] { inlineName };
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.cs").OrderBy(f => f, StringComparer.Ordinal))
            {
                yield return new object[] { Path.GetFileName(file) };
            }
        }

        /// <summary>The inline source for its name, else the corpus file's text.</summary>
        public static string Text(string name, string inlineName, string inlineSource) =>
            name == inlineName ? inlineSource : File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", name));

        /// <summary>What <paramref name="analyzer"/> reports, one sorted line per diagnostic; it must not throw.</summary>
        public static async Task<List<string>> Diagnostics(Compilation compilation, DiagnosticAnalyzer analyzer)
        {
            var exceptions = new List<string>();
            var diagnostics = await TestProject.AnalyzeAsync(compilation, analyzer, analyzerExceptions: exceptions);
            Assert.Empty(exceptions);
            return diagnostics
                .Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
                .OrderBy(text => text, StringComparer.Ordinal)
                .ToList();
        }
    }
}
