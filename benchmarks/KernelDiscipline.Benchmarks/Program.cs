using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KernelDiscipline.Analyzers.Engine;
using KernelDiscipline.Benchmarks;
using KernelDiscipline.Runtime;

// dotnet run -c Release --project benchmarks/KernelDiscipline.Benchmarks -- [analyzers|runtime|build|all] [--quick] [--methods N] [--out BENCHMARKS.md]
// Probes (probe-driver, probe-phases, probe-kd, probe-guarded, probe-size, probe-cold, probe-lockdep, probe-split, probe-long), each a
// quick look or a profiler's target, are described in benchmarks/README.md; the figures of record are the sections'.
// Every target is a ratio of figures measured side by side in this one run; misses are reported, never hidden.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const string PairResult = "pair-result"; // how a runtime-pairs child reports one pair to its parent
string part = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
bool quick = args.Contains("--quick");
int methods = Option("--methods", quick ? 200 : 2000);
string? output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
if (part == "runtime-pairs")
{
    // runtime-pairs: the lock pairs in this process's lockdep mode (KD_LOCKDEP), for the runtime section's child processes.
    RuntimePairs(quick);
    return 0;
}

var report = new Report();
report.Line($"# KernelDiscipline benchmarks\n");
report.Line($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.Line($"- machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
report.Line($"- command: `dotnet run -c Release --project benchmarks/KernelDiscipline.Benchmarks -- {string.Join(' ', args)}`");
report.Line($"- mode: {(quick ? "quick (smoke run: small corpus, few iterations; figures are indicative only)" : "full")}\n");

if (part == "probe-driver")
{
    DriverProbe.Run(new AnalyzerCost(2, 5), methods);
    return 0;
}

if (part == "probe-phases")
{
    // probe-phases: KD's time per phase (binding, operations, graph, engine) outside the driver, at 30 % density.
    var phases = PhaseProbe.Measure(methods, 0.3);
    Console.WriteLine($"{phases.Bodies} tracked bodies: binding {phases.BindingMs:F1} ms, GetOperation {phases.OperationsMs:F1} ms, ControlFlowGraph.Create {phases.GraphMs:F1} ms, engine {phases.EngineMs:F1} ms ({phases.EngineKbPerBody:F1} KB per body)");
    Console.WriteLine($"engine runs of one round: {EngineCounters.BodiesWithBoundHit} with a fact cut at a bound (the rest analysed), {EngineCounters.BodiesGivenUp} given up (nothing reported)");
    return 0;
}

if (part == "probe-kd")
{
    // probe-kd: KD alone through the analyzer driver at 30 % density, a few times (a profiler's view of the real path).
    var corpus = AnalyzerCost.Parse(CorpusGenerator.Corpus(methods, 0.3));
    var kdOnly = new AnalyzerCost(1, 5).Measure(corpus, AnalyzerCost.Kd);
    Console.WriteLine($"KD at 30%: {kdOnly.MedianMs:F0} ms, analyzer {kdOnly.AnalyzerMs:F0} ms");
    return 0;
}

if (part == "probe-guarded")
{
    // probe-guarded: the guarded corpus at 30 % checked clean (the findings printed if not), then KD alone through the driver.
    var corpus = AnalyzerCost.Parse(CorpusGenerator.GuardedCorpus(methods, 0.3));
    AnalyzerCost.CheckClean(corpus);
    var kdOnly = new AnalyzerCost(1, 5).Measure(corpus, AnalyzerCost.Kd);
    Console.WriteLine($"KD at 30% guarded: {kdOnly.MedianMs:F0} ms, analyzer {kdOnly.AnalyzerMs:F0} ms, {1000 * kdOnly.AnalyzerMs / Math.Max(1, CorpusGenerator.GuardedCount(methods, 0.3)):F0} µs per guarded method");
    return 0;
}

if (part == "probe-size")
{
    // probe-size SIZE...: KD's analyzer time per method for methods of SIZE statements (16,384 statements in all), as
    // the scaling table measures it; for a profiler's view of what grows faster than the method.
    var cost = new AnalyzerCost(1, 3);
    foreach (var size in args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0))
    {
        int count = Math.Max(1, 16384 / size);
        var kd = cost.Measure(AnalyzerCost.Parse(CorpusGenerator.LongMethods(size, count)), AnalyzerCost.Kd);
        Console.WriteLine($"{size} statements x {count}: KD {kd.AnalyzerMs / count:F3} ms per method");
    }

    return 0;
}

if (part == "probe-cold")
{
    // probe-cold: KD's first use in a fresh process, as a compiler without its server pays it on every build.
    ColdStartProbe.Run();
    return 0;
}

if (part == "probe-lockdep")
{
    // probe-lockdep: a quick look (Stopwatch, no BenchmarkDotNet) at lockdep's price per pair, on and off.
    RuntimeProbe.Run();
    return 0;
}

if (part == "probe-split")
{
    // probe-split: split PTLs, one thread on one PMD against two threads on two PMDs, and the machine's ceiling.
    var (one, two) = SplitPtlScaling.Measure(TimeSpan.FromSeconds(1));
    Console.WriteLine($"one thread {one / 1e6:F2} M/s, two threads {two / 1e6:F2} M/s: {two / one:F2}× (ceiling {SplitPtlScaling.IndependentWorkScaling(TimeSpan.FromSeconds(2)):F2}×)");
    return 0;
}

if (part == "probe-long")
{
    // probe-long [ugly|goto] [phases] LINES...: one long method per size, KD vs compile, time and peak managed memory;
    // with "phases", KD's time split as probe-phases splits it (binding, Roslyn's operations and graph, the engine).
    var shape = args.Contains("goto") ? (Func<int, string>)CorpusGenerator.GotoLongMethod : CorpusGenerator.UglyLongMethod;
    foreach (var lines in args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0))
    {
        if (args.Contains("phases"))
        {
            var split = PhaseProbe.Measure(shape(lines), rounds: 3);
            Console.WriteLine($"{lines} lines asked: binding {split.BindingMs:F0} ms, GetOperation {split.OperationsMs:F0} ms, ControlFlowGraph.Create {split.GraphMs:F0} ms, engine {split.EngineMs:F0} ms");
            continue;
        }

        var sample = LongMethodCost.Measure(shape, lines, iterations: 1);
        Console.WriteLine($"{sample.Lines} lines: compile {sample.CompileMs:F0} ms / {sample.CompilePeakMb:F0} MB; +KD {sample.KdMs:F0} ms (analyzer {sample.KdAnalyzerMs:F0} ms) / {sample.KdPeakMb:F0} MB; {sample.Diagnostics} diagnostics; Roslyn's operations + graph alone {LongMethodCost.GraphOnlyMs(shape, lines):F0} ms");
    }

    return 0;
}

