using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>
    /// The call shape of Microsoft.CodeAnalysis.Testing's code fix verifier: checks the diagnostics of the source,
    /// applies the fix one diagnostic at a time until none is left, then Fix All in one go; both must give
    /// <c>fixedSource</c>, which must compile and carry exactly its own marked diagnostics.
    /// </summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        private const int MaxIterations = 12;

        public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
            CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);

        public static Task VerifyCodeFixAsync(string source, string fixedSource) =>
            VerifyCodeFixAsync(source, System.Array.Empty<DiagnosticResult>(), fixedSource);

        public static async Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
        {
            await CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);
            var fixedMarkup = Markup.Parse(fixedSource);
            var fixer = new TCodeFix();
            var analyzer = new TAnalyzer();

            var oneByOne = await FixOneByOneAsync(CreateDocument(Markup.Parse(source).Source), analyzer, fixer);
            await AssertFixedAsync(oneByOne, fixedMarkup, analyzer, "one fix at a time");

            var fixAll = await FixAllAsync(CreateDocument(Markup.Parse(source).Source), analyzer, fixer);
            await AssertFixedAsync(fixAll, fixedMarkup, analyzer, "Fix All");
        }

        private static async Task AssertFixedAsync(Document document, Markup expected, TAnalyzer analyzer, string how)
        {
            var text = (await document.GetTextAsync()).ToString();
            Assert.True(expected.Source == text, $"{how} produced:\n{text}\n--- expected:\n{expected.Source}");
            var compilation = (await document.Project.GetCompilationAsync())!;
            CSharpAnalyzerVerifier<TAnalyzer>.AssertCompiles(compilation, $"code fixed by {how}");
            var remaining = await TestProject.AnalyzeAsync(compilation, analyzer);
            CSharpAnalyzerVerifier<TAnalyzer>.AssertMatches(expected, System.Array.Empty<DiagnosticResult>(), remaining,
                analyzer.SupportedDiagnostics.Select(d => d.Id).ToImmutableHashSet());
        }

        private static Document CreateDocument(string source)
        {
            var workspace = new AdhocWorkspace();
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
                compilationOptions: TestProject.CompilationOptions, parseOptions: TestProject.ParseOptions,
                metadataReferences: TestProject.References));
            var usings = workspace.AddDocument(project.Id, "Usings.cs", SourceText.From(TestProject.ImplicitUsings));
            return usings.Project.AddDocument("Test0.cs", SourceText.From(source), filePath: "/0/Test0.cs");
        }

        private static async Task<ImmutableArray<Diagnostic>> FixableAsync(Document document, TAnalyzer analyzer, TCodeFix fixer)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = await TestProject.AnalyzeAsync(compilation, analyzer);
            var tree = await document.GetSyntaxTreeAsync();
            return diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree == tree)
                .OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static async Task<List<CodeAction>> ActionsAsync(Document document, Diagnostic diagnostic, TCodeFix fixer)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            return actions;
        }

        private static async Task<Document> ApplyAsync(Document document, CodeAction action)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            return solution.GetDocument(document.Id)!;
        }

        private static async Task<Document> FixOneByOneAsync(Document document, TAnalyzer analyzer, TCodeFix fixer)
        {
            for (int i = 0; i < MaxIterations; i++)
            {
                CodeAction? action = null;
                foreach (var diagnostic in await FixableAsync(document, analyzer, fixer))
                {
                    action = (await ActionsAsync(document, diagnostic, fixer)).FirstOrDefault();
                    if (action != null)
                    {
                        break;
                    }
                }

                if (action is null)
                {
                    return document;
                }

                document = await ApplyAsync(document, action);
            }

            Assert.Fail($"The fix did not converge in {MaxIterations} iterations.");
            return document;
        }

        private static async Task<Document> FixAllAsync(Document document, TAnalyzer analyzer, TCodeFix fixer)
        {
            var provider = fixer.GetFixAllProvider();
            Assert.NotNull(provider);
            for (int i = 0; i < MaxIterations; i++)
            {
                var diagnostics = await FixableAsync(document, analyzer, fixer);
                CodeAction? first = null;
                foreach (var diagnostic in diagnostics)
                {
                    first = (await ActionsAsync(document, diagnostic, fixer)).FirstOrDefault();
                    if (first != null)
                    {
                        break;
                    }
                }

                if (first is null)
                {
                    return document;
                }

                var context = new FixAllContext(document, fixer, FixAllScope.Document, first.EquivalenceKey,
                    fixer.FixableDiagnosticIds, new Provider(diagnostics), CancellationToken.None);
                var action = await provider!.GetFixAsync(context);
                if (action is null)
                {
                    return document;
                }

                document = await ApplyAsync(document, action);
            }

            Assert.Fail($"Fix All did not converge in {MaxIterations} iterations.");
            return document;
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(ImmutableArray<Diagnostic>.Empty);
        }
    }
}
