using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>
    /// Runs the analyzers over the kernel-shaped corpus (Corpus/*.cs): each method states the rules it must get.
    /// Prints recall and false positives per rule, and fails on any miss or false alarm.
    /// </summary>
    public class CorpusTests
    {
        private static readonly Regex Expect = new(@"^\s*// expect: (?<ids>.+?)\s*$", RegexOptions.CultureInvariant);
        private readonly ITestOutputHelper output;

        public CorpusTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task EveryCaseGetsExactlyItsRules()
        {
            var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.cs");
            Assert.NotEmpty(files);
            var cases = new List<(string Method, HashSet<string> Expected, HashSet<string> Got)>();
            foreach (var file in files)
            {
                string source = File.ReadAllText(file);
                var compilation = TestProject.Compile(source, TestProject.RunningFrameworkReferences); // System.Threading.Lock is .NET 9+
                TestProject.AssertCompiles(compilation, Path.GetFileName(file));
                var exceptions = new List<string>();
                var diagnostics = await TestProject.AnalyzeAsync(compilation, new KernelDisciplineAnalyzer(), analyzerExceptions: exceptions);
                Assert.Empty(exceptions);
                var tree = compilation.SyntaxTrees.First();
                foreach (var method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
                {
                    var expected = ExpectationOf(method);
                    Assert.True(expected != null, $"{Path.GetFileName(file)}: {method.Identifier.ValueText} has no '// expect:' line");
                    var got = diagnostics.Where(d => d.Location.SourceTree == tree && method.FullSpan.Contains(d.Location.SourceSpan))
                        .Select(d => d.Id).ToHashSet();
                    cases.Add(($"{Path.GetFileNameWithoutExtension(file)}.{method.Identifier.ValueText}", expected!, got));
                }
            }

            var rules = cases.SelectMany(c => c.Expected.Concat(c.Got)).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToList();
            var failures = new List<string>();
            output.WriteLine($"{cases.Count} methods, {cases.Count(c => c.Expected.Count > 0)} must-flag");
            output.WriteLine("rule   must-flag  caught  recall  false positives");
            foreach (var rule in rules)
            {
                int mustFlag = cases.Count(c => c.Expected.Contains(rule));
                int caught = cases.Count(c => c.Expected.Contains(rule) && c.Got.Contains(rule));
                int falseAlarms = cases.Count(c => !c.Expected.Contains(rule) && c.Got.Contains(rule));
                output.WriteLine($"{rule}  {mustFlag,9}  {caught,6}  {(mustFlag == 0 ? "-" : $"{100.0 * caught / mustFlag:F0}%"),6}  {falseAlarms,15}");
            }

            foreach (var (method, expected, got) in cases)
            {
                foreach (var missed in expected.Except(got))
                {
                    failures.Add($"{method}: {missed} not reported");
                }

                foreach (var extra in got.Except(expected))
                {
                    failures.Add($"{method}: {extra} reported on code that must not get it");
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        private static HashSet<string>? ExpectationOf(MethodDeclarationSyntax method)
        {
            foreach (var trivia in method.GetLeadingTrivia().Reverse())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && Expect.Match(trivia.ToString()) is { Success: true } match)
                {
                    string ids = match.Groups["ids"].Value;
                    return ids == "none" ? new HashSet<string>() : ids.Split(',').Select(id => id.Trim()).ToHashSet();
                }
            }

            return null;
        }
    }
}
