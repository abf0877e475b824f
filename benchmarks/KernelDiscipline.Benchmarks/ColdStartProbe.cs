using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// KD's first use in a fresh process: a compiler run without the build server (a CI agent, UseSharedCompilation=false)
/// loads and JIT-compiles the analyzer on every build. Times the compilation-start work phase by phase, then a whole
/// KD run on a one-line project, cold and again. Roslyn's assemblies here are the NuGet package's, IL only: their
/// first use is JIT-compiled too (of the methods compiled during TryCreate, 11 of 176 are KD's), where the SDK's csc
/// runs Roslyn precompiled (ReadyToRun). The cold figures are an upper bound (benchmarks/README.md has the real csc's).
/// </summary>
internal static class ColdStartProbe
{
    public static void Run()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { void M() { } }", AnalyzerCost.ParseOptions);
        CSharpCompilation Compile() => CSharpCompilation.Create("cold", new[] { tree }, AnalyzerCost.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var compilation = Compile();
        compilation.GetDiagnostics(); // the compiler's own cold start is not KD's

        var clock = Stopwatch.StartNew();
        var known = KnownSymbols.TryCreate(compilation)!;
        double create = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var names = known.TrackedMethodNames(compilation, default);
        double scan = clock.Elapsed.TotalMilliseconds;
        // The same work on a new compilation with KD's code already compiled. A compilation that shares the references
        // shares their symbols, attributes already decoded (an IDE's next keystroke); one with a new reference to the
        // Runtime decodes the Runtime's metadata again (a compiler process's first build of the project, less the JIT).
        var (createAgain, scanAgain) = Time(Compile());
        string runtimePath = typeof(KernelDiscipline.Runtime.Pmd).Assembly.Location;
        var (createFresh, scanFresh) = Time(CSharpCompilation.Create("fresh", new[] { tree },
            AnalyzerCost.References.Where(r => r is not PortableExecutableReference { FilePath: var path } || path != runtimePath)
                .Append(MetadataReference.CreateFromFile(runtimePath)), compilation.Options));
        Console.WriteLine($"KnownSymbols.TryCreate {create:F1} ms, on a new compilation {createAgain:F1} ms, with a new Runtime reference {createFresh:F1} ms");
        Console.WriteLine($"TrackedMethodNames {scan:F1} ms ({names.Count} names), on a new compilation {scanAgain:F1} ms, with a new Runtime reference {scanFresh:F1} ms");

        (double Create, double Scan) Time(CSharpCompilation again)
        {
            again.GetDiagnostics();
            clock.Restart();
            var knownAgain = KnownSymbols.TryCreate(again)!;
            double created = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            knownAgain.TrackedMethodNames(again, default);
            return (created, clock.Elapsed.TotalMilliseconds);
        }

        foreach (string run in new[] { "first KD run", "second KD run (new compilation)" })
        {
            var fresh = Compile();
            var withKd = fresh.WithAnalyzers(AnalyzerCost.Kd, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
            clock.Restart();
            withKd.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            double wall = clock.Elapsed.TotalMilliseconds;
            var own = withKd.GetAnalyzerTelemetryInfoAsync(AnalyzerCost.Kd[0], default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
            Console.WriteLine($"{run}: {wall:F1} ms wall, KD's own time {own:F1} ms");
        }
    }
}
