using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests
{
    /// <summary>
    /// The shipped analyzer and fix assemblies load in the oldest host the README names: Roslyn 4.8, as the .NET 8 SDK
    /// (8.0.100) and Visual Studio 17.8 carry it, with the BCL those hosts bring. A reference to anything newer fails to
    /// load there (FileNotFoundException / FileLoadException), so the built assemblies' references are read and held
    /// to that line.
    /// </summary>
    public class HostCompatibilityTests
    {
        /// <summary>The highest version the oldest supported host offers, per assembly a shipped component may reference.</summary>
        private static readonly Dictionary<string, Version> OldestHost = new(StringComparer.Ordinal)
        {
            ["netstandard"] = new Version(2, 0, 0, 0),
            ["Microsoft.CodeAnalysis"] = new Version(4, 8, 0, 0),
            ["Microsoft.CodeAnalysis.CSharp"] = new Version(4, 8, 0, 0),
            ["Microsoft.CodeAnalysis.Workspaces"] = new Version(4, 8, 0, 0),
            ["Microsoft.CodeAnalysis.CSharp.Workspaces"] = new Version(4, 8, 0, 0),
            ["System.Collections.Immutable"] = new Version(7, 0, 0, 0),
            ["System.Reflection.Metadata"] = new Version(7, 0, 0, 0),
            ["KernelDiscipline.Analyzers"] = new Version(int.MaxValue, 0),
        };

        [Theory]
        [InlineData("KernelDiscipline.Analyzers")]
        [InlineData("KernelDiscipline.CodeFixes")]
        public void ShippedAssemblyReferencesNothingNewerThanTheOldestHost(string assembly)
        {
            var references = ReferencesOf(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
            Assert.Contains(references, r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
            var tooNew = references
                .Where(r => !OldestHost.TryGetValue(r.Name, out var highest) || r.Version > highest)
                .Select(r => $"{r.Name} {r.Version}")
                .ToList();
            Assert.True(tooNew.Count == 0, $"{assembly} references what a Roslyn 4.8 host does not carry: {string.Join(", ", tooNew)}");
        }

        [Fact]
        public void TheCheckFailsOnAReferenceTooNew()
        {
            // This test assembly is built against a newer Roslyn: the same reading must see it.
            var references = ReferencesOf(typeof(HostCompatibilityTests).Assembly.Location);
            var roslyn = references.Single(r => r.Name == "Microsoft.CodeAnalysis");
            Assert.True(roslyn.Version > OldestHost["Microsoft.CodeAnalysis"], $"expected a newer Roslyn in the test assembly, read {roslyn.Version}");
        }

        private static List<(string Name, Version Version)> ReferencesOf(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            return metadata.AssemblyReferences
                .Select(handle => metadata.GetAssemblyReference(handle))
                .Select(reference => (metadata.GetString(reference.Name), reference.Version))
                .ToList();
        }
    }
}
