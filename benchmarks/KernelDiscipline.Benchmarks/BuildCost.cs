using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using KernelDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// What the package costs a user: <c>dotnet build</c> of a generated consumer project with the packed package,
/// against the same project with the package's analyzers excluded (the SDK's default analyzers run in both); and
/// what one keystroke costs in the IDE (analysing one edited 300-line file).
/// </summary>
internal static class BuildCost
{
    /// <summary>
    /// How the compiler runs: as a developer's machine has it (the compiler server and MSBuild node reuse on, the SDK's
    /// defaults) or as many CI agents have it (UseSharedCompilation=false: a fresh compiler process per project, which
    /// loads and JIT-compiles every analyzer each build). The benchmark sets this itself instead of inheriting the
    /// machine's environment: this machine's environment turns the server off.
    /// </summary>
    private enum CompilerMode
    {
        Server,
        FreshProcess,
    }

    private static readonly string[] ServerSwitches = { "UseSharedCompilation", "MSBUILDDISABLENODEREUSE", "DOTNET_CLI_USE_MSBUILD_SERVER" };

    /// <summary>
    /// The consumer projects, measured in the same rounds and pairs: the tracked corpus at three densities, and the
    /// guarded-data corpus (issue 26) at 30 %.
    /// </summary>
    private static readonly Corpus[] Corpora =
    {
        new("0% tracked", "d0", 0.0, Guarded: false),
        new("10% tracked", "d10", 0.1, Guarded: false),
        new("30% tracked", "d30", 0.3, Guarded: false),
        new("30% guarded", "g30", 0.3, Guarded: true),
    };

    private sealed record Corpus(string Label, string Folder, double Density, bool Guarded);

