using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace KernelDiscipline.EndToEnd.Tests
{
    /// <summary>The tests that share one packed package and one consumer project; they run one at a time.</summary>
    [CollectionDefinition(Name)]
    public sealed class ConsumerCollection : ICollectionFixture<ConsumerFixture>
    {
        public const string Name = "Consumer";
    }

    /// <summary>
    /// Once per run: packs KernelDiscipline into a temporary feed (with a version of its own, so no cached copy is
    /// used), creates a console project with <c>dotnet new</c>, and adds the package from that feed.
    /// </summary>
    public sealed class ConsumerFixture : IDisposable
    {
        public ConsumerFixture()
        {
            Root = Path.Combine(Path.GetTempPath(), "kd-e2e-" + Guid.NewGuid().ToString("N"));
            Feed = Path.Combine(Root, "feed");
            Project = Path.Combine(Root, "Consumer");
            Directory.CreateDirectory(Project);
            Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Root, "packages") };
            Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            // Pack what this build produced: a restore or build here would rewrite the repository's obj/ folders
            // while other test projects run. The consumer alone gets a package folder of its own.
            Expect(DotnetCli.Run(RepositoryRoot(), null, "pack", Path.Combine("Package", "KernelDiscipline.Package.csproj"),
                "-c", configuration, "-o", Feed, "--no-build", "--no-restore", "-p:PackageVersion=" + Version), "pack");
            Package = Path.Combine(Feed, $"KernelDiscipline.{Version}.nupkg");

            Expect(DotnetCli.Run(Project, Environment, "new", "console", "--framework", "net10.0", "--name", "Consumer", "--output", "."), "dotnet new");
            File.WriteAllText(Path.Combine(Project, "nuget.config"),
                $"<configuration><packageSources><add key=\"kernel-discipline-feed\" value=\"{Feed}\" /></packageSources></configuration>");
            Expect(DotnetCli.Run(Project, Environment, "add", "package", "KernelDiscipline", "--version", Version), "dotnet add package");
        }

        public string Root { get; }

        public string Feed { get; }

        public string Project { get; }

        public string Package { get; }

        public string Version { get; }

        public IReadOnlyDictionary<string, string> Environment { get; }

        public IReadOnlyList<string> PackageEntries()
        {
            using var zip = ZipFile.OpenRead(Package);
            return zip.Entries.Select(e => e.FullName).ToList();
        }

        /// <summary>The text of one file in the package.</summary>
        public string PackageText(string entry)
        {
            using var zip = ZipFile.OpenRead(Package);
            using var reader = new StreamReader(zip.Entries.Single(e => e.FullName == entry).Open());
            return reader.ReadToEnd();
        }

        /// <summary>The repository URL the build declares (Directory.Build.props).</summary>
        public static string DeclaredRepositoryUrl() =>
            System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props")).Descendants("RepositoryUrl").Single().Value;

        public (int ExitCode, string Output) Dotnet(params string[] arguments) => DotnetCli.Run(Project, Environment, arguments);

        /// <summary>Leaves exactly these source files (besides Program.cs) and this .editorconfig in the project.</summary>
        public void UseSources(IReadOnlyDictionary<string, string> files, string? editorConfig = null)
        {
            foreach (var file in Directory.GetFiles(Project, "*.cs").Where(f => Path.GetFileName(f) != "Program.cs"))
            {
                File.Delete(file);
            }

            foreach (var pair in files)
            {
                File.WriteAllText(Path.Combine(Project, pair.Key), pair.Value);
            }

            var config = Path.Combine(Project, ".editorconfig");
            if (editorConfig is null)
            {
                File.Delete(config);
            }
            else
            {
                File.WriteAllText(config, "root = true\n\n[*.cs]\n" + editorConfig);
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder left behind is harmless
            }
        }

        public static void Expect((int ExitCode, string Output) result, string what) =>
            Assert.True(result.ExitCode == 0, $"{what} failed with {result.ExitCode}:\n{result.Output}");

        internal static string RepositoryRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "Analyzers.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root (Analyzers.sln) was not found.");
        }
    }
}