if (part is "analyzers" or "all")
{
    AnalyzerSection(report, methods, quick);
}

if (part is "runtime" or "all")
{
    RuntimeSection(report, quick);
}

if (part is "build" or "all")
{
    BuildCost.Run(report, quick);
}

report.Line("\n## Targets\n");
report.Line("| target | measured | met |\n|---|---|---|");
foreach (var target in report.Targets)
{
    report.Line($"| {target.Name} | {target.Measured} | {(target.Met ? "yes" : "**no**")} |");
}

if (output != null)
{
    File.WriteAllText(output, report.Text);
    Console.WriteLine($"\nwritten to {output}");
}

return 0;

static string PerTracked(double analyzerMs, int tracked) => tracked == 0 ? "–" : (1000 * analyzerMs / tracked).ToString("F0");

int Option(string name, int fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out int value) ? value : fallback;
}

static void AnalyzerSection(Report report, int methods, bool quick)
{
    var cost = new AnalyzerCost(warmup: quick ? 1 : 2, iterations: quick ? 3 : 7);
    report.Line($"## Analyzer cost ({methods} generated methods, fresh compilation per iteration, non-concurrent, configurations interleaved, median)\n");
    report.Line("Columns: compiler diagnostics alone; with an analyzer that registers nothing (the driver then skips semantic");
    report.Line("analysis); with the empty analyzer (KD's registrations, no work: what any semantic analyzer costs the driver);");
    report.Line("with KD; with CA2000+CA1508. Analyzer ms is the analyzer's own time from AnalyzerTelemetryInfo.\n");
    report.Line("| tracked density | compile ms | + registers nothing ms | + empty analyzer ms | + KD ms | + CA2000/CA1508 ms | KD analyzer ms | CA analyzer ms | KD alloc MB (empty MB) | CFGs ÷ bodies with tracked calls | KD µs per tracked method |");
    report.Line("|---|---|---|---|---|---|---|---|---|---|---|");
    // Warm the whole pipeline (JIT, loaded analyzers) once, so the first configuration measured is not penalised.
    var warmTrees = AnalyzerCost.Parse(CorpusGenerator.Corpus(Math.Max(20, methods / 10), 0.3, seed: 99));
    foreach (var analyzers in new[] { AnalyzerCost.Nothing, AnalyzerCost.Empty, AnalyzerCost.Kd, AnalyzerCost.NetDataflow })
    {
        cost.Measure(warmTrees, analyzers);
    }

    AnalyzerCost.CheckClean(AnalyzerCost.Parse(CorpusGenerator.Corpus(Math.Max(CorpusGenerator.TrackedShapes * 4, methods / 10), 1.0)));
    var rows = new Dictionary<double, (Measurement Compile, Measurement Empty, Measurement Kd, Measurement Ca, double Graphs)>();
    long boundHit = 0, givenUp = 0;
    foreach (double density in new[] { 0.0, 0.3, 1.0 })
    {
        var trees = AnalyzerCost.Parse(CorpusGenerator.Corpus(methods, density));
        EngineCounters.Reset();
        var side = cost.Compare(trees, ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>.Empty,
            AnalyzerCost.Nothing, AnalyzerCost.Empty, AnalyzerCost.Kd, AnalyzerCost.NetDataflow);
        var (compile, nothing, empty, kd, ca) = (side[0], side[1], side[2], side[3], side[4]);
        double graphs = EngineCounters.BodiesAnalysed == 0 ? 0 : (double)EngineCounters.GraphsBuilt / EngineCounters.BodiesAnalysed;
        boundHit += EngineCounters.BodiesWithBoundHit;
        givenUp += EngineCounters.BodiesGivenUp;
        rows[density] = (compile, empty, kd, ca, graphs);
        report.Line($"| {density:P0} | {compile.MedianMs:F0} ±{compile.SpreadMs:F0} | {nothing.MedianMs:F0} ±{nothing.SpreadMs:F0} | {empty.MedianMs:F0} ±{empty.SpreadMs:F0} | {kd.MedianMs:F0} ±{kd.SpreadMs:F0} | {ca.MedianMs:F0} ±{ca.SpreadMs:F0} | {kd.AnalyzerMs:F1} | {ca.AnalyzerMs:F1} | {kd.AllocatedMb:F1} ({empty.AllocatedMb:F1}) | {(EngineCounters.BodiesAnalysed == 0 ? "none built" : graphs.ToString("F2"))} | {PerTracked(kd.AnalyzerMs, CorpusGenerator.TrackedCount(methods, density))} |");
    }

    // No analysis is dropped without a trace: a bound that cuts one fact, and a body the engine gives up on, are counted.
    report.Line($"\nEngine runs (all iterations, all densities) with a fact cut at a bound, the rest of the body analysed: {boundHit}.\n");
    report.Target("Engine runs given up (nothing reported for the body), all densities", givenUp.ToString(CultureInfo.InvariantCulture), givenUp == 0);
    var at30 = rows[0.3];
    double added = 100 * (at30.Kd.MedianMs - at30.Empty.MedianMs) / at30.Compile.MedianMs;
    // Binding the tracked bodies alone is about a third of the compile, a floor no semantic analyzer goes under: the
    // targets are on what KD adds over the empty analyzer and over an analyzer that builds the operations anyway.
    report.Target("KD added time at 30% density, % of compile (KD run − empty-analyzer run)", $"{added:F1}%", added <= 5);

    // Where operation trees are built anyway (a user's build runs the SDK's default CA rules, many of which work on
    // operations), the binding and GetOperation KD's own time includes are shared: what KD adds there.
    var trees30 = AnalyzerCost.Parse(CorpusGenerator.Corpus(methods, 0.3));
    var shared = cost.Compare(trees30, ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>.Empty, AnalyzerCost.Operations, AnalyzerCost.OperationsAndKd);
    double sharedAdded = 100 * (shared[2].MedianMs - shared[1].MedianMs) / shared[0].MedianMs;
    report.Line($"\nNext to an analyzer that makes the driver build every body's operations (as the SDK's default CA rules do in a build), " +
        $"at 30%: compile {shared[0].MedianMs:F0} ±{shared[0].SpreadMs:F0} ms, that analyzer {shared[1].MedianMs:F0} ±{shared[1].SpreadMs:F0} ms, " +
        $"with KD {shared[2].MedianMs:F0} ±{shared[2].SpreadMs:F0} ms.\n");
    report.Target("KD added time at 30% next to an analyzer that builds every body's operations, % of compile", $"{sharedAdded:F1}%", sharedAdded <= 1);
    var at0 = rows[0.0];
    double zeroDelta = at0.Kd.MedianMs - at0.Empty.MedianMs;
    double noise = Math.Max(at0.Kd.SpreadMs + at0.Empty.SpreadMs, 0.01 * at0.Empty.MedianMs);
    double ownShare = 100 * at30.Kd.AnalyzerMs / at30.Compile.MedianMs;
    report.Line($"- KD analyzer time at 30% density, % of compile (KD's own time, binding included): {ownShare:F1}% (information)");
    report.Target("0% density: KD run vs empty-analyzer run", $"{zeroDelta:F0} ms (noise ±{noise:F0} ms)", Math.Abs(zeroDelta) <= noise);
    double dataflowRatio = at30.Ca.AnalyzerMs / Math.Max(at30.Kd.AnalyzerMs, 0.001);
    report.Target("CA2000+CA1508 analyzer time ÷ KD analyzer time (30%)", $"{dataflowRatio:F1}×", dataflowRatio >= 6);
    report.Target("CFGs built ÷ methods with tracked calls (100%)", $"{rows[1.0].Graphs:F2}", rows[1.0].Graphs <= 1.0 + (1.0 / CorpusGenerator.TrackedShapes) + 0.001);
    double allocAdded = 100 * (at30.Kd.AllocatedMb - at30.Empty.AllocatedMb) / at30.Compile.AllocatedMb;
    report.Line($"\nAllocations added by KD at 30% (over the empty analyzer): {allocAdded:F1}% of the compile's. One tracked shape in {CorpusGenerator.TrackedShapes} (the lambda) has its graph built from its method's graph, so 100% density builds {CorpusGenerator.TrackedShapes + 1} graphs for {CorpusGenerator.TrackedShapes} methods. The tracked shapes include the KD3xx ones (a shmem fill with its unwind ladder, a lockless snapshot re-validated under the lock).\n");

    // Where KD's time goes, outside the driver: what only KD pays (its engine) against what Roslyn builds for it.
    var phases = PhaseProbe.Measure(methods, 0.3, rounds: quick ? 2 : 7);
    report.Line($"KD's time by phase at 30% ({phases.Bodies} bodies with tracked calls), measured outside the driver with a stopwatch per phase (median of rounds):\n");
    report.Line("| binding the bodies with tracked names ms | GetOperation ms | ControlFlowGraph.Create ms | KD's engine and rules ms | engine KB per body |\n|---|---|---|---|---|");
    report.Line($"| {phases.BindingMs:F0} | {phases.OperationsMs:F0} | {phases.GraphMs:F0} | {phases.EngineMs:F0} | {phases.EngineKbPerBody:F1} |\n");
    int trackedAt30 = CorpusGenerator.TrackedCount(methods, 0.3);
    double kbPerTracked = (at30.Kd.AllocatedMb - at30.Empty.AllocatedMb) * 1024 / Math.Max(1, trackedAt30);
    // The figure before the engine's copy-on-write state (BENCHMARKS.md of 2026-11-23 15:20): 66.6 MB over the empty analyzer for the same corpus's 585 tracked methods.
    const double KbPerTrackedBefore = 66.6 * 1024 / 585;
    report.Target("KD allocation per tracked method at 30% (over the empty analyzer), ≤ half of the 117 KB measured before", $"{kbPerTracked:F0} KB", kbPerTracked <= KbPerTrackedBefore / 2);

    GuardedCost.Run(report, cost, methods);

    // Scaling with method size: the same total statements split into methods of doubling size.
    report.Line("### Scaling with method size (16384 statements in all, KD analyzer time per method)\n");
    report.Line("| statements per method | methods | KD ms per method |\n|---|---|---|");
    var sizes = new List<(double X, double Y)>();
    for (int size = 16; size <= 4096; size *= 2)
    {
        int count = Math.Max(1, 16384 / size / (quick ? 8 : 1));
        var kd = cost.Measure(AnalyzerCost.Parse(CorpusGenerator.LongMethods(size, count)), AnalyzerCost.Kd);
        double perMethod = kd.AnalyzerMs / count;
        sizes.Add((size, perMethod));
        report.Line($"| {size} | {count} | {perMethod:F3} |");
    }

    double exponent = Slope(sizes);
    report.Target("scaling exponent of KD time per method as method size doubles (16…4096)", $"{exponent:F2}", exponent <= 1.15);

    report.Line("\n### Nested if/else diamonds (a map held across all of them)\n");
    report.Line("| depth | KD ms per method |\n|---|---|");
    var depths = new List<(double X, double Y)>();
    for (int depth = 4; depth <= 64; depth *= 2)
    {
        int count = Math.Max(1, 512 / depth / (quick ? 8 : 1));
        var kd = cost.Measure(AnalyzerCost.Parse(CorpusGenerator.NestedDiamonds(depth, count)), AnalyzerCost.Kd);
        depths.Add((depth, kd.AnalyzerMs / count));
        report.Line($"| {depth} | {kd.AnalyzerMs / count:F3} |");
    }

    double depthExponent = Slope(depths);
    report.Target("KD time vs nested diamond depth: exponent (1 = linear)", $"{depthExponent:F2}", depthExponent <= 1.15);
    LongMethodSection(report, quick);
    report.Line("\nAll KD rules are clients of one engine pass per body, so the analyzer's AnalyzerTelemetryInfo time above is the time of all rules together.\n");
}