    public static void Run(Report report, bool quick)
    {
        int files = quick ? 2 : 6;
        int methodsPerFile = quick ? 100 : 500;
        int runs = quick ? 3 : 9;
        string root = Path.Combine(Path.GetTempPath(), "kd-build-" + Guid.NewGuid().ToString("N"));
        try
        {
            string feed = Path.Combine(root, "feed");
            string version = "0.1.0-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Expect(Dotnet(RepositoryRoot(), new Dictionary<string, string?>(), "pack", Path.Combine("Package", "KernelDiscipline.Package.csproj"), "-c", "Release", "-o", feed, "-p:PackageVersion=" + version), "pack");

            report.Line($"\n## What a build costs a user ({files} files × {methodsPerFile} methods, `dotnet build --no-restore --no-incremental`, configurations alternating, corpora in rounds, 2 warm-up rounds, {runs} pairs)\n");
            report.Line("Without KD: the same project with the package's analyzers excluded (`ExcludeAssets=\"analyzers\"`); the SDK's default analyzers run in both. " +
                "Added: the median of the differences between the two builds of each pair (each pair runs back to back, so a slow spell of the machine falls on both), " +
                "± the median distance of a pair's difference from that median. The compile step is the Csc task's own time from MSBuild's performance summary " +
                "(the compile with its analyzers, without the rest of the build), paired the same way: information beside the targets, which are on wall time.\n");
            var projects = new Dictionary<Corpus, (string With, string Without)>();
            foreach (var corpus in Corpora)
            {
                var sources = Sources(corpus, files, methodsPerFile);
                // What is built must be clean: a false positive would fail here rather than add its reporting to the figures.
                AnalyzerCost.CheckClean(sources.SelectMany(AnalyzerCost.Parse).ToArray());
                projects[corpus] = (Consumer(root, corpus, sources, feed, version, analyzers: true), Consumer(root, corpus, sources, feed, version, analyzers: false));
                foreach (var project in new[] { projects[corpus].With, projects[corpus].Without })
                {
                    Expect(Dotnet(project, ChildEnvironment(root, CompilerMode.FreshProcess), "restore"), "restore");
                }
            }

            foreach (var mode in new[] { CompilerMode.Server, CompilerMode.FreshProcess })
            {
                var environment = ChildEnvironment(root, mode);
                string label = mode == CompilerMode.Server ? "compiler server on (a developer's machine)" : "a fresh compiler per build (UseSharedCompilation=false, as on many CI agents)";
                report.Line($"\n### {label}\n");
                report.Line("| corpus | build without KD ms | build with KD ms | added (paired) | compile step (Csc task) added (paired) |\n|---|---|---|---|---|");
                var targets = new List<Action>(); // printed under the table, not between its rows
                var samples = Corpora.ToDictionary(c => c, _ => (With: new List<double>(), Without: new List<double>(), Added: new List<double>(), CompileAdded: new List<double>()));
                // Rounds over every corpus, so that a trend (a compiler server's JIT tiering KD's code up over its
                // first builds) falls on all corpora alike: measured one corpus after another, the first carried it.
                for (int i = 0; i < 2 + runs; i++)
                {
                    foreach (var corpus in Corpora)
                    {
                        var (with, without) = projects[corpus];
                        double withTime = 0, withoutTime = 0, withCompile = 0, withoutCompile = 0;
                        for (int k = 0; k < 2; k++)
                        {
                            bool withKd = (k + i) % 2 == 0; // alternate which goes first
                            var clock = Stopwatch.StartNew();
                            var build = Dotnet(withKd ? with : without, environment, "build", "--no-restore", "--no-incremental", "-c", "Release", "-nologo", "-v", "q", "-clp:PerformanceSummary");
                            double elapsed = clock.Elapsed.TotalMilliseconds;
                            Expect(build, "build");
                            if (withKd)
                            {
                                (withTime, withCompile) = (elapsed, CscTaskMs(build.Output));
                            }
                            else
                            {
                                (withoutTime, withoutCompile) = (elapsed, CscTaskMs(build.Output));
                            }
                        }

                        if (i >= 2)
                        {
                            var sample = samples[corpus];
                            sample.With.Add(withTime);
                            sample.Without.Add(withoutTime);
                            sample.Added.Add(withTime - withoutTime);
                            sample.CompileAdded.Add(withCompile - withoutCompile);
                        }
                    }
                }

                foreach (var corpus in Corpora)
                {
                    var (withMs, withoutMs, added, compileAdded) = samples[corpus];
                    double baseline = AnalyzerCost.Median(withoutMs), addedMs = AnalyzerCost.Median(added), noise = Spread(added);
                    double percent = 100 * addedMs / baseline;
                    report.Line($"| {corpus.Label} | {baseline:F0} ±{Spread(withoutMs):F0} | {AnalyzerCost.Median(withMs):F0} ±{Spread(withMs):F0} | {addedMs:+0;-0} ±{noise:F0} ms ({percent:+0.0;-0.0}%) | {AnalyzerCost.Median(compileAdded):+0;-0} ±{Spread(compileAdded):F0} ms |");
                    string where = mode == CompilerMode.Server ? "compiler server on" : "fresh compiler per build";
                    if (corpus.Density == 0.3)
                    {
                        // The guarded corpus has the tracked one's bound: the same share of bodies analysed, the same build.
                        string what = corpus.Guarded ? "at 30% guarded" : "at 30% density";
                        targets.Add(() => report.Target($"dotnet build, {where}: KD added wall time {what}, % of the build without KD", $"{percent:F1}%", percent <= 3));
                    }
                    else if (corpus.Density == 0.0)
                    {
                        // "Nothing measurable": the pairs' median difference is within their own spread.
                        targets.Add(() => report.Target($"dotnet build, {where}, 0% density: KD adds nothing measurable", $"{addedMs:+0;-0} ms (noise ±{noise:F0} ms)", addedMs <= noise));
                    }
                }

                report.Line(string.Empty);
                targets.ForEach(target => target());
            }
        }
        finally
        {
            // The servers this section started would otherwise outlive the benchmark.
            Dotnet(Path.GetTempPath(), ChildEnvironment(root, CompilerMode.Server), "build-server", "shutdown");
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder left behind is harmless
            }
        }

