using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>What the README shows, done by the packed package in a fresh consumer: read from the README itself.</summary>
    [Collection(ConsumerCollection.Name)]
    public class ReadmePromiseTests
    {
        private static readonly Regex Warning = new(@"(?<file>\w+\.cs)\((?<line>\d+),(?<column>\d+)\): warning (?<id>(KD|CS)\d{3,4}): (?<message>.*?)(?= \(https:| \[|\r?$)", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        private readonly ConsumerFixture consumer;

        public ReadmePromiseTests(ConsumerFixture consumer) => this.consumer = consumer;

        /// <summary>
        /// "What the lock rules' code fixes do": each "flagged" body becomes its "after dotnet format" body, and each
        /// "no fix" body stays as it is and is still reported by its rule.
        /// </summary>
        [Fact]
        public void TheLockRulesFixExamplesDoWhatTheReadmeShows()
        {
            var blocks = CodeBlocks(Readme())
                .Select(b => (Header: Regex.Match(b.Split('\n')[0], @"^// (KD\d{3}) (flagged|after dotnet format|no fix)$"), Body: string.Join("\n", b.Split('\n').Skip(1))))
                .Where(b => b.Header.Success)
                .Select(b => (Rule: b.Header.Groups[1].Value, Kind: b.Header.Groups[2].Value, b.Body))
                .ToList();
            var flagged = blocks.Where(b => b.Kind == "flagged").ToList();
            var after = blocks.Where(b => b.Kind == "after dotnet format").ToList();
            var noFix = blocks.Where(b => b.Kind == "no fix").ToList();
            Assert.Equal(new[] { "KD201", "KD202", "KD203" }, flagged.Select(b => b.Rule));
            Assert.Equal(flagged.Select(b => b.Rule), after.Select(b => b.Rule));
            Assert.NotEmpty(noFix);

            var files = new Dictionary<string, string>();
            var expected = new Dictionary<string, string>();
            for (int i = 0; i < flagged.Count; i++)
            {
                string name = $"Fix{flagged[i].Rule}";
                files[name + ".cs"] = Method(name, flagged[i].Body);
                expected[name + ".cs"] = Method(name, after[i].Body);
            }

            for (int i = 0; i < noFix.Count; i++)
            {
                string name = $"NoFix{noFix[i].Rule}_{i}";
                files[name + ".cs"] = expected[name + ".cs"] = Method(name, noFix[i].Body);
            }

            consumer.UseSources(files);
            ConsumerFixture.Expect(consumer.Dotnet("format", "analyzers", "--diagnostics", "KD201", "KD202", "KD203", "--severity", "warn"), "dotnet format analyzers");
            foreach (var pair in expected)
            {
                Assert.Equal(Lines(pair.Value), Lines(File.ReadAllText(Path.Combine(consumer.Project, pair.Key))));
            }

            // Fixed bodies are clean; what has no fix is still reported, by its own rule and nothing else.
            var build = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(build, "dotnet build");
            var reported = Warning.Matches(build.Output).Where(m => m.Groups["id"].Value.StartsWith("KD", StringComparison.Ordinal))
                .Select(m => $"{m.Groups["file"].Value} {m.Groups["id"].Value}").Distinct().OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(noFix.Select((b, i) => $"NoFix{b.Rule}_{i}.cs {b.Rule}").OrderBy(x => x, StringComparer.Ordinal), reported);
        }

        /// <summary>
        /// The Quick start: its output block is what the analyzers report on samples/UffdCopy/Copier.cs, and its dotnet
        /// format command fixes KD101, KD102 and KD103 there and leaves the two KD302.
        /// </summary>
        [Fact]
        public void TheQuickStartOutputAndFixesAreWhatTheSampleGets()
        {
            string readme = Readme();
            var block = CodeBlocks(readme).Single(b => b.StartsWith("samples/UffdCopy/Copier.cs(", StringComparison.Ordinal));
            var promised = Warning.Matches(block).Select(Line).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(block.Split('\n').Length, promised.Count); // every line of the block is a warning line

            consumer.UseSources(new Dictionary<string, string>
            {
                ["Copier.cs"] = File.ReadAllText(Path.Combine(ConsumerFixture.RepositoryRoot(), "samples", "UffdCopy", "Copier.cs")),
            });
            var build = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(build, "dotnet build");
            Assert.Equal(promised, Warning.Matches(build.Output).Select(Line).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList());

            // Not a terminal here either: each warning is printed twice, as the README explains.
            Assert.All(Warning.Matches(build.Output).Select(Line).GroupBy(x => x), printedLine => Assert.Equal(2, printedLine.Count()));
            Assert.Contains($"{promised.Count} Warning(s)", build.Output, StringComparison.Ordinal);

            // The README's command, on the sample's code; the sample itself references the fixes as the package does.
            const string command = "dotnet format analyzers samples/UffdCopy --diagnostics KD101 KD102 KD103 --severity warn";
            Assert.Contains(command, readme, StringComparison.Ordinal);
            var sample = System.Xml.Linq.XDocument.Load(Path.Combine(ConsumerFixture.RepositoryRoot(), "samples", "UffdCopy", "UffdCopy.csproj"));
            Assert.Contains(sample.Descendants("ProjectReference"), r =>
                r.Attribute("Include")!.Value.EndsWith("KernelDiscipline.CodeFixes.csproj", StringComparison.Ordinal) && r.Attribute("OutputItemType")?.Value == "Analyzer");
            ConsumerFixture.Expect(consumer.Dotnet(command.Split(' ').Skip(1).Where(a => a != "samples/UffdCopy").ToArray()), "dotnet format analyzers");
            var fixedBuild = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(fixedBuild, "dotnet build of the fixed sample");
            var left = Warning.Matches(fixedBuild.Output).Select(m => (Where: $"{m.Groups["line"].Value},{m.Groups["column"].Value}", Id: m.Groups["id"].Value)).Distinct().ToList();
            Assert.Equal(new[] { "KD302", "KD302" }, left.Select(w => w.Id));
        }

        /// <summary>The Suppression section names the category of every rule band, as the descriptors declare them.</summary>
        [Fact]
        public void SuppressionNamesEveryCategory()
        {
            var categories = Regex.Matches(File.ReadAllText(Path.Combine(ConsumerFixture.RepositoryRoot(), "Analyzers", "Descriptors.cs")), @"Category = ""(?<name>KernelDiscipline\.\w+)""")
                .Select(m => m.Groups["name"].Value).Distinct().ToList();
            Assert.Equal(3, categories.Count);
            string readme = Readme();
            int start = readme.IndexOf("\n## Suppression\n", StringComparison.Ordinal);
            string section = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
            Assert.All(categories, category => Assert.Contains($"`{category}`", section, StringComparison.Ordinal));
        }

        /// <summary>The package README's first diagnostics: its example reports the lines it shows.</summary>
        [Fact]
        public void ThePackageReadmesFirstDiagnosticsAreWhatTheBuildPrints()
        {
            var blocks = CodeBlocks(consumer.PackageText("README.md").Replace("\r\n", "\n"));
            string example = blocks.Single(b => b.StartsWith("using KernelDiscipline.Runtime;", StringComparison.Ordinal));
            var output = blocks.Single(b => b.StartsWith("First.cs(", StringComparison.Ordinal));
            var promised = Warning.Matches(output).Select(Line).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(output.Split('\n').Length, promised.Count);

            consumer.UseSources(new Dictionary<string, string> { ["First.cs"] = example + "\n" });
            var build = consumer.Dotnet("build", "--no-incremental");
            ConsumerFixture.Expect(build, "dotnet build");
            Assert.Equal(promised, Warning.Matches(build.Output).Select(Line).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList());
        }

        private static string Line(Match m) =>
            $"{m.Groups["file"].Value}({m.Groups["line"].Value},{m.Groups["column"].Value}) {m.Groups["id"].Value}: {m.Groups["message"].Value}";

        internal static string Readme() => File.ReadAllText(Path.Combine(ConsumerFixture.RepositoryRoot(), "README.md")).Replace("\r\n", "\n");

        /// <summary>The contents of the fenced code blocks of a markdown text.</summary>
        internal static IReadOnlyList<string> CodeBlocks(string markdown) =>
            Regex.Matches(markdown, @"^```[a-z]*\n(?<code>.*?)\n```$", RegexOptions.Multiline | RegexOptions.Singleline)
                .Select(m => m.Groups["code"].Value).ToList();

        /// <summary>A README body as the body of a method with the parameters its examples use.</summary>
        private static string Method(string name, string body) =>
            "using KernelDiscipline.Runtime;\n\npublic static class " + name + "\n{\n" +
            "    public static int Run(Pmd pmd, Pmd srcPmd, Pmd dstPmd, ulong addr, ulong src, ulong dst, Folio folio)\n    {\n" +
            string.Join("\n", body.Split('\n').Select(line => line.Length == 0 ? line : "        " + line)) + "\n    }\n}\n";

        /// <summary>Lines without their indentation: the README shows bodies unindented, and labels sit outdented.</summary>
        private static IReadOnlyList<string> Lines(string text) =>
            text.Replace("\r\n", "\n").TrimEnd().Split('\n').Select(line => line.Trim()).ToList();
    }
}