static void LongMethodSection(Report report, bool quick)
{
    // One method per size: the field's shapes (issue 9) — blocks of every kind the engine follows, and goto-heavy code.
    report.Line("\n### One long method: time and peak managed memory by size (KD vs the compiler on the same text)\n");
    report.Line("| shape | lines | compile ms | + KD ms | KD analyzer ms | compile peak MB | + KD peak MB | KD diagnostics |\n|---|---|---|---|---|---|---|---|");
    foreach (var (name, shape) in new (string, Func<int, string>)[] { ("blocks of every kind", CorpusGenerator.UglyLongMethod), ("labels and gotos", CorpusGenerator.GotoLongMethod) })
    {
        LongMethodCost.Measure(shape, 250, iterations: 1); // warm-up
        var time = new List<(double X, double Y)>();
        var memory = new List<(double X, double Y)>();
        var compile = new List<(double X, double Y)>();
        for (int lines = 250; lines <= (quick ? 2000 : 8000); lines *= 2)
        {
            var sample = LongMethodCost.Measure(shape, lines, iterations: quick ? 1 : 3);
            time.Add((sample.Lines, sample.KdAnalyzerMs));
            compile.Add((sample.Lines, sample.CompileMs));
            memory.Add((sample.Lines, Math.Max(sample.KdPeakMb, 0.5)));
            report.Line($"| {name} | {sample.Lines} | {sample.CompileMs:F0} | {sample.KdMs:F0} | {sample.KdAnalyzerMs:F0} | {sample.CompilePeakMb:F0} | {sample.KdPeakMb:F0} | {sample.Diagnostics} |");
        }

        double timeExponent = Slope(time), memoryExponent = Slope(memory);
        // KD binds the body through the semantic model as the compiler does: what is not linear in the compiler's
        // own work on the text is in KD's too (information, beside the target).
        report.Line($"- one long method ({name}): exponent of the compile's own time on the same text: {Slope(compile):F2} (information)");
        report.Target($"one long method ({name}), 250…8000 lines: exponent of KD analyzer time (1 = linear)", $"{timeExponent:F2}", timeExponent <= 1.2);
        report.Target($"one long method ({name}), 250…8000 lines: exponent of peak memory with KD (1 = linear)", $"{memoryExponent:F2}", memoryExponent <= 1.2);
    }

    report.Line("\nBefore the fix (the field's report, issue 9): 1,000 lines 6.9 s / 1.35 GiB, 2,000 lines 25 s / 4 GiB, 5,000 lines OutOfMemoryException.");
}

