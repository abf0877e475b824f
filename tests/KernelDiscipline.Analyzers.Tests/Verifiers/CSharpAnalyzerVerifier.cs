using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>The call shape of Microsoft.CodeAnalysis.Testing's analyzer verifier, on our own small engine.</summary>
    public static class CSharpAnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
            VerifyAnalyzerAsync(source, null, expected);

        /// <summary>Checks that exactly the marked and listed diagnostics are reported, and that the source compiles.</summary>
        public static Task VerifyAnalyzerAsync(string source, IReadOnlyDictionary<string, string>? options, params DiagnosticResult[] expected) =>
            VerifyAnalyzerAsync(source, options, null, expected);

        /// <summary>As above, compiled against <paramref name="references"/> (default: .NET 8 reference assemblies and the Runtime).</summary>
        public static async Task VerifyAnalyzerAsync(string source, IReadOnlyDictionary<string, string>? options,
            IReadOnlyList<MetadataReference>? references, params DiagnosticResult[] expected)
        {
            var markup = Markup.Parse(source);
            var compilation = TestProject.Compile(markup.Source, references);
            AssertCompiles(compilation, "test source");
            var analyzer = new TAnalyzer();
            var exceptions = new List<string>();
            var actual = await TestProject.AnalyzeAsync(compilation, analyzer, options, exceptions);
            Assert.Empty(exceptions);
            AssertMatches(markup, expected, actual, analyzer.SupportedDiagnostics.Select(d => d.Id).ToImmutableHashSet());
        }

        internal static void AssertCompiles(Compilation compilation, string what)
        {
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"The {what} does not compile:\n" + string.Join("\n", errors));
        }

        internal static void AssertMatches(Markup markup, IEnumerable<DiagnosticResult> listed, ImmutableArray<Diagnostic> actual, ImmutableHashSet<string> ids)
        {
            var expected = new List<(string? Id, TextSpan Span, IReadOnlyList<object>? Arguments, DiagnosticSeverity? Severity)>();
            foreach (var (id, span) in markup.Spans)
            {
                expected.Add((id, span, null, null));
            }

            foreach (var result in listed)
            {
                Assert.True(result.LocationMarker is int marker && markup.Locations.ContainsKey(marker), $"{result} names no {{|#n:…|}} location in the source");
                expected.Add((result.Id, markup.Locations[result.LocationMarker!.Value], result.Arguments, result.Severity));
            }

            var remaining = actual.Where(d => ids.Contains(d.Id)).ToList();
            var missing = new List<string>();
            foreach (var want in expected)
            {
                var match = remaining.FirstOrDefault(d => (want.Id is null || d.Id == want.Id) && d.Location.SourceSpan == want.Span &&
                    (want.Arguments is null || MessageHasArguments(d, want.Arguments)) && (want.Severity is null || d.Severity == want.Severity));
                if (match is null)
                {
                    missing.Add($"{want.Id ?? "any"} at {want.Span} '{markup.Source.Substring(want.Span.Start, want.Span.Length)}'" +
                        (want.Arguments is null ? "" : " with (" + string.Join(", ", want.Arguments) + ")") + (want.Severity is null ? "" : $" as {want.Severity}"));
                }
                else
                {
                    remaining.Remove(match);
                }
            }

            Assert.True(missing.Count == 0 && remaining.Count == 0,
                "Diagnostics differ.\nExpected but not reported:\n  " + string.Join("\n  ", missing) +
                "\nReported but not expected:\n  " + string.Join("\n  ", remaining.Select(d => Describe(d, markup.Source))) +
                "\nAll reported:\n  " + string.Join("\n  ", actual.Select(d => Describe(d, markup.Source))));
        }

        private static bool MessageHasArguments(Diagnostic diagnostic, IReadOnlyList<object> arguments) =>
            diagnostic.GetMessage(CultureInfo.InvariantCulture) ==
            string.Format(CultureInfo.InvariantCulture, diagnostic.Descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), arguments.ToArray());

        private static string Describe(Diagnostic diagnostic, string source) =>
            $"{diagnostic.Id} ({diagnostic.Severity}) at {diagnostic.Location.SourceSpan} '{source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)}': {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }
}
