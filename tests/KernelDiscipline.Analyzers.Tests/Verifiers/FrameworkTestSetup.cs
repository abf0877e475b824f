using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// What the Microsoft.CodeAnalysis.Testing tests here share with <see cref="TestProject"/>: its references (no
    /// download at test time), the implicit usings, .editorconfig options, and a check that the framework runs the
    /// analyzers with concurrent execution, as the compiler does.
    /// </summary>
    internal static class FrameworkTestSetup
    {
        /// <summary>
        /// A target framework without packages: resolves to nothing, so nothing is downloaded; the references are
        /// <see cref="TestProject.References"/> added by <see cref="UseReferences"/>. (The framework's own .NET 10 set
        /// asks the feed for a reference pack it does not serve.)
        /// </summary>
        private static readonly ReferenceAssemblies NoPackages = new ReferenceAssemblies("net8.0");

        private const string UsingsPath = "/0/Usings.cs";

        /// <summary>Compiles against <paramref name="references"/> (default: .NET 8 reference assemblies and the Runtime) and nothing else.</summary>
        public static void UseReferences(AnalyzerTest<DefaultVerifier> test, IEnumerable<MetadataReference>? references)
        {
            test.ReferenceAssemblies = NoPackages;
            test.TestState.AdditionalReferences.Clear();
            test.TestState.AdditionalReferences.AddRange(references ?? TestProject.References);
        }

        /// <summary>
        /// Adds <see cref="TestProject.ImplicitUsings"/> after a state's own sources (so the test code stays Test0.cs).
        /// A state with no sources of its own inherits them, usings included.
        /// </summary>
        public static void AddImplicitUsings(SolutionState state)
        {
            if (state.Sources.Count > 0 && !state.Sources.Any(source => source.filename == UsingsPath))
            {
                state.Sources.Add((UsingsPath, TestProject.ImplicitUsings));
            }
        }

        /// <summary>Gives every source the .editorconfig keys of <paramref name="options"/>.</summary>
        public static void AddEditorConfig(SolutionState state, IReadOnlyDictionary<string, string>? options)
        {
            if (options is null || options.Count == 0)
            {
                return;
            }

            string lines = string.Concat(options.Select(option => $"{option.Key} = {option.Value}\n"));
            state.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*]\n" + lines));
        }

        /// <summary>
        /// The framework creates its CompilationWithAnalyzers with concurrent analysis on (1.1.4); the analyzer asks
        /// for it too. This fails every test if a framework update ever turns it off.
        /// </summary>
        public static CompilationWithAnalyzers RequireConcurrentAnalysis(CompilationWithAnalyzers compilation)
        {
            if (!compilation.AnalysisOptions.ConcurrentAnalysis)
            {
                throw new InvalidOperationException("The test framework runs the analyzers without concurrent analysis; the compiler runs them with it.");
            }

            return compilation;
        }
    }
}
