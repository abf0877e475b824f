using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Robustness
{
    /// <summary>
    /// Analyzers must never throw (AD0001): every analyzer runs over mutated versions of real sources — tokens and
    /// lines deleted, files truncated — and any exception fails the test.
    /// </summary>
    public class MutationTests
    {
        private const int MutationsPerSource = 40;

        public static IEnumerable<object[]> Corpora()
        {
            yield return new object[] { "kernel shapes" };
            yield return new object[] { "runtime sources" };
        }

        [Theory]
        [MemberData(nameof(Corpora))]
        public async Task AnalyzersSurviveBrokenCode(string corpus)
        {
            var sources = corpus == "kernel shapes" ? KernelShapes.Sources.ToList() : RuntimeSources();
            Assert.NotEmpty(sources);
            var random = new Random(20261122);
            int analysed = 0;
            var failures = new List<string>();
            foreach (var source in sources)
            {
                foreach (var mutant in Mutants(source, random).Prepend(source))
                {
                    foreach (var analyzer in AllAnalyzers())
                    {
                        var exceptions = new List<string>();
                        var diagnostics = await TestProject.AnalyzeAsync(TestProject.Compile(mutant), analyzer, exceptions);
                        exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
                        if (exceptions.Count > 0)
                        {
                            failures.Add($"{analyzer.GetType().Name} threw on:\n{mutant}\n{exceptions[0]}");
                        }

                        analysed++;
                    }
                }
            }

            Assert.True(failures.Count == 0, $"{failures.Count} of {analysed} runs threw. First:\n{failures.FirstOrDefault()}");
            Assert.True(analysed > sources.Count * MutationsPerSource / 2, $"only {analysed} runs");
        }

        [Fact]
        public async Task CancellationIsHonouredWithoutAnalyzerErrors()
        {
            var compilation = TestProject.Compile(KernelShapes.Sources[0]);
            foreach (var analyzer in AllAnalyzers())
            {
                using var cancel = new CancellationTokenSource();
                cancel.Cancel();
                var withAnalyzers = compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create(analyzer));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withAnalyzers.GetAnalyzerDiagnosticsAsync(cancel.Token));
            }
        }

        private static IEnumerable<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> AllAnalyzers() =>
            typeof(KernelDisciplineAnalyzer).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer).IsAssignableFrom(t))
                .Select(t => (Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer)Activator.CreateInstance(t)!);

        private static IEnumerable<string> Mutants(string source, Random random)
        {
            var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToList();
            var lines = source.Split('\n');
            for (int i = 0; i < MutationsPerSource; i++)
            {
                switch (i % 4)
                {
                    case 0: // delete one token
                        var token = tokens[random.Next(tokens.Count)];
                        yield return source.Remove(token.SpanStart, token.Span.Length);
                        break;
                    case 1: // delete one line
                        int line = random.Next(lines.Length);
                        yield return string.Join("\n", lines.Where((_, index) => index != line));
                        break;
                    case 2: // truncate
                        yield return source.Substring(0, random.Next(source.Length));
                        break;
                    default: // delete a run of tokens
                        int first = random.Next(tokens.Count);
                        int last = Math.Min(tokens.Count - 1, first + random.Next(1, 8));
                        yield return source.Remove(tokens[first].SpanStart, tokens[last].Span.End - tokens[first].SpanStart);
                        break;
                }
            }
        }

        /// <summary>The Runtime's own sources: real code that uses the annotated API heavily.</summary>
        private static List<string> RuntimeSources()
        {
            return Directory.GetFiles(Repository.PathOf("Runtime", "Mm"), "*.cs")
                .OrderBy(path => path, StringComparer.Ordinal)
                .Select(File.ReadAllText)
                .ToList();
        }
    }
}
