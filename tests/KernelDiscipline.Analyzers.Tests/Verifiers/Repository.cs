using System;
using System.IO;

namespace KernelDiscipline.Analyzers.Tests.Verifiers
{
    /// <summary>Files of this repository, for tests that read the docs, the samples and the Runtime's sources.</summary>
    internal static class Repository
    {
        public static string Root { get; } = Find();

        public static string PathOf(params string[] parts) => System.IO.Path.Combine(Root, System.IO.Path.Combine(parts));

        private static string Find()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Analyzers.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root (Analyzers.sln) was not found.");
        }
    }
}