static void RuntimeSection(Report report, bool quick)
{
    var mean = new Dictionary<(string, bool), double>();
    var allocated = new Dictionary<(string, bool), long>();
    foreach (bool lockdep in new[] { false, true })
    {
        // One process per mode, with lockdep decided at startup as a program decides it (see LockPairs.LockdepOn).
        string mode = lockdep ? "1" : "0";
        var arguments = new List<string> { typeof(Report).Assembly.Location, "runtime-pairs" };
        if (quick)
        {
            arguments.Add("--quick");
        }

        var (exitCode, output) = BuildCost.Dotnet(Environment.CurrentDirectory, new Dictionary<string, string?> { ["KD_LOCKDEP"] = mode }, arguments.ToArray());
        Console.WriteLine(output);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"runtime-pairs with KD_LOCKDEP={mode} exited with {exitCode}.");
        }

        foreach (var fields in output.Split('\n').Select(line => line.TrimEnd('\r').Split(' ')))
        {
            if (fields.Length == 4 && fields[0] == PairResult)
            {
                mean[(fields[1], lockdep)] = double.Parse(fields[2], CultureInfo.InvariantCulture);
                allocated[(fields[1], lockdep)] = long.Parse(fields[3], CultureInfo.InvariantCulture);
            }
        }
    }

    report.Line("## Runtime cost (BenchmarkDotNet, in-process, one process per lockdep mode, ns per acquire+release pair)\n");
    report.Line("| pair | lockdep off | lockdep on | bytes allocated per pair (off / on) |\n|---|---|---|---|");
    foreach (var name in new[] { "CompareAndSwapPair", "SystemThreadingLockPair", "MonitorPair", "TicketLockPair", "MapLockUnlock" })
    {
        report.Line($"| {name} | {Get(name, false):F1} | {Get(name, true):F1} | {Bytes(name, false)} / {Bytes(name, true)} |");
    }

    double mapVsLock = Get("MapLockUnlock", false) / Get("SystemThreadingLockPair", false);
    report.Target("MapLock+Unlock ÷ System.Threading.Lock pair", $"{mapVsLock:F2}×", mapVsLock <= 1.0);
    long mapBytes = allocated.TryGetValue(("MapLockUnlock", false), out long bytes) ? bytes : -1;
    report.Target("bytes allocated per MapLock+Unlock, steady state (memory diagnoser)", mapBytes < 0 ? "not measured" : $"{mapBytes} B", mapBytes == 0);
    double lockdepTicket = Get("TicketLockPair", true) / Get("TicketLockPair", false);
    double lockdepMap = Get("MapLockUnlock", true) / Get("MapLockUnlock", false);
    report.Target("lockdep on ÷ off, TicketLock pair (warm)", $"{lockdepTicket:F2}×", lockdepTicket <= 2);
    report.Target("lockdep on ÷ off, MapLock+Unlock (warm)", $"{lockdepMap:F2}×", lockdepMap <= 2);

    Lockdep.Disable(); // split PTLs scale in the production mode, whatever KD_LOCKDEP this run was started with
    var (one, two) = SplitPtlScaling.Measure(TimeSpan.FromSeconds(quick ? 0.25 : 1));
    report.Line($"\nSplit PTLs: one thread {one / 1e6:F2} M MapLock+Unlock/s on one PMD; two threads on two PMDs {two / 1e6:F2} M/s.\n");
    report.Target("two threads on different PMDs ÷ one thread (throughput)", $"{two / one:F2}×", two / one >= 1.9);
    double ceiling = SplitPtlScaling.IndependentWorkScaling(TimeSpan.FromSeconds(quick ? 0.5 : 2));
    report.Line($"\nFor scale: two threads of independent arithmetic run {ceiling:F2}× one thread on this machine, the most any two-thread figure can show here.\n");

    double Get(string name, bool lockdep) => mean.TryGetValue((name, lockdep), out double value) ? value : double.NaN;
    string Bytes(string name, bool lockdep) => allocated.TryGetValue((name, lockdep), out long value) && value >= 0 ? value.ToString() : "–";
}

