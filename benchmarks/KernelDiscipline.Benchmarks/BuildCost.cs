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
    public static void Run(Report report, bool quick)
    {
        int files = quick ? 2 : 6;
        int methodsPerFile = quick ? 100 : 500;
        int runs = quick ? 3 : 7;
        string root = Path.Combine(Path.GetTempPath(), "kd-build-" + Guid.NewGuid().ToString("N"));
        try
        {
            string feed = Path.Combine(root, "feed");
            string version = "0.1.0-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
            Expect(Dotnet(RepositoryRoot(), null, "pack", Path.Combine("Package", "KernelDiscipline.Package.csproj"), "-c", "Release", "-o", feed, "-p:PackageVersion=" + version), "pack");

            report.Line($"\n## What a build costs a user ({files} files × {methodsPerFile} methods, `dotnet build --no-restore --no-incremental`, build servers on, configurations interleaved, 2 warm-ups, median of {runs})\n");
            report.Line("Without KD: the same project with the package's analyzers excluded (`ExcludeAssets=\"analyzers\"`); the SDK's default analyzers run in both.\n");
            report.Line("| tracked density | build without KD ms | build with KD ms | added |\n|---|---|---|---|");
            foreach (double density in new[] { 0.0, 0.1, 0.3 })
            {
                string with = Consumer(root, density, files, methodsPerFile, feed, version, analyzers: true);
                string without = Consumer(root, density, files, methodsPerFile, feed, version, analyzers: false);
                foreach (var project in new[] { with, without })
                {
                    Expect(Dotnet(project, environment, "restore"), "restore");
                }

                var samples = new[] { new List<double>(), new List<double>() };
                for (int i = 0; i < 2 + runs; i++)
                {
                    for (int k = 0; k < 2; k++)
                    {
                        int c = (k + i) % 2; // alternate which goes first
                        var clock = Stopwatch.StartNew();
                        Expect(Dotnet(c == 0 ? with : without, environment, "build", "--no-restore", "--no-incremental", "-c", "Release", "-nologo", "-v", "q"), "build");
                        if (i >= 2)
                        {
                            samples[c].Add(clock.Elapsed.TotalMilliseconds);
                        }
                    }
                }

                double withMs = AnalyzerCost.Median(samples[0]), withoutMs = AnalyzerCost.Median(samples[1]);
                double spread = Spread(samples[0]) + Spread(samples[1]);
                double added = 100 * (withMs - withoutMs) / withoutMs;
                report.Line($"| {density:P0} | {withoutMs:F0} ±{Spread(samples[1]):F0} | {withMs:F0} ±{Spread(samples[0]):F0} | {added:+0.0;-0.0}% |");
                if (density == 0.3)
                {
                    report.Target("dotnet build: KD added wall time at 30% density, % of the build without KD", $"{added:F1}%", added <= 3);
                }
                else if (density == 0.0)
                {
                    // "Nothing measurable": what KD adds is within the noise (a build with KD that came out faster adds nothing).
                    report.Target("dotnet build at 0% density: KD adds nothing measurable", $"{withMs - withoutMs:+0;-0} ms (noise ±{spread:F0} ms)", withMs - withoutMs <= spread);
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder left behind is harmless
            }
        }

        OneEditedFile(report, quick);
    }

    /// <summary>The IDE's case: after an edit, the analyzers run on the edited document of a project.</summary>
    private static void OneEditedFile(Report report, bool quick)
    {
        var others = AnalyzerCost.Parse(CorpusGenerator.Corpus(quick ? 200 : 2000, 0.3));
        // A file of about 300 lines: as many generated methods as fit.
        string edited = string.Empty;
        for (int methods = 10; edited.Split('\n').Length < 300; methods++)
        {
            edited = CorpusGenerator.Corpus(methods, 0.3, seed: 7, className: "Edited");
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
        report.Line($"\n### One edited file in the IDE ({lines} lines, 30% tracked, in a project of {(quick ? 200 : 2000)} more methods)\n");
        report.Line($"GetAnalyzerSemanticDiagnosticsAsync on the edited document, median of {kd.Count}: with KD {AnalyzerCost.Median(kd):F1} ms, with the empty analyzer {AnalyzerCost.Median(empty):F1} ms (binding the file is in both); KD's own time {AnalyzerCost.Median(own):F1} ms.\n");
        report.Target("one edited 300-line file: time KD adds to the document's analysis", $"{added:F1} ms", added <= 20);
    }

    private static double Spread(List<double> values)
    {
        double median = AnalyzerCost.Median(values);
        return AnalyzerCost.Median(values.Select(v => Math.Abs(v - median)).ToList());
    }

    private static string Consumer(string root, double density, int files, int methodsPerFile, string feed, string version, bool analyzers)
    {
        string project = Path.Combine(root, $"d{density * 100:F0}-{(analyzers ? "with" : "without")}");
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
        for (int f = 0; f < files; f++)
        {
            File.WriteAllText(Path.Combine(project, $"Corpus{f}.cs"), CorpusGenerator.Corpus(methodsPerFile, density, seed: f + 1, className: "Corpus" + f));
        }

        return project;
    }

    private static void Expect((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with {result.ExitCode}:\n{result.Output}");
        }
    }

    private static (int ExitCode, string Output) Dotnet(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var pair in environment ?? new Dictionary<string, string>())
        {
            start.Environment[pair.Key] = pair.Value;
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
