using System.Threading;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// Counters the benchmarks read: bodies with tracked calls and control flow graphs built (one graph per body that
    /// needs it and none for the rest), and what no analysis may drop without a trace: bodies where a bound cut a fact
    /// (the rest of the body analysed), and bodies given up (nothing reported). An interlocked increment per body.
    /// </summary>
    internal static class EngineCounters
    {
        private static long bodiesAnalysed;
        private static long graphsBuilt;
        private static long bodiesWithBoundHit;
        private static long bodiesGivenUp;

        public static long BodiesAnalysed => Interlocked.Read(ref bodiesAnalysed);

        public static long GraphsBuilt => Interlocked.Read(ref graphsBuilt);

        /// <summary>Engine runs (bodies and summaries) in which a bound cut a fact.</summary>
        public static long BodiesWithBoundHit => Interlocked.Read(ref bodiesWithBoundHit);

        /// <summary>Engine runs that did not reach a fixed point within their budget and reported nothing.</summary>
        public static long BodiesGivenUp => Interlocked.Read(ref bodiesGivenUp);

        public static void BodyAnalysed() => Interlocked.Increment(ref bodiesAnalysed);

        public static void GraphBuilt() => Interlocked.Increment(ref graphsBuilt);

        public static void BodyWithBoundHit() => Interlocked.Increment(ref bodiesWithBoundHit);

        public static void BodyGivenUp() => Interlocked.Increment(ref bodiesGivenUp);

        public static void Reset()
        {
            Interlocked.Exchange(ref bodiesAnalysed, 0);
            Interlocked.Exchange(ref graphsBuilt, 0);
            Interlocked.Exchange(ref bodiesWithBoundHit, 0);
            Interlocked.Exchange(ref bodiesGivenUp, 0);
        }
    }
}
