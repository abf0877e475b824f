using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Engine
{
    /// <summary>
    /// The same code gets the same diagnostics on every run, whatever the thread timing and the order in which the
    /// compiler hands the methods over: summaries of helpers are shared between threads, and recursion and call depth
    /// must not make one caller's answer depend on another's.
    /// </summary>
    public class DeterminismTests
    {
        [Fact]
        public async Task CrossMethodCorpusGivesOneSetOfDiagnosticsOnEveryRun()
        {
            var files = CrossMethodCorpus(helperFiles: 6, callersPerFile: 12);
            var runs = new List<ImmutableArray<string>>();
            for (int run = 0; run < 16; run++)
            {
                // A fresh compilation each time (nothing cached from the last run), its trees in another order.
                var order = run % 2 == 0 ? files : files.AsEnumerable().Reverse().ToList();
                var compilation = TestProject.Compile(order);
                runs.Add(await AnalyzeConcurrentlyAsync(compilation));
            }

            var first = runs[0];
            Assert.True(first.Length > 40, "The corpus must produce diagnostics to compare, got " + first.Length);
            Assert.Contains(first, d => d.StartsWith("KD204", StringComparison.Ordinal));
            Assert.Contains(first, d => d.StartsWith("KD201", StringComparison.Ordinal));
            Assert.Contains(first, d => d.StartsWith("KD203", StringComparison.Ordinal));
            for (int run = 1; run < runs.Count; run++)
            {
                var differences = first.Except(runs[run]).Select(d => "only in run 0: " + d)
                    .Concat(runs[run].Except(first).Select(d => $"only in run {run}: " + d)).ToList();
                Assert.True(differences.Count == 0, string.Join("\n", differences));
            }
        }

        /// <summary>Every diagnostic as text (file, span, id, message), sorted: the driver reports in no fixed order.</summary>
        private static async Task<ImmutableArray<string>> AnalyzeConcurrentlyAsync(Compilation compilation)
        {
            var exceptions = new List<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDisciplineAnalyzer()), options)
                .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Empty(exceptions);
            return diagnostics
                .Select(d => $"{d.Id} {d.Location.SourceTree?.FilePath}{d.Location.SourceSpan} {d.GetMessage(CultureInfo.InvariantCulture)}")
                .OrderBy(text => text, StringComparer.Ordinal)
                .ToImmutableArray();
        }

        /// <summary>
        /// Helpers that take, release and leak locks, call each other (a chain deeper than the summary depth, mutual
        /// recursion, self recursion), and many callers of them spread over several files.
        /// </summary>
        internal static List<(string Path, string Source)> CrossMethodCorpus(int helperFiles, int callersPerFile)
        {
            var files = new List<(string, string)>();
            for (int h = 0; h < helperFiles; h++)
            {
                files.Add(($"/0/Helpers{h}.cs", $$"""
                    static class Helpers{{h}}
                    {
                        public static void TakeMm(MmStruct mm) => mm.MmapLock.DownRead();
                        public static void DropMm(MmStruct mm) => mm.MmapLock.UpRead();
                        public static void TakeBoth(MmStruct mm, Folio folio) { TakeMm(mm); folio.Lock(); }
                        public static void DropBoth(MmStruct mm, Folio folio) { folio.Unlock(); DropMm(mm); }
                        public static void Chain0(MmStruct mm) => Chain1(mm);
                        public static void Chain1(MmStruct mm) => Chain2(mm);
                        public static void Chain2(MmStruct mm) => Chain3(mm);
                        public static void Chain3(MmStruct mm) => TakeMm(mm);
                        public static int Ping(MmStruct mm, int n) => n == 0 ? Sleepy(mm) : Pong(mm, n - 1);
                        public static int Pong(MmStruct mm, int n) => n == 0 ? 0 : Ping(mm, n - 1);
                        public static int Self(MmStruct mm, int n) { if (n > 0) return Self(mm, n - 1); TakeMm(mm); return 0; }
                        public static int Sleepy(MmStruct mm) { mm.MmapLock.DownWrite(); mm.MmapLock.UpWrite(); return 0; }
                        public static void Cross(MmStruct mm) => Helpers{{(h + 1) % helperFiles}}.TakeMm(mm);
                    }
                    """));
            }

            for (int f = 0; f < helperFiles; f++)
            {
                var callers = new StringBuilder();
                callers.Append("class Callers").Append(f).Append("\n{\n");
                for (int c = 0; c < callersPerFile; c++)
                {
                    string helpers = "Helpers" + ((f + c) % helperFiles).ToString(CultureInfo.InvariantCulture);
                    string n = c.ToString(CultureInfo.InvariantCulture);
                    callers.Append(CultureInfo.InvariantCulture, $$"""
                            int Leak{{n}}(MmStruct mm, Folio folio) { {{helpers}}.TakeMm(mm); folio.Lock(); folio.Unlock(); return 0; }
                            void Balanced{{n}}(MmStruct mm, Folio folio) { {{helpers}}.TakeBoth(mm, folio); {{helpers}}.DropBoth(mm, folio); }
                            void Twice{{n}}(MmStruct mm) { {{helpers}}.TakeMm(mm); {{helpers}}.DropMm(mm); {{helpers}}.DropMm(mm); }
                            void Order{{n}}(MmStruct mm, Folio folio) { folio.Lock(); {{helpers}}.TakeMm(mm); {{helpers}}.DropMm(mm); folio.Unlock(); }
                            void Deep{{n}}(MmStruct mm) { {{helpers}}.Chain{{c % 4}}(mm); {{helpers}}.DropMm(mm); }
                            int Recursive{{n}}(MmStruct mm, Pmd pmd) { var ptl = pmd.Lock(); int r = {{helpers}}.Ping(mm, {{n}}) + {{helpers}}.Self(mm, 1); ptl.Unlock(); return r; }
                            void Crossed{{n}}(MmStruct mm) { {{helpers}}.Cross(mm); }

                        """);
                }

                callers.Append("}\n");
                files.Add(($"/0/Callers{f}.cs", callers.ToString()));
            }

            return files;
        }
    }
}
