using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>
    /// An editor's view through a real language server: csharp-ls (a local dotnet tool, .config/dotnet-tools.json)
    /// opens the consumer project that references the packed package and reports the KD diagnostics of a file; the
    /// documented fixes of the same file are then applied by dotnet format, since this server offers none of them.
    /// </summary>
    [Collection(ConsumerCollection.Name)]
    public class LanguageServerTests
    {
        // The machine is slow and shared: generous, and never asserted as a duration.
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
        private readonly ConsumerFixture consumer;
        private readonly ITestOutputHelper output;

        public LanguageServerTests(ConsumerFixture consumer, ITestOutputHelper output)
        {
            this.consumer = consumer;
            this.output = output;
        }

        [Fact]
        public async Task CsharpLsReportsTheDiagnosticsAndDotnetFormatAppliesTheFixes()
        {
            consumer.UseSources(new Dictionary<string, string> { ["Fixable.cs"] = ConsumerSources.Fixable });
            string file = Path.Combine(consumer.Project, "Fixable.cs");
            string uri = new Uri(file).AbsoluteUri;

            // The tool manifest lives at the repository root: restore and run the server from there, on the consumer.
            ConsumerFixture.Expect(DotnetCli.Run(ConsumerFixture.RepositoryRoot(), null, "tool", "restore"), "dotnet tool restore");
            var start = DotnetCli.StartInfo(ConsumerFixture.RepositoryRoot(), consumer.Environment, "tool", "run", "csharp-ls");

            var clock = Stopwatch.StartNew();
            var published = new List<(TimeSpan At, JsonNode Params)>();
            var firstKd = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var settled = new SemaphoreSlim(0);
            using var patience = new CancellationTokenSource(Patience);

            // Analyzers are off by default in csharp-ls: the client turns them on when the server asks for "csharp".
            await using var server = LspClient.Start(start, section => section == "csharp" ? new JsonObject { ["analyzersEnabled"] = true } : null);
            server.DiagnosticsPublished += parameters =>
            {
                if (SameFile(parameters["uri"]?.GetValue<string>(), file))
                {
                    lock (published)
                    {
                        published.Add((clock.Elapsed, parameters.DeepClone()));
                    }

                    if (Kd(parameters["diagnostics"]).Count > 0)
                    {
                        firstKd.TrySetResult(clock.Elapsed);
                    }

                    settled.Release();
                }
            };

            var initializeSent = clock.Elapsed;
            var initialized = await server.RequestAsync("initialize", new JsonObject
            {
                ["processId"] = Environment.ProcessId,
                ["rootUri"] = new Uri(consumer.Project + Path.DirectorySeparatorChar).AbsoluteUri,
                ["workspaceFolders"] = new JsonArray(new JsonObject { ["uri"] = new Uri(consumer.Project + Path.DirectorySeparatorChar).AbsoluteUri, ["name"] = "Consumer" }),
                ["capabilities"] = new JsonObject
                {
                    ["workspace"] = new JsonObject { ["configuration"] = true, ["workspaceFolders"] = true, ["didChangeConfiguration"] = new JsonObject { ["dynamicRegistration"] = true } },
                    ["textDocument"] = new JsonObject
                    {
                        ["synchronization"] = new JsonObject { ["didSave"] = true },
                        // Push only: a client that can pull is not pushed to.
                        ["publishDiagnostics"] = new JsonObject { ["relatedInformation"] = true },
                    },
                },
            }, patience.Token);
            Assert.NotNull(initialized?["capabilities"]);
            await server.NotifyAsync("initialized", new JsonObject());

            // The server loads the workspace on the first didOpen.
            await server.NotifyAsync("textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = File.ReadAllText(file) },
            });

            var expected = ExpectedDiagnostics(File.ReadAllText(file));
            IReadOnlyList<string> pushed = Array.Empty<string>();
            try
            {
                await firstKd.Task.WaitAsync(patience.Token);
                output.WriteLine($"first KD diagnostic {(firstKd.Task.Result - initializeSent).TotalSeconds:F1} s after initialize");

                // Later publications may complete the set (analysis runs per method): wait until it is all there.
                while (!(pushed = LastPushed(published)).SequenceEqual(expected))
                {
                    await settled.WaitAsync(patience.Token);
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no complete set of KD diagnostics in {Patience}; last published:\n{string.Join("\n", LastPushed(published))}\nserver log:\n{server.Log()}");
            }

            Assert.Equal(expected, pushed);

            // Pull diagnostics carry the same.
            var pulled = await server.RequestAsync("textDocument/diagnostic", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } }, patience.Token);
            Assert.Equal(expected, Kd(pulled?["items"]));
            output.WriteLine($"pull answered {clock.Elapsed.TotalSeconds:F1} s after the server started");

            // The server offers no fix of the package (its code actions come from Roslyn's own providers), as the
            // README says; dotnet format applies them to the same project.
            JsonNode kd102;
            lock (published)
            {
                kd102 = published[^1].Params["diagnostics"]!.AsArray().First(d => d?["code"]?.ToString() == "KD102")!.DeepClone();
            }

            var actions = await server.RequestAsync("textDocument/codeAction", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri },
                ["range"] = kd102["range"]!.DeepClone(),
                ["context"] = new JsonObject { ["diagnostics"] = new JsonArray(kd102) },
            }, patience.Token);
            var titles = (actions?.AsArray() ?? new JsonArray()).Select(a => a?["title"]?.ToString()).ToList();
            output.WriteLine($"code actions on KD102 ({clock.Elapsed.TotalSeconds:F1} s): " + string.Join(" | ", titles));
            Assert.DoesNotContain("Return -EAGAIN so the caller retries", titles);

            PackageEndToEndTests.AssertDotnetFormatAppliesTheDocumentedFixes(consumer);
            output.WriteLine($"dotnet format and the clean build done {clock.Elapsed.TotalSeconds:F1} s after the server started");
        }

        /// <summary>
        /// What the server must report for <see cref="ConsumerSources.Fixable"/>: code, range (0-based, as LSP counts)
        /// and message, in a comparable line each.
        /// </summary>
        private static IReadOnlyList<string> ExpectedDiagnostics(string source)
        {
            var lines = source.Replace("\r\n", "\n").Split('\n');

            // A text on the nth line that contains a marker, as an LSP range.
            string Range(string marker, string text, int nth = 1)
            {
                int index = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(marker, StringComparison.Ordinal)).ElementAt(nth - 1);
                int column = lines[index].IndexOf(text, StringComparison.Ordinal);
                return $"{index}:{column}-{index}:{column + text.Length}";
            }

            return new[]
            {
                $"KD101 {Range("pte.Write(addr, null)", "pte")} The result of 'pmd.MapLock(addr)' is dereferenced on a path where it may be null: it fails when the page table was freed, collapsed or replaced; check it and retry or return -EAGAIN",
                $"KD102 {Range("-Errno.EFAULT", "-Errno.EFAULT")} On the path where 'pmd.MapLock(addr)' failed, -EFAULT is returned; a failed map means the page table changed under you: retry or return -EAGAIN",
                $"KD103 {Range("pmd.MapLock(addr)", "pmd.MapLock(addr)")} 'pmd.MapLock(addr)' succeeds on a path that leaves the method without releasing it; call Unlock() on every path out, or hand ownership on",
            }.OrderBy(x => x, StringComparer.Ordinal).ToList();
        }

        private static IReadOnlyList<string> LastPushed(List<(TimeSpan At, JsonNode Params)> published)
        {
            lock (published)
            {
                return published.Count == 0 ? Array.Empty<string>() : Kd(published[^1].Params["diagnostics"]);
            }
        }

        /// <summary>The KD diagnostics of an LSP diagnostic array as "code start-end message" lines, sorted.</summary>
        private static IReadOnlyList<string> Kd(JsonNode? diagnostics) =>
            (diagnostics?.AsArray() ?? new JsonArray())
                .Where(d => d?["code"]?.ToString().StartsWith("KD", StringComparison.Ordinal) == true)
                .Select(d =>
                {
                    var range = d!["range"]!;
                    return $"{d["code"]} {range["start"]!["line"]}:{range["start"]!["character"]}-{range["end"]!["line"]}:{range["end"]!["character"]} {d["message"]}";
                })
                .OrderBy(x => x, StringComparer.Ordinal)
                .ToList();

        private static bool SameFile(string? uri, string path) =>
            uri != null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile &&
            string.Equals(Path.GetFullPath(parsed.LocalPath), Path.GetFullPath(path), StringComparison.Ordinal);
    }
}
