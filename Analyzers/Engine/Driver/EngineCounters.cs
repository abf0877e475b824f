using System.Threading;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Two counters the benchmarks read (bodies with tracked calls, control flow graphs built) to show that the
    /// analyzer builds one graph per body that needs it and none for the rest. An interlocked increment per body.
    /// </summary>
    internal static class EngineCounters
    {
        private static long bodiesAnalysed;
        private static long graphsBuilt;

        public static long BodiesAnalysed => Interlocked.Read(ref bodiesAnalysed);

        public static long GraphsBuilt => Interlocked.Read(ref graphsBuilt);

        public static void BodyAnalysed() => Interlocked.Increment(ref bodiesAnalysed);

        public static void GraphBuilt() => Interlocked.Increment(ref graphsBuilt);

        public static void Reset()
        {
            Interlocked.Exchange(ref bodiesAnalysed, 0);
            Interlocked.Exchange(ref graphsBuilt, 0);
        }
    }
}
