using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KernelDiscipline.Analyzers;
using KernelDiscipline.CodeFixes;
using KernelDiscipline.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace KernelDiscipline.OldestHost.Tests
{
    /// <summary>The analyzers report and the fixes apply (one at a time and Fix All) in a Roslyn 4.8 host.</summary>
    public class OldestHostTests
    {
        private const string Source = @"using KernelDiscipline.Runtime;
public static class Copier
{
    public static int Peek(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        pte.Unlock();
        return 0;
    }

    public static int PeekTwice(Pmd pmd, ulong addr)
    {
        var pte = pmd.MapLock(addr);
        pte.Unlock();
        var again = pmd.MapLock(addr);
        again.Unlock();
        return 0;
    }
}
";

        [Fact]
        public void ThisHostIsRoslyn48()
        {
            Assert.Equal(new Version(4, 8, 0, 0), typeof(Compilation).Assembly.GetName().Version);
            Assert.Equal(new Version(4, 8, 0, 0), typeof(Workspace).Assembly.GetName().Version);
        }

        [Fact]
        public async Task AnalyzerReportsInThisHost()
        {
            var diagnostics = await AnalyzeAsync(CreateDocument(Source).Project);
            Assert.Equal(new[] { "KD101", "KD101", "KD101" }, diagnostics.Select(d => d.Id).ToArray());
        }

        [Fact]
        public async Task FixAppliesOneAtATimeInThisHost()
        {
            var document = CreateDocument(Source);
            var fix = new AddNullCheckCodeFix();
            for (int round = 0; round < 5; round++)
            {
                var diagnostic = (await AnalyzeAsync(document.Project)).FirstOrDefault();
                if (diagnostic is null)
                {
                    break;
                }

                CodeAction? action = null;
                await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => action ??= a, CancellationToken.None));
                Assert.NotNull(action);
                document = Applied(await action!.GetOperationsAsync(CancellationToken.None)).GetDocument(document.Id)!;
            }

            Assert.Empty(await AnalyzeAsync(document.Project));
            Assert.Contains("if (pte is null)", (await document.GetTextAsync()).ToString(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)] // dotnet format asks without an equivalence key when the first diagnostic has no fix
        public async Task FixAllAppliesInThisHost(bool withKey)
        {
            var document = CreateDocument(Source);
            var fix = new AddNullCheckCodeFix();
            var diagnostics = await AnalyzeAsync(document.Project);
            var context = new FixAllContext(document, fix, FixAllScope.Document, withKey ? fix.EquivalenceKey : null!,
                fix.FixableDiagnosticIds, new Provider(diagnostics), CancellationToken.None);
            var action = await fix.GetFixAllProvider()!.GetFixAsync(context);
            Assert.NotNull(action);
            var fixedDocument = Applied(await action!.GetOperationsAsync(CancellationToken.None)).GetDocument(document.Id)!;
            Assert.Empty(await AnalyzeAsync(fixedDocument.Project));
            var compilation = (await fixedDocument.Project.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        private static Solution Applied(ImmutableArray<CodeActionOperation> operations) =>
            operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;

        private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project)
        {
            var compilation = (await project.GetCompilationAsync())!;
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            var exceptions = new System.Collections.Generic.List<Exception>();
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDisciplineAnalyzer());
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Empty(exceptions);
            return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static Document CreateDocument(string source)
        {
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
                .Select(path => MetadataReference.CreateFromFile(path))
                .Append(MetadataReference.CreateFromFile(typeof(Pmd).Assembly.Location));
            var workspace = new AdhocWorkspace();
            var project = workspace.CurrentSolution
                .AddProject("Consumer", "Consumer", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.CSharp12))
                .AddMetadataReferences(references);
            return project.AddDocument("Copier.cs", SourceText.From(source));
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

            public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(diagnostics);

            public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(diagnostics);

            public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult(Enumerable.Empty<Diagnostic>());
        }
    }
}
