namespace KernelDiscipline.Analyzers { internal static class Placeholder { } }