        OneEditedFile(report, quick, guarded: false);
        OneEditedFile(report, quick, guarded: true);
    }

    /// <summary>The child builds' environment: a package folder of their own, and the compiler server as <paramref name="mode"/> says.</summary>
    private static Dictionary<string, string?> ChildEnvironment(string root, CompilerMode mode)
    {
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
        foreach (var name in ServerSwitches)
        {
            environment[name] = null; // the SDK's defaults: servers on
        }

        if (mode == CompilerMode.FreshProcess)
        {
            environment["UseSharedCompilation"] = "false";
        }

        return environment;
    }

    /// <summary>
    /// The IDE's case: after an edit, the analyzers run on the edited document of a project. Tracked: a file of the
    /// tracked corpus in a project of it; <paramref name="guarded"/>: a file of guarded code (30 % of its methods touch
    /// guarded members) in a project of the guarded corpus.
    /// </summary>
    private static void OneEditedFile(Report report, bool quick, bool guarded)
    {
        Func<int, string> generate = guarded
            ? methods => CorpusGenerator.GuardedCorpus(methods, 0.3, seed: 7, className: "Edited")
            : methods => CorpusGenerator.Corpus(methods, 0.3, seed: 7, className: "Edited");
        var others = AnalyzerCost.Parse(guarded ? CorpusGenerator.GuardedCorpus(quick ? 200 : 2000, 0.3) : CorpusGenerator.Corpus(quick ? 200 : 2000, 0.3));
        // A file of about 300 lines: as many generated methods as fit.
        string edited = string.Empty;
        for (int methods = 10; edited.Split('\n').Length < 300; methods++)
        {
            edited = generate(methods);
        }

        if (guarded)
        {
            AnalyzerCost.CheckClean(others.Append(AnalyzerCost.Parse(edited)[0]).ToArray()); // a false positive fails here, not in the timing
        }

        int lines = edited.Split('\n').Length;
        var kd = new List<double>();
        var empty = new List<double>();
        var own = new List<double>();
        for (int i = 0; i < (quick ? 5 : 25); i++)
        {
            // Each iteration is a keystroke: the file's text changed, a new compilation, that document analysed.
            var tree = CSharpSyntaxTree.ParseText(edited + $"// edit {i}\n", AnalyzerCost.ParseOptions);
            var compilation = CSharpCompilation.Create("Edit" + i, others.Append(tree), AnalyzerCost.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            foreach (var (analyzers, sink) in new[] { (AnalyzerCost.Kd, kd), (AnalyzerCost.Empty, empty) })
            {
                var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
                    concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
                var model = compilation.GetSemanticModel(tree);
                var clock = Stopwatch.StartNew();
                withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, default).GetAwaiter().GetResult();
                if (i >= 3)
                {
                    sink.Add(clock.Elapsed.TotalMilliseconds);
                    if (sink == kd)
                    {
                        own.Add(withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzers[0], default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
                    }
                }
            }
        }

        double added = AnalyzerCost.Median(kd) - AnalyzerCost.Median(empty);
        string kind = guarded ? "guarded" : "tracked";
        report.Line($"\n### One edited file in the IDE ({lines} lines, 30% {kind}, in a project of {(quick ? 200 : 2000)} more methods{(guarded ? " of the guarded corpus" : string.Empty)})\n");
        report.Line($"GetAnalyzerSemanticDiagnosticsAsync on the edited document, median of {kd.Count}: with KD {AnalyzerCost.Median(kd):F1} ms, with the empty analyzer {AnalyzerCost.Median(empty):F1} ms (binding the file is in both); KD's own time {AnalyzerCost.Median(own):F1} ms.\n");
        report.Target($"one edited 300-line file{(guarded ? " of guarded code (30% guarded)" : string.Empty)}: time KD adds to the document's analysis", $"{added:F1} ms", added <= 20);
    }

    private static double Spread(List<double> values)
    {
        double median = AnalyzerCost.Median(values);
        return AnalyzerCost.Median(values.Select(v => Math.Abs(v - median)).ToList());
    }

    private static string[] Sources(Corpus corpus, int files, int methodsPerFile) => Enumerable.Range(0, files)
        .Select(f => corpus.Guarded
            ? CorpusGenerator.GuardedCorpus(methodsPerFile, corpus.Density, seed: f + 1, className: "Guarded" + f)
            : CorpusGenerator.Corpus(methodsPerFile, corpus.Density, seed: f + 1, className: "Corpus" + f))
        .ToArray();

    private static string Consumer(string root, Corpus corpus, string[] sources, string feed, string version, bool analyzers)
    {
        string project = Path.Combine(root, $"{corpus.Folder}-{(analyzers ? "with" : "without")}");
        Directory.CreateDirectory(project);
        string exclude = analyzers ? string.Empty : " ExcludeAssets=\"analyzers\"";
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KernelDiscipline" Version="{version}"{exclude} />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "nuget.config"),
            $"<configuration><packageSources><add key=\"kernel-discipline-feed\" value=\"{feed}\" /></packageSources></configuration>");
        for (int f = 0; f < sources.Length; f++)
        {
            File.WriteAllText(Path.Combine(project, $"Corpus{f}.cs"), sources[f]);
        }

        return project;
    }

    /// <summary>
    /// The Csc task's time from MSBuild's performance summary: the compile itself, analyzers included, without the rest of
    /// the build (evaluation, copying, the other targets), whose spread hides a few percent.
    /// </summary>
    private static double CscTaskMs(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[1] == "ms" && fields[2] == "Csc" && double.TryParse(fields[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double ms))
            {
                return ms;
            }
        }

        throw new InvalidOperationException("No Csc task time in the build's performance summary:\n" + output);
    }

    private static void Expect((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with {result.ExitCode}:\n{result.Output}");
        }
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>; a null value removes a variable.</summary>
    internal static (int ExitCode, string Output) Dotnet(string directory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var pair in environment)
        {
            if (pair.Value is null)
            {
                start.Environment.Remove(pair.Key);
            }
            else
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Analyzers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (Analyzers.sln) was not found.");
    }
}
