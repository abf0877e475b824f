using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>The consumer's experience with the real package and the real dotnet CLI.</summary>
    [Collection(ConsumerCollection.Name)]
    public class PackageEndToEndTests
    {
        private static readonly Regex Reported = new(@"(?<file>\w+\.cs)\((?<line>\d+),\d+\): (?<level>warning|error) (?<id>KD\d{3})", RegexOptions.CultureInvariant);
        private readonly ConsumerFixture consumer;

        public PackageEndToEndTests(ConsumerFixture consumer) => this.consumer = consumer;

        [Fact]
        public void PackageHoldsRuntimeAnalyzersFixesAndReadme()
        {
            var entries = consumer.PackageEntries();
            Assert.Contains("lib/net8.0/KernelDiscipline.Runtime.dll", entries);
            Assert.Contains("lib/net8.0/KernelDiscipline.Runtime.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/KernelDiscipline.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/KernelDiscipline.CodeFixes.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("icon.png", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", System.StringComparison.Ordinal) && e.Contains("Analyzers"));
        }

        [Fact]
        public void PackageDeclaresTheRepositoryAndItsReadmeLinksWorkOnAFeed()
        {
            string repository = ConsumerFixture.DeclaredRepositoryUrl();
            string nuspec = consumer.PackageText("KernelDiscipline.nuspec");
            Assert.Contains($"<projectUrl>{repository}</projectUrl>", nuspec);
            Assert.Contains($"url=\"{repository}\"", nuspec);

            // A feed's page shows the README alone: every link must be absolute.
            string readme = consumer.PackageText("README.md");
            var relative = Regex.Matches(readme, @"\]\((?!https?:|#|mailto:)[^)]*\)").Select(m => m.Value).ToList();
            Assert.True(relative.Count == 0, "relative links in the packed README: " + string.Join(", ", relative));
            Assert.Contains($"]({repository}/blob/main/docs/rules/KD101.md)", readme);
        }

        [Fact]
        public void PackagePageNamesEveryRuleHasAnIconReleaseNotesAndAReadmeForAFeed()
        {
            // The rules the analyzers track as shipped or unshipped.
            var rules = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
                .SelectMany(f => File.ReadAllLines(Path.Combine(ConsumerFixture.RepositoryRoot(), "Analyzers", f)))
                .Select(line => Regex.Match(line, @"^(KD\d{3})\s*\|")).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Equal(15, rules.Count);

            var nuspec = System.Xml.Linq.XDocument.Parse(consumer.PackageText("KernelDiscipline.nuspec")).Root!;
            string Metadata(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
            Assert.All(rules, rule => Assert.Contains(rule, Metadata("description"), System.StringComparison.Ordinal));
            Assert.All(rules, rule => Assert.Contains(rule, Metadata("releaseNotes"), System.StringComparison.Ordinal));
            Assert.StartsWith(consumer.Version + ":", Metadata("releaseNotes"), System.StringComparison.Ordinal); // this version's rules first

            Assert.Equal("icon.png", Metadata("icon"));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(consumer.Package))
            using (var icon = zip.GetEntry("icon.png")!.Open())
            {
                var signature = new byte[8];
                icon.ReadExactly(signature);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, signature);
            }

            // Feeds render no mermaid; the page opens with the install command, and its rule table is the repository's.
            string readme = consumer.PackageText("README.md").Replace("\r\n", "\n");
            Assert.DoesNotContain("```mermaid", readme);
            Assert.Equal("dotnet add package KernelDiscipline", ReadmePromiseTests.CodeBlocks(readme)[0]);
            static IEnumerable<string> RuleRows(string markdown) =>
                markdown.Split('\n').Where(l => l.StartsWith("| [KD", System.StringComparison.Ordinal)).Select(l => Regex.Replace(l, @"\]\([^)]*\)", "]"));
            Assert.Equal(RuleRows(ReadmePromiseTests.Readme()), RuleRows(readme));
            Assert.Equal(rules.Count, RuleRows(readme).Count());
        }

        [Fact]
        public void BuildReportsEveryRuleWhereExpectedAndWarnAsErrorFails()
        {
            consumer.UseSources(new Dictionary<string, string> { ["Bad.cs"] = ConsumerSources.BreaksEveryRule });
            var build = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(build, "dotnet build");
            Assert.Equal(Expected("Bad.cs", ConsumerSources.BreaksEveryRule), Found(build.Output, "warning"));

            var strict = consumer.Dotnet("build", "--no-incremental", "-warnaserror");
            Assert.NotEqual(0, strict.ExitCode);
            Assert.Equal(Expected("Bad.cs", ConsumerSources.BreaksEveryRule), Found(strict.Output, "error"));
        }

        [Fact]
        public void ErrorLogIsValidSarifWithTheResults()
        {
            consumer.UseSources(new Dictionary<string, string> { ["Bad.cs"] = ConsumerSources.BreaksEveryRule });
            string sarif = Path.Combine(consumer.Root, "build.sarif");
            ConsumerFixture.Expect(consumer.Dotnet("build", "--no-incremental", $"-p:ErrorLog={sarif}%2Cversion=2.1"), "dotnet build -p:ErrorLog");
            using var log = JsonDocument.Parse(File.ReadAllText(sarif));
            Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
            var results = log.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(run => run.GetProperty("results").EnumerateArray())
                .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("KD", System.StringComparison.Ordinal))
                .Select(r =>
                {
                    var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
                    string file = Path.GetFileName(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!);
                    int line = location.GetProperty("region").GetProperty("startLine").GetInt32();
                    return $"{r.GetProperty("ruleId").GetString()} {file}:{line}";
                })
                .OrderBy(x => x, System.StringComparer.Ordinal);
            Assert.Equal(Expected("Bad.cs", ConsumerSources.BreaksEveryRule), results);

            // Each rule once in the tool's rule list, with its help link under the declared repository.
            var rules = log.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(run => run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray())
                .Where(r => r.GetProperty("id").GetString()!.StartsWith("KD", System.StringComparison.Ordinal))
                .ToList();
            var ids = rules.Select(r => r.GetProperty("id").GetString()!).ToList();
            Assert.Equal(ids.Distinct().Count(), ids.Count);
            Assert.All(rules, r => Assert.Equal(
                $"{ConsumerFixture.DeclaredRepositoryUrl()}/blob/main/docs/rules/{r.GetProperty("id").GetString()}.md",
                r.GetProperty("helpUri").GetString()));
        }

        [Fact]
        public void EditorconfigSetsSeveritiesAndTheSilentSkipOption()
        {
            consumer.UseSources(
                new Dictionary<string, string> { ["Bad.cs"] = ConsumerSources.BreaksEveryRule, ["Skip.cs"] = ConsumerSources.SilentSkip },
                "dotnet_diagnostic.KD101.severity = error\ndotnet_diagnostic.KD204.severity = none\nkernel_discipline.KD102.report_silent_skip = true\n");
            var build = consumer.Dotnet("build", "--no-incremental");
            Assert.NotEqual(0, build.ExitCode); // KD101 is an error now
            Assert.Contains(Expected("Bad.cs", ConsumerSources.BreaksEveryRule).Single(e => e.StartsWith("KD101")), Found(build.Output, "error"));
            Assert.DoesNotContain(Found(build.Output, "warning").Concat(Found(build.Output, "error")), e => e.StartsWith("KD204"));
            Assert.Contains(Expected("Skip.cs", ConsumerSources.SilentSkip).Single(), Found(build.Output, "warning"));

            consumer.UseSources(new Dictionary<string, string> { ["Skip.cs"] = ConsumerSources.SilentSkip });
            var lenient = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(lenient, "dotnet build without .editorconfig");
            Assert.Empty(Found(lenient.Output, "warning")); // a silent skip is allowed by default
        }

        /// <summary>
        /// Fixable.cs, as the consumer has it now, becomes <see cref="ConsumerSources.Fixed"/> and builds clean. Run by
        /// <see cref="LanguageServerTests"/> on the file the language server has just reported on (one run, not two).
        /// </summary>
        internal static void AssertDotnetFormatAppliesTheDocumentedFixes(ConsumerFixture consumer)
        {
            string file = Path.Combine(consumer.Project, "Fixable.cs");
            // Fixes of different rules touching one method land one provider per pass, as in the IDE's Fix All.
            for (int pass = 0; pass < 3; pass++)
            {
                ConsumerFixture.Expect(consumer.Dotnet("format", "analyzers", "--diagnostics", "KD101", "KD102", "KD103", "--severity", "warn"), "dotnet format analyzers");
            }

            Assert.Equal(ConsumerSources.Fixed.Replace("\r\n", "\n"), File.ReadAllText(file).Replace("\r\n", "\n"));
            var build = consumer.Dotnet("build", "--no-incremental", "-warnaserror");
            ConsumerFixture.Expect(build, "building the fixed code with -warnaserror");
        }

        [Fact]
        public void DotnetFormatFixesWhatHasAFixAmongDiagnosticsThatHaveNone()
        {
            // The first diagnostic of the project has no fix, and rules without fixes are asked for too: dotnet
            // format must still apply every fix there is, one rule at a time and all rules together.
            consumer.UseSources(new Dictionary<string, string> { ["Mixed.cs"] = ConsumerSources.Mixed });
            string file = Path.Combine(consumer.Project, "Mixed.cs");
            ConsumerFixture.Expect(consumer.Dotnet("format", "analyzers", "--diagnostics", "KD101", "--severity", "warn"), "dotnet format analyzers (KD101)");
            Assert.Equal(ConsumerSources.MixedKd101Fixed.Replace("\r\n", "\n"), File.ReadAllText(file).Replace("\r\n", "\n"));

            consumer.UseSources(new Dictionary<string, string> { ["Mixed.cs"] = ConsumerSources.Mixed });
            ConsumerFixture.Expect(consumer.Dotnet("format", "analyzers", "--diagnostics", "KD101", "KD102", "KD103", "KD204", "--severity", "warn"), "dotnet format analyzers (all)");
            Assert.Equal(ConsumerSources.MixedFixed.Replace("\r\n", "\n"), File.ReadAllText(file).Replace("\r\n", "\n"));

            // What has no fix is still reported, and only that.
            var build = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(build, "building the fixed code");
            Assert.Equal(Expected("Mixed.cs", ConsumerSources.MixedFixed), Found(build.Output, "warning"));
        }

        [Fact]
        public void TheReadmeOneLinerIsFixedInTopLevelStatements()
        {
            string program = Path.Combine(consumer.Project, "Program.cs");
            string original = File.ReadAllText(program);
            try
            {
                consumer.UseSources(new Dictionary<string, string>());
                File.WriteAllText(program, ConsumerSources.TopLevel);
                ConsumerFixture.Expect(consumer.Dotnet("format", "analyzers", "--diagnostics", "KD101", "--severity", "warn"), "dotnet format analyzers on Program.cs");
                Assert.Equal(ConsumerSources.TopLevelFixed.Replace("\r\n", "\n"), File.ReadAllText(program).Replace("\r\n", "\n"));
                ConsumerFixture.Expect(consumer.Dotnet("build", "--no-incremental", "-warnaserror"), "building the fixed Program.cs with -warnaserror");
            }
            finally
            {
                File.WriteAllText(program, original);
            }
        }

        [Fact]
        public void TheSameConsumerGetsTheSameDiagnosticsOnEveryBuild()
        {
            // The compiler analyses methods on several threads, in an order that changes from build to build.
            consumer.UseSources(ConsumerSources.CrossMethod(callerFiles: 6));
            var builds = new List<IReadOnlyList<string>>();
            for (int build = 0; build < 3; build++)
            {
                var result = consumer.Dotnet("build", "--no-incremental");
                ConsumerFixture.Expect(result, "dotnet build " + build);
                builds.Add(Regex.Matches(result.Output, @"\w+\.cs\(\d+,\d+\): warning KD\d{3}: .*?(?= \(https:| \[|\r?$)", RegexOptions.Multiline).Select(m => m.Value.Trim())
                    .Distinct().OrderBy(x => x, System.StringComparer.Ordinal).ToList());
            }

            Assert.True(builds[0].Count >= 6 * 3, "the cross-method consumer reports fewer diagnostics than expected:\n" + string.Join("\n", builds[0]));
            Assert.Equal(builds[0], builds[1]);
            Assert.Equal(builds[0], builds[2]);
        }

        private static IEnumerable<string> Expected(string file, string source) =>
            source.Split('\n')
                .Select((line, index) => (Match: Regex.Match(line, @"// (KD\d{3})\s*$"), Line: index + 1))
                .Where(x => x.Match.Success)
                .Select(x => $"{x.Match.Groups[1].Value} {file}:{x.Line}")
                .OrderBy(x => x, System.StringComparer.Ordinal)
                .ToList();

        private static IEnumerable<string> Found(string output, string level) =>
            Reported.Matches(output).Where(m => m.Groups["level"].Value == level)
                .Select(m => $"{m.Groups["id"].Value} {m.Groups["file"].Value}:{m.Groups["line"].Value}")
                .Distinct()
                .OrderBy(x => x, System.StringComparer.Ordinal)
                .ToList();
    }
}
