using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>
    /// A minimal Language Server Protocol client: JSON-RPC 2.0 over a server's stdin/stdout with Content-Length
    /// framing. It answers the server's own requests (its <c>workspace/configuration</c> through a callback, the
    /// rest with null), keeps the last <c>textDocument/publishDiagnostics</c> of each document, and keeps the
    /// server's log for failure messages.
    /// </summary>
    internal sealed class LspClient : IAsyncDisposable
    {
        private readonly Process process;
        private readonly Stream input;
        private readonly SemaphoreSlim writeLock = new(1, 1);
        private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> pending = new();
        private readonly Func<string?, JsonNode?> configuration;
        private readonly StringBuilder log = new();
        private readonly Task reader;
        private int nextId;

        private LspClient(Process process, Func<string?, JsonNode?> configuration)
        {
            this.process = process;
            this.configuration = configuration;
            input = process.StandardInput.BaseStream;
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) { Log("stderr: " + e.Data); } };
            process.BeginErrorReadLine();
            reader = Task.Run(ReadLoopAsync);
        }

        /// <summary>Raised on every <c>textDocument/publishDiagnostics</c>, with its params.</summary>
        public event Action<JsonNode>? DiagnosticsPublished;

        /// <summary>Starts the server; <paramref name="configuration"/> answers <c>workspace/configuration</c> per section.</summary>
        public static LspClient Start(ProcessStartInfo start, Func<string?, JsonNode?> configuration)
        {
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            var process = Process.Start(start) ?? throw new InvalidOperationException("the language server did not start");
            return new LspClient(process, configuration);
        }

        /// <summary>What the server said on stderr and through window/logMessage, and the client's own notes.</summary>
        public string Log()
        {
            lock (log)
            {
                return log.ToString();
            }
        }

        public async Task<JsonNode?> RequestAsync(string method, JsonNode? parameters, CancellationToken cancellation)
        {
            int id = Interlocked.Increment(ref nextId);
            var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = answer;
            using var registration = cancellation.Register(() => answer.TrySetCanceled(cancellation));
            await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }).ConfigureAwait(false);
            return await answer.Task.ConfigureAwait(false);
        }

        public Task NotifyAsync(string method, JsonNode? parameters) =>
            SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!process.HasExited)
                {
                    using var polite = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await RequestAsync("shutdown", null, polite.Token).ConfigureAwait(false);
                    await NotifyAsync("exit", null).ConfigureAwait(false);
                    await process.WaitForExitAsync(polite.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or LspException)
            {
                // a server that will not stop is stopped below
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
                writeLock.Dispose();
            }
        }

        private void Log(string line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }

        private async Task SendAsync(JsonNode message)
        {
            byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
            byte[] header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
            await writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await input.WriteAsync(header).ConfigureAwait(false);
                await input.WriteAsync(body).ConfigureAwait(false);
                await input.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }

        private async Task ReadLoopAsync()
        {
            var output = process.StandardOutput.BaseStream;
            try
            {
                while (await ReadMessageAsync(output).ConfigureAwait(false) is { } message)
                {
                    await DispatchAsync(message).ConfigureAwait(false);
                }

                Log("client: the server closed its output");
            }
            catch (Exception e) when (e is IOException or JsonException or ObjectDisposedException or InvalidOperationException)
            {
                Log("client: reading stopped: " + e.Message);
            }

            foreach (var waiting in pending.Values)
            {
                waiting.TrySetException(new LspException("the server stopped before it answered:\n" + Log()));
            }
        }

        /// <summary>One framed message, or null at the end of the stream.</summary>
        private static async Task<JsonNode?> ReadMessageAsync(Stream stream)
        {
            int length = -1;
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                if (await stream.ReadAsync(one).ConfigureAwait(false) == 0)
                {
                    return null;
                }

                if (one[0] != '\n')
                {
                    if (one[0] != '\r')
                    {
                        line.Append((char)one[0]);
                    }

                    continue;
                }

                if (line.Length == 0)
                {
                    break; // the blank line that ends the headers
                }

                string header = line.ToString();
                line.Clear();
                if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(header.AsSpan("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (length < 0)
            {
                throw new InvalidOperationException("a message without Content-Length");
            }

            var body = new byte[length];
            await stream.ReadExactlyAsync(body).ConfigureAwait(false);
            return JsonNode.Parse(body);
        }

        private async Task DispatchAsync(JsonNode message)
        {
            string? method = message["method"]?.GetValue<string>();
            var id = message["id"];
            if (method is null)
            {
                // A response to one of our requests.
                if (id != null && pending.TryRemove(id.GetValue<int>(), out var answer))
                {
                    if (message["error"] is { } error)
                    {
                        answer.TrySetException(new LspException("the server answered with an error: " + error.ToJsonString()));
                    }
                    else
                    {
                        answer.TrySetResult(message["result"]?.DeepClone());
                    }
                }

                return;
            }

            if (id != null)
            {
                // A request of the server's: configuration is answered, everything else (progress tokens,
                // capability registrations) is acknowledged with null.
                JsonNode? result = null;
                if (method == "workspace/configuration")
                {
                    var items = new JsonArray();
                    foreach (var item in message["params"]?["items"]?.AsArray() ?? new JsonArray())
                    {
                        items.Add(configuration(item?["section"]?.GetValue<string>()));
                    }

                    result = items;
                }

                Log($"server asks: {method}");
                await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result }).ConfigureAwait(false);
                return;
            }

            switch (method)
            {
                case "textDocument/publishDiagnostics" when message["params"] is { } parameters:
                    DiagnosticsPublished?.Invoke(parameters);
                    break;
                case "window/logMessage" or "window/showMessage" or "$/logTrace":
                    Log($"{method}: {message["params"]?["message"]}");
                    break;
            }
        }
    }

    internal sealed class LspException : Exception
    {
        public LspException(string message)
            : base(message)
        {
        }
    }
}
