namespace KernelDiscipline.CodeFixes { internal static class Placeholder { } }
