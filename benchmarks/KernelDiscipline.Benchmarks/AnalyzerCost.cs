using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using KernelDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>One configuration's figures: median wall time, analyzer-attributed time, allocations.</summary>
internal sealed record Measurement(double MedianMs, double SpreadMs, double AnalyzerMs, double AllocatedMb);

/// <summary>
/// Measures analysis against compilation on the same syntax trees: a fresh compilation per iteration (so no
/// semantic cache carries over), non-concurrent analysis, warm-up iterations discarded, the median of the rest.
/// </summary>
internal sealed class AnalyzerCost
{
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["CA2000"] = ReportDiagnostic.Warn,
            ["CA1508"] = ReportDiagnostic.Warn,
        });

    public static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net80.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(KernelDiscipline.Runtime.Pmd).Assembly.Location))
        .ToArray();

    private readonly int warmup;
    private readonly int iterations;

    public AnalyzerCost(int warmup, int iterations)
    {
        this.warmup = warmup;
        this.iterations = iterations;
    }

    public static ImmutableArray<DiagnosticAnalyzer> Kd { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new KernelDisciplineAnalyzer());

    public static ImmutableArray<DiagnosticAnalyzer> Empty { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer());

    /// <summary>The .NET dataflow rules: CA2000 (dispose before losing scope) and CA1508 (dead conditional code).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> NetDataflow { get; } = LoadNetDataflow();

    public static SyntaxTree[] Parse(string source) => new[] { CSharpSyntaxTree.ParseText(source, ParseOptions) };

    /// <summary>
    /// The generated corpus must be correct kernel-style code: it compiles, and KD reports nothing on it (a finding
    /// there would be a false alarm, or a generator bug that makes the figures measure the wrong thing).
    /// </summary>
    public static void CheckClean(SyntaxTree[] trees)
    {
        var compilation = CSharpCompilation.Create("Check", trees, References, Options);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var findings = compilation.WithAnalyzers(Kd).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (errors.Length > 0 || findings.Length > 0)
        {
            throw new InvalidOperationException("The generated corpus is not clean:\n" + string.Join("\n", errors.Concat(findings).Take(10)));
        }
    }

    /// <summary>Compiler diagnostics only (binding and flow analysis: what a build does short of emitting).</summary>
    public Measurement CompileOnly(SyntaxTree[] trees) => Measure(trees, ImmutableArray<DiagnosticAnalyzer>.Empty);

    public Measurement Measure(SyntaxTree[] trees, ImmutableArray<DiagnosticAnalyzer> analyzers) => Compare(trees, analyzers)[0];

    /// <summary>
    /// Measures several configurations side by side: each iteration runs every configuration once, in an order
    /// that rotates from one iteration to the next, so drift (GC state, frequency, other load) hits all alike.
    /// An empty array means compiler diagnostics only.
    /// </summary>
    public Measurement[] Compare(SyntaxTree[] trees, params ImmutableArray<DiagnosticAnalyzer>[] configurations)
    {
        var samples = configurations.Select(_ => (Wall: new List<double>(), Analyzer: new List<double>(), Allocated: new List<double>())).ToArray();
        for (int i = 0; i < warmup + iterations; i++)
        {
            for (int k = 0; k < configurations.Length; k++)
            {
                int c = (k + i) % configurations.Length;
                var (wall, analyzer, allocated) = Once(trees, configurations[c], i);
                if (i >= warmup)
                {
                    samples[c].Wall.Add(wall);
                    samples[c].Analyzer.Add(analyzer);
                    samples[c].Allocated.Add(allocated);
                }
            }
        }

        return samples.Select(sample =>
        {
            double median = Median(sample.Wall);
            return new Measurement(median, Median(sample.Wall.Select(w => Math.Abs(w - median)).ToList()), Median(sample.Analyzer), Median(sample.Allocated));
        }).ToArray();
    }

    private static (double Wall, double Analyzer, double AllocatedMb) Once(SyntaxTree[] trees, ImmutableArray<DiagnosticAnalyzer> analyzers, int i)
    {
        {
            var compilation = CSharpCompilation.Create("Bench" + i, trees, References, Options);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            double attributed = 0;
            if (analyzers.IsEmpty)
            {
                compilation.GetDiagnostics();
            }
            else
            {
                var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
                    concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
                // Analyzer diagnostics drive the compilation (binding included); then the compiler's own
                // diagnostics on the same compilation. Telemetry is recorded on this path.
                withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                withAnalyzers.Compilation.GetDiagnostics();
                clock.Stop();
                foreach (var one in analyzers)
                {
                    attributed += withAnalyzers.GetAnalyzerTelemetryInfoAsync(one, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
                }
            }

            clock.Stop();
            long after = GC.GetTotalAllocatedBytes(precise: true);
            return (clock.Elapsed.TotalMilliseconds, attributed, (after - before) / 1048576.0);
        }
    }

    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadNetDataflow()
    {
        string folder = typeof(AnalyzerCost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NetAnalyzersPath").Value!;
        var wanted = new HashSet<string> { "CA2000", "CA1508" };
        var found = new List<DiagnosticAnalyzer>();
        foreach (var path in Directory.GetFiles(folder, "*.dll"))
        {
            var reference = new AnalyzerFileReference(path, AssemblyLoader.Instance);
            foreach (var analyzer in reference.GetAnalyzers(LanguageNames.CSharp))
            {
                if (analyzer.SupportedDiagnostics.Any(d => wanted.Contains(d.Id)))
                {
                    found.Add(analyzer);
                }
            }
        }

        if (found.Count == 0)
        {
            throw new InvalidOperationException($"CA2000/CA1508 not found under {folder}.");
        }

        return found.ToImmutableArray();
    }

    /// <summary>
    /// An analyzer with an operation action on invocations, doing nothing: the driver then builds the operation tree of
    /// every body, as it does in a user's build for the SDK's default CA rules that work on operations.
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> Operations { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new OperationAnalyzer());

    /// <summary>KD next to <see cref="Operations"/>: what KD adds where the operation trees are built anyway.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> OperationsAndKd { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new OperationAnalyzer(), new KernelDisciplineAnalyzer());

    /// <summary>An analyzer that registers nothing: the driver then skips semantic analysis altogether.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Nothing { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer(registers: false));

    /// <summary>
    /// The empty analyzer: KD's registrations (code block start, invocation syntax action) doing no work. Any
    /// semantic analyzer makes the driver pay this; KD's own cost is what it adds on top.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class EmptyAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Never = new("EMPTY001", "never", "never", "none", DiagnosticSeverity.Hidden, true);
        private readonly bool registers;

        public EmptyAnalyzer()
            : this(registers: true)
        {
        }

        public EmptyAnalyzer(bool registers) => this.registers = registers;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            if (registers)
            {
                context.RegisterCompilationStartAction(start => start.RegisterCodeBlockStartAction<Microsoft.CodeAnalysis.CSharp.SyntaxKind>(
                    block => block.RegisterSyntaxNodeAction(_ => { }, Microsoft.CodeAnalysis.CSharp.SyntaxKind.InvocationExpression)));
            }
        }
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class OperationAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Never = new("OPS001", "never", "never", "none", DiagnosticSeverity.Hidden, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(_ => { }, Microsoft.CodeAnalysis.OperationKind.Invocation);
        }
    }

    private sealed class AssemblyLoader : IAnalyzerAssemblyLoader
    {
        public static readonly AssemblyLoader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
