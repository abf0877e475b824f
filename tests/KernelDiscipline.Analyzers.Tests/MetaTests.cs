using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>Every rule is complete: doc page with a matching title, help link, release entry, README row; every fix supports Fix All.</summary>
    public class MetaTests
    {
        private static readonly string Root = KernelDiscipline.Analyzers.Tests.Verifiers.Repository.Root;

        [Theory]
        [InlineData("README.md")]
        [InlineData("docs/LOCKDEP.md")]
        public void TheHierarchyDiagramIsTheDeclaredOne(string page)
        {
            // The diagram is drawn from the same attributes lockdep and the analyzers read: a page that shows an
            // older order fails here.
            var text = File.ReadAllText(Path.Combine(Root, page)).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.Contains("```mermaid\n" + KernelDiscipline.Runtime.LockGraph.DeclaredMermaid() + "```", text);
        }

        public static TheoryData<string> RuleIds()
        {
            var data = new TheoryData<string>();
            foreach (var id in Descriptors().Select(d => d.Id).Distinct())
            {
                data.Add(id);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void RuleHasDocPageHelpLinkReleaseEntryAndReadmeRow(string id)
        {
            // One descriptor per id: SARIF lists a rule once per descriptor.
            var descriptors = new[] { Assert.Single(Descriptors(), d => d.Id == id) }.ToList();
            var title = descriptors[0].Title.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(descriptors, d => Assert.Equal(title, d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));

            var page = Path.Combine(Root, "docs", "rules", id + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var lines = File.ReadAllLines(page);
            Assert.Equal($"# {id}: {title}", lines[0]);
            foreach (var heading in new[] { "## What it flags", "## Why", "## Flagged", "## Fixed", "## Configuration", "## Suppression" })
            {
                Assert.Contains(heading, lines);
            }

            // The help link derives from the repository the package declares, never from a second copy of it.
            var declared = System.Xml.Linq.XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("RepositoryUrl").Single().Value;
            Assert.All(descriptors, d => Assert.Equal($"{declared}/blob/main/docs/rules/{id}.md", d.HelpLinkUri));

            var release = File.ReadAllLines(Path.Combine(Root, "Analyzers", "AnalyzerReleases.Unshipped.md"))
                .Concat(File.ReadAllLines(Path.Combine(Root, "Analyzers", "AnalyzerReleases.Shipped.md")))
                .SingleOrDefault(line => line.StartsWith(id + " ", StringComparison.Ordinal));
            Assert.NotNull(release);
            Assert.Contains(descriptors[0].Category, release);
            Assert.Contains(descriptors[0].DefaultSeverity.ToString(), release);

            var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
            Assert.Contains($"| [{id}](docs/rules/{id}.md) | {title} |", readme);
        }

        [Fact]
        public void AnalyzerAssemblyCarriesTheDeclaredRepository()
        {
            var declared = System.Xml.Linq.XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("RepositoryUrl").Single().Value;
            var stamped = typeof(KernelDisciplineAnalyzer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "RepositoryUrl");
            Assert.Equal(declared, stamped.Value);
        }

        [Fact]
        public void EveryFixerSupportsFixAllAndFixesAKnownRule()
        {
            var ids = Descriptors().Select(d => d.Id).ToHashSet();
            var fixers = typeof(KernelDiscipline.CodeFixes.AddNullCheckCodeFix).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
                .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
                .ToList();
            Assert.NotEmpty(fixers);
            foreach (var fixer in fixers)
            {
                Assert.NotNull(fixer.GetFixAllProvider());
                Assert.All(fixer.FixableDiagnosticIds, id => Assert.Contains(id, ids));
                Assert.True(fixer.GetType().GetCustomAttributes(typeof(ExportCodeFixProviderAttribute), false).Length == 1,
                    $"{fixer.GetType().Name} is not exported");
            }
        }

        [Fact]
        public void DocPagesOnlyForExistingRules()
        {
            var ids = Descriptors().Select(d => d.Id).ToHashSet();
            foreach (var page in Directory.GetFiles(Path.Combine(Root, "docs", "rules"), "KD*.md"))
            {
                Assert.Contains(Path.GetFileNameWithoutExtension(page), ids);
            }
        }

        private static DiagnosticDescriptor[] Descriptors() =>
            typeof(KernelDisciplineAnalyzer).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
                .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
                .ToArray();
    }
}