// The child's side of RuntimeSection: BenchmarkDotNet in this process, one line per pair for the parent to read.
static void RuntimePairs(bool quick)
{
    var job = (quick ? Job.ShortRun : Job.Default.WithWarmupCount(3).WithIterationCount(12))
        .WithToolchain(InProcessEmitToolchain.Instance);
    var summary = BenchmarkRunner.Run<LockPairs>(ManualConfig.CreateMinimumViable().AddJob(job).AddDiagnoser(MemoryDiagnoser.Default));
    foreach (var result in summary.Reports.Where(r => r.ResultStatistics != null))
    {
        long bytes = result.GcStats.GetBytesAllocatedPerOperation(result.BenchmarkCase) ?? -1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{PairResult} {result.BenchmarkCase.Descriptor.WorkloadMethod.Name} {result.ResultStatistics!.Mean} {bytes}"));
    }
}

/// <summary>Least-squares slope of log2(y) over log2(x): the exponent of y ~ x^k.</summary>
static double Slope(List<(double X, double Y)> points)
{
    var logs = points.Where(p => p.Y > 0).Select(p => (X: Math.Log2(p.X), Y: Math.Log2(p.Y))).ToList();
    double mx = logs.Average(p => p.X), my = logs.Average(p => p.Y);
    return logs.Sum(p => (p.X - mx) * (p.Y - my)) / logs.Sum(p => (p.X - mx) * (p.X - mx));
}

internal sealed class Report
{
    private readonly StringBuilder text = new();

    public List<(string Name, string Measured, bool Met)> Targets { get; } = new();

    public string Text => text.ToString();

    public void Line(string line)
    {
        text.AppendLine(line);
        Console.WriteLine(line);
    }

    public void Target(string name, string measured, bool met)
    {
        Targets.Add((name, measured, met));
        Line($"- {name}: {measured} (target {(met ? "met" : "MISSED")})");
    }
}
